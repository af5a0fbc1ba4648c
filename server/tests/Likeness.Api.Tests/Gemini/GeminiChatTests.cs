using Likeness.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Tests.Gemini;

/// <summary>
/// Issue 9 through the API: chat-mode edits (the signed conversation along the version path), the model
/// catalogue, quotas and cost. What the emulator received is asserted turn by turn; the emulator itself
/// rejects an unsigned or altered model turn, so a passing edit means the signatures came back intact.
/// </summary>
public sealed class GeminiChatTests : IClassFixture<GeminiApiFixture>
{
    private readonly GeminiEmulator Emulator;
    private readonly LikenessApiFactory SharedApp;

    public GeminiChatTests(GeminiApiFixture fixture)
    {
        Emulator = fixture.Emulator;
        SharedApp = fixture.App;
        Emulator.Reset();
    }

    private static string Sha(ImageSessionResponse answer) =>
        Convert.ToHexString(SHA256.HashData(Convert.FromBase64String(answer.ImageBase64!)));

    private static string Texts(ContentSummary content) =>
        string.Join(" | ", content.Parts.Where(p => p.Kind == "text" && !p.Thought).Select(p => p.Text));

    [Fact]
    public async Task Chat_edits_send_the_whole_signed_conversation()
    {
        var (client, _, generated) = await SharedApp.StartSessionAsync();
        Assert.Equal("chat", generated.EditMode);
        Assert.Equal("gemini-3-pro-image", generated.Model);

        var first = await client.EditAsync("warmer");
        var second = await client.EditAsync("add a red border");

        var calls = Emulator.Calls;
        Assert.Equal(3, calls.Count);
        Assert.Equal(["user"], calls[0].Contents.Select(c => c.Role));
        Assert.Equal(["user", "model", "user"], calls[1].Contents.Select(c => c.Role));
        Assert.Equal(["user", "model", "user", "model", "user"], calls[2].Contents.Select(c => c.Role));

        // The first user turn is the generation request, exactly: its prompt and the references.
        Assert.Equal(calls[0].Contents[0].Shape, calls[2].Contents[0].Shape);
        Assert.Equal(calls[0].Contents[0].Parts.Select(p => p.Sha256 ?? p.Text), calls[2].Contents[0].Parts.Select(p => p.Sha256 ?? p.Text));
        // Each model turn is the model's answer: its signed text, its signed image in the original bytes.
        var turn1 = calls[2].Contents[1];
        var image1 = Assert.Single(turn1.Parts, p => p.Kind == "image" && !p.Thought);
        Assert.Equal(Sha(generated), image1.Sha256);
        Assert.NotNull(image1.ThoughtSignature);
        Assert.Equal("Here is the generated image.", Texts(turn1));
        Assert.All(turn1.Parts.Where(p => !p.Thought), p => Assert.NotNull(p.ThoughtSignature));
        Assert.Equal("warmer", Texts(calls[2].Contents[2]));
        var image2 = Assert.Single(calls[2].Contents[3].Parts, p => p.Kind == "image" && !p.Thought);
        Assert.Equal(Sha(first), image2.Sha256);
        Assert.Equal("Here is the edited image.", Texts(calls[2].Contents[3]));
        Assert.Equal("add a red border", Texts(calls[2].Contents[4]));
        // The turn the model edited is the latest one; the answer is what it made.
        Assert.Equal([EmulatorMode.Generate, EmulatorMode.Edit, EmulatorMode.Edit], calls.Select(c => c.Mode));
        Assert.Equal(calls[2].ResponseImage!.Sha256, Sha(second));
        using var bordered = TestImages.Decode(second.ImageBase64!);
        var corner = bordered.GetPixel(2, 2);
        Assert.True(corner.Red > 150 && corner.Green < 100 && corner.Blue < 100, $"corner is {corner}, not red");
    }

    [Fact]
    public async Task After_undo_the_conversation_is_the_new_branchs_path()
    {
        var (client, _, generated) = await SharedApp.StartSessionAsync();
        var warmer = await client.EditAsync("warmer");
        await client.EditAsync("add a red border");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"{Status}undo/", null)).StatusCode);

        await client.EditAsync("make it black and white");

        var call = Emulator.Calls[^1];
        Assert.Equal(["user", "model", "user", "model", "user"], call.Contents.Select(c => c.Role));
        Assert.Equal("warmer", Texts(call.Contents[2]));
        Assert.Equal(Sha(warmer), Assert.Single(call.Contents[3].Parts, p => p.Kind == "image" && !p.Thought).Sha256);
        Assert.Equal("make it black and white", Texts(call.Contents[4]));
        Assert.DoesNotContain(call.Parts, p => p.Text == "add a red border"); // the undone turn is not sent

        // Selecting the root and editing sends only the generation turn.
        var root = generated.VersionId!.Value;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"{Status}select/", new { version_id = root })).StatusCode);
        await client.EditAsync("sepia");
        Assert.Equal(["user", "model", "user"], Emulator.Calls[^1].Contents.Select(c => c.Role));
        Assert.Equal("sepia", Texts(Emulator.Calls[^1].Contents[2]));
    }

    [Fact]
    public async Task A_longer_path_starts_with_a_user_turn_holding_the_oldest_kept_image()
    {
        await using var app = GeminiApiTests.CreateApp(Emulator, ("Gemini:ChatTurns", "2"));
        var (client, _, generated) = await app.StartSessionAsync();
        var first = await client.EditAsync("warmer");
        var second = await client.EditAsync("add a red border");
        await client.EditAsync("sepia");

        var call = Emulator.Calls[^1];
        // Two model turns (the last two edits), opened by the edit that made the first of them.
        Assert.Equal(["user", "model", "user", "model", "user"], call.Contents.Select(c => c.Role));
        var start = call.Contents[0];
        Assert.Equal("warmer", start.Parts[0].Text);
        Assert.Equal(Sha(generated), start.Parts[1].Sha256); // the image that edit started from, as a user image
        Assert.Null(start.Parts[1].ThoughtSignature);
        Assert.Equal(Emulator.Calls[0].Images.Select(i => i.Sha256), start.Parts.Skip(2).Select(p => p.Sha256)); // then the references
        Assert.Equal(Sha(first), call.Contents[1].Parts.Single(p => p.Kind == "image" && !p.Thought).Sha256);
        Assert.Equal("add a red border", Texts(call.Contents[2]));
        Assert.Equal(Sha(second), call.Contents[3].Parts.Single(p => p.Kind == "image" && !p.Thought).Sha256);
        Assert.Equal("sepia", Texts(call.Contents[4]));
        Assert.All(call.Contents.Where(c => c.Role == "model"), c => Assert.All(c.Parts.Where(p => !p.Thought), p => Assert.NotNull(p.ThoughtSignature)));
    }

    [Fact]
    public async Task A_version_without_a_Gemini_answer_falls_back_to_the_stateless_edit()
    {
        var (client, _, generated) = await SharedApp.StartSessionAsync();
        // As a version the Local engine made (or an uploaded image) has no model answer to send back.
        await using (var scope = SharedApp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LikenessDbContext>();
            var id = generated.VersionId!.Value;
            await db.ImageVersions.Where(v => v.Id == id).ExecuteUpdateAsync(s => s.SetProperty(v => v.ModelAnswer, (string?)null));
        }

        await client.EditAsync("warmer");

        var call = Emulator.Calls[^1];
        Assert.Equal(["user"], call.Contents.Select(c => c.Role));
        Assert.Equal("text, image, image, image", call.Shape);
        Assert.Equal("warmer", call.Parts[0].Text);
        Assert.Equal(Sha(generated), call.Parts[1].Sha256);
    }

    [Fact]
    public async Task Single_mode_sends_the_stateless_edit()
    {
        var (client, identityId, _) = await SharedApp.StartSessionAsync();
        var generated = await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", edit_mode = "single" });
        Assert.Equal("single", (await generated.ReadAsAsync<ImageSessionResponse>()).EditMode);
        await client.EditAsync("warmer");
        Assert.Equal(["user"], Emulator.Calls[^1].Contents.Select(c => c.Role));
        var status = await client.GetAsAsync<ImageSessionResponse>(Status);
        Assert.Equal("single", status.EditMode);
    }

    [Fact]
    public async Task Image_options_list_the_enabled_models()
    {
        var (client, _) = await SharedApp.CreateUserClientAsync();
        var options = await client.GetAsAsync<ImageOptionsResponse>("/api/v1/image-options");

        var models = options.Models;
        Assert.Equal(["gemini-3-pro-image", "gemini-3-pro-image-preview", "gemini-3.1-flash-image", "gemini-2.5-flash-image"],
            models.Select(m => m.Id));
        var pro = models[0];
        Assert.Equal("gemini", pro.Engine);
        Assert.Equal("Gemini 3 Pro Image", pro.Label);
        Assert.True(pro.IsDefault);
        Assert.Equal(14, pro.MaxInputImages);
        Assert.Equal(["1K", "2K", "4K"], pro.Resolutions);
        Assert.Equal(0.24m, pro.PricePerImageUsd!["4K"]);
        Assert.Contains("8:1", models[2].AspectRatios);
        Assert.Equal(["512", "1K", "2K", "4K"], models[2].Resolutions);
        Assert.Equal(3, models[3].MaxInputImages);
        Assert.Equal(["chat", "single"], options.EditModes);
        Assert.Equal("chat", options.DefaultEditMode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SharedApp.CreateClient().GetAsync("/api/v1/image-options")).StatusCode);
    }

    [Fact]
    public async Task The_admin_chooses_the_enabled_models_and_the_default()
    {
        await using var app = GeminiApiTests.CreateApp(Emulator,
            ("Gemini:EnabledModels:0", "gemini-3.1-flash-image"), ("Gemini:EnabledModels:1", "gemini-2.5-flash-image"),
            ("Gemini:DefaultModel", "gemini-3.1-flash-image"));
        var (client, _) = await app.CreateUserClientAsync();
        var options = await client.GetAsAsync<ImageOptionsResponse>("/api/v1/image-options");
        Assert.Equal(["gemini-3.1-flash-image:True", "gemini-2.5-flash-image:False"], options.Models.Select(m => $"{m.Id}:{m.IsDefault}"));

        using var admin = await app.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, model = "gemini-3-pro-image" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "model must be one of gemini-3.1-flash-image, gemini-2.5-flash-image.");
    }

    [Fact]
    public async Task Bad_model_edit_mode_or_size_for_the_model_are_400s_naming_the_allowed_values()
    {
        var (client, _) = await SharedApp.CreateUserClientAsync();
        using var admin = await SharedApp.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();

        await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, model = "gpt-image-1" })).AssertProblemAsync(
            HttpStatusCode.BadRequest,
            "model must be one of gemini-3-pro-image, gemini-3-pro-image-preview, gemini-3.1-flash-image, gemini-2.5-flash-image.");
        await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, edit_mode = "stateful" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "edit_mode must be one of chat, single.");
        await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "512" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "resolution must be one of 1K, 2K, 4K.");
        await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, model = "gemini-2.5-flash-image", resolution = "4K" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "resolution must be one of 1K.");
        await (await client.PostAsJsonAsync("/api/v1/identities/image-session/jobs/",
                new { kind = "generate", identity_id = identityId, model = "gemini-3-pro-image", aspect_ratio = "8:1" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "aspect_ratio must be one of 1:1, 2:3, 3:2, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, 21:9.");
        Assert.Empty(Emulator.Calls);
    }

    [Fact]
    public async Task A_Flash_3_1_session_at_512_and_1_to_8_works_and_stores_its_model()
    {
        var (client, _) = await SharedApp.CreateUserClientAsync();
        using var admin = await SharedApp.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var response = await client.PostAsJsonAsync(Generate,
            new { identity_id = identityId, model = "gemini-3.1-flash-image", resolution = "512", aspect_ratio = "1:8" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var generated = await response.ReadAsAsync<ImageSessionResponse>();
        var edited = await client.EditAsync("warmer");

        Assert.Equal("gemini-3.1-flash-image", generated.Model);
        Assert.Equal((192, 1536), (edited.Width, edited.Height));
        Assert.All(Emulator.Calls, c => Assert.Equal(("/v1beta/models/gemini-3.1-flash-image:streamGenerateContent", "512", "1:8"),
            (c.Path, c.ImageSize, c.AspectRatio)));
        Assert.All(await client.SessionVersionsAsync(), v => Assert.Equal("gemini-3.1-flash-image", v.Model));
    }

    [Fact]
    public async Task Flash_2_5_sends_no_image_size_and_at_most_3_input_images()
    {
        var (client25, _) = await SharedApp.CreateUserClientAsync();
        using var admin = await SharedApp.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(4);
        Emulator.Reset();
        var response = await client25.PostAsJsonAsync(Generate,
            new { identity_id = identityId, model = "gemini-2.5-flash-image", aspect_ratio = "16:9" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1K", (await response.ReadAsAsync<ImageSessionResponse>()).Resolution);
        await client25.EditAsync("warmer");
        await client25.EditAsync("add a red border");

        var calls = Emulator.Calls;
        Assert.All(calls, c => Assert.Null(c.ImageSize));
        Assert.All(calls, c => Assert.True(c.Images.Count() <= 3, $"call {c.Number}: {c.Images.Count()} images"));
        Assert.Equal(3, calls[0].Images.Count()); // 3 of the 4 references
        Assert.Equal((1344, 768), (calls[0].ResponseImage!.Width, calls[0].ResponseImage!.Height));
        // Chat: the model's last two images leave room for one reference.
        Assert.Equal(["user", "model", "user", "model", "user"], calls[2].Contents.Select(c => c.Role));
        Assert.Equal(2, calls[2].Contents[0].Parts.Count); // the generation prompt and one reference
    }

    [Fact]
    public async Task Left_out_references_are_a_notice_event()
    {
        var (client, _, _) = await SharedApp.StartSessionAsync(references: 14);
        var job = await (await client.PostAsJobAsync(Edit, new { edit_prompt = "warmer" })).ReadAsAsync<ImageJobResponse>();

        var events = await client.ReadEventsAsync(job.EventsUrl);

        Assert.Equal("succeeded", events[^1].Name);
        var notice = Assert.Single(events, e => e.Name == "notice");
        Assert.Equal("Gemini 3 Pro Image takes at most 14 input images, so reference image 14 was left out of this request.",
            notice.DataAs<NoticeEvent>().Message);
        Assert.Equal(14, Emulator.Calls[^1].Images.Count());
    }

    [Fact]
    public async Task A_per_minute_429_is_retried_after_its_retryDelay()
    {
        var (client, _, _) = await SharedApp.StartSessionAsync();
        Emulator.Reset();
        Emulator.Inject(GeminiFault.Quota(retryDelaySeconds: 2));

        await client.EditAsync("warmer");

        var calls = Emulator.Calls;
        Assert.Equal([429, 200], calls.Select(c => c.StatusCode));
        Assert.True(calls[1].StartedAt - calls[0].FinishedAt >= TimeSpan.FromSeconds(1.9),
            $"retried after {(calls[1].StartedAt - calls[0].FinishedAt).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_per_day_quota_is_not_retried_and_the_user_gets_429_with_Retry_After()
    {
        var (client, _, _) = await SharedApp.StartSessionAsync();
        var before = await client.GetStringAsync(Status);
        Emulator.Reset();
        Emulator.Inject(GeminiFault.Quota(retryDelaySeconds: null, perDay: true), times: 3);

        var response = await client.PostAsJsonAsync(Edit, new { edit_prompt = "warmer" });

        await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "The image model's quota is used up. Try again tomorrow.");
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { TotalSeconds: > 0 and <= 86400 }, $"Retry-After: {retryAfter}");
        Assert.Single(Emulator.Calls);
        Assert.Equal(before, await client.GetStringAsync(Status));
    }

    [Fact]
    public async Task A_quota_wait_longer_than_MaxRetryAfterSeconds_is_429_in_minutes()
    {
        var (client, _, _) = await SharedApp.StartSessionAsync();
        Emulator.Reset();
        Emulator.Inject(GeminiFault.Quota(retryDelaySeconds: 150), times: 3);

        var response = await client.PostAsJsonAsync(Edit, new { edit_prompt = "warmer" });

        await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "The image model's quota is used up. Try again in 3 minutes.");
        Assert.Equal(TimeSpan.FromSeconds(150), response.Headers.RetryAfter?.Delta);
        Assert.Single(Emulator.Calls);
    }

    [Fact]
    public async Task Usage_and_cost_are_stored_per_version_and_summed_for_the_session()
    {
        var (client, _, generated) = await SharedApp.StartSessionAsync();
        await client.EditAsync("warmer");

        var versions = await client.SessionVersionsAsync();
        decimal total = 0;
        foreach (var (version, call) in versions.Zip(Emulator.Calls))
        {
            Assert.Equal("gemini-3-pro-image", version.Model);
            var usage = version.Usage;
            Assert.NotNull(usage);
            var prompt = usage.PromptTokens;
            Assert.Equal(call.Parts.Where(p => p.Kind == "text").Sum(p => Math.Max(1, p.Bytes / 4)) + 560 * call.Images.Count(), prompt);
            Assert.Equal(1132, usage.OutputTokens); // 1120 for the 1K image, 12 of text
            Assert.Equal(180, usage.ThoughtsTokens);
            Assert.Equal(prompt + 1132 + 180, usage.TotalTokens);
            var cost = version.EstimatedCostUsd;
            Assert.NotNull(cost);
            Assert.Equal(Math.Round(0.134m + prompt * 2m / 1_000_000m, 6), cost); // one 1K image, input at $2 per million
            total += cost.Value;
        }
        var status = await client.GetAsAsync<ImageSessionResponse>(Status);
        Assert.Equal(total, status.EstimatedCostUsd);
        Assert.Equal("gemini-3-pro-image", status.Model);
        Assert.Equal(versions[0].Id, generated.VersionId);
    }

    [Fact]
    public async Task The_daily_budget_refuses_before_any_model_call_and_the_admin_sees_usage_per_day()
    {
        await using var app = GeminiApiTests.CreateApp(Emulator, ("Likeness:DailyBudgetUsd", "0.2"));
        var (client, _, _) = await app.StartSessionAsync(); // ~0.135
        await client.EditAsync("warmer"); // ~0.27: over the budget now
        var calls = Emulator.CallCount;

        var refused = await client.PostAsJsonAsync(Edit, new { edit_prompt = "sepia" });

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "Your daily image budget is used up.");
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 and <= 86400 });
        Assert.Equal(calls, Emulator.CallCount);

        using var admin = await app.CreateAdminClientAsync();
        var usage = await admin.GetAsAsync<UsageResponse>("/api/v1/admin/usage/?days=30");
        var day = Assert.Single(usage.Days);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd"), day.Date);
        Assert.Equal(2, day.Images);
        var versions = await client.SessionVersionsAsync();
        Assert.All(versions, v => Assert.NotNull(v.EstimatedCostUsd));
        Assert.Equal(versions.Sum(v => v.EstimatedCostUsd), day.EstimatedCostUsd);
        Assert.Equal(versions.Sum(v => (long)v.Usage!.TotalTokens), day.TotalTokens);
        Assert.EndsWith("@test.local", day.Email);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/admin/usage/")).StatusCode);
        await (await admin.GetAsync("/api/v1/admin/usage/?days=0")).AssertProblemAsync(HttpStatusCode.BadRequest, "days must be a whole number from 1 to 366.");
    }

    private static IEnumerable<string?> ReferenceUris(EmulatorCall call) =>
        call.Contents[0].Parts.Where(p => p.Kind == "image" && p.FileUri is not null).Select(p => p.FileUri);

    [Fact]
    public async Task References_are_uploaded_once_through_the_Files_API_and_reused_so_an_edit_turn_sends_far_fewer_bytes()
    {
        await using var app = GeminiApiTests.CreateApp(Emulator); // a fresh database: nothing uploaded yet
        var (client, _, _) = await app.StartSessionAsync(references: 3);
        await client.EditAsync("warmer");
        await client.EditAsync("add a red border");

        var calls = Emulator.Calls;
        // One upload per distinct reference image (the test identity's references may share their bytes).
        var distinct = calls[0].Images.Select(i => i.Sha256).Distinct().Count();
        Assert.Equal(distinct, Emulator.FileCalls.Count(c => c.QueryString.Contains("upload_id=")));
        Assert.Equal(3, ReferenceUris(calls[0]).Count());
        Assert.Equal(distinct, ReferenceUris(calls[0]).Distinct().Count());
        Assert.All(calls, c => Assert.Equal(ReferenceUris(calls[0]), ReferenceUris(c)));
        Assert.All(calls, c => Assert.Equal(calls[0].Images.Where(i => i.FileUri is not null).Select(i => i.Sha256),
            c.Images.Where(i => i.FileUri is not null).Select(i => i.Sha256)));

        // The same edit with the references inline carries them (as base64) every turn.
        await using var inlineApp = GeminiApiTests.CreateApp(Emulator, ("Gemini:UseFilesApi", "false"));
        var (inlineClient, _, _) = await inlineApp.StartSessionAsync(references: 3);
        Emulator.Reset();
        await inlineClient.EditAsync("warmer");
        var inlineEdit = Emulator.Calls[^1];
        Assert.Empty(Emulator.FileCalls);
        Assert.DoesNotContain(inlineEdit.Parts, p => p.FileUri is not null);
        var referencesBase64 = inlineEdit.Contents[0].Parts.Skip(1).Sum(p => 4L * ((p.Bytes + 2) / 3));
        Assert.True(inlineEdit.BodyBytes - calls[1].BodyBytes >= referencesBase64 * 9 / 10,
            $"inline edit {inlineEdit.BodyBytes} bytes, with files {calls[1].BodyBytes} bytes, references {referencesBase64} bytes as base64");
    }

    [Fact]
    public async Task A_file_past_its_expiry_is_uploaded_again()
    {
        await using var app = GeminiApiTests.CreateApp(Emulator);
        var (_, email) = await app.CreateUserAsync();
        var client = await app.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        using (var admin = await app.CreateAdminClientAsync())
        {
            var identityId = await admin.CreateIdentityAsync(2);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" })).StatusCode);
        }
        var first = ReferenceUris(Emulator.Calls[0]).ToList();
        var uploads = Emulator.FileCalls.Count(c => c.QueryString.Contains("upload_id="));

        app.Clock.Advance(TimeSpan.FromHours(47.5)); // within an hour of the 48 h expiry: not used any more
        client = await app.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        await client.EditAsync("warmer");

        Assert.Equal(2 * uploads, Emulator.FileCalls.Count(c => c.QueryString.Contains("upload_id=")));
        var second = ReferenceUris(Emulator.Calls[^1]).ToList();
        Assert.Equal(2, second.Count);
        Assert.Empty(second.Intersect(first));
    }

    [Fact]
    public async Task A_file_Gemini_no_longer_has_is_uploaded_again_and_the_call_retried()
    {
        var (client, _, _) = await SharedApp.StartSessionAsync(references: 2);
        var first = ReferenceUris(Emulator.Calls[0]).ToList();
        Emulator.ExpireFiles();

        await client.EditAsync("warmer");

        var calls = Emulator.Calls;
        Assert.Equal([200, 403, 200], calls.Select(c => c.StatusCode));
        Assert.Contains("You do not have permission to access the File", calls[1].Error);
        Assert.Empty(ReferenceUris(calls[2]).Intersect(first));
        Assert.Equal(2, ReferenceUris(calls[2]).Count());
    }

    [Fact]
    public async Task A_Files_API_failure_falls_back_to_inline_references()
    {
        await using var app = GeminiApiTests.CreateApp(Emulator); // a fresh database: nothing uploaded yet
        var (client, _) = await app.CreateUserClientAsync();
        using var admin = await app.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(2);
        Emulator.FailFilesApi(times: 100);

        var response = await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(Emulator.Calls);
        Assert.Equal("text, image, image", call.Shape);
        Assert.DoesNotContain(call.Parts, p => p.FileUri is not null);
        Assert.Contains(app.Logs.Lines, l => l.Contains("Gemini Files API: uploading reference image 1 failed"));
        Emulator.Reset();
    }
}
