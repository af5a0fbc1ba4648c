namespace Likeness.Api.Tests.Gemini;

/// <summary>
/// Variants through Gemini (the emulator): Gemini refuses <c>candidateCount</c> above 1, so a turn of N variants is
/// N calls, at most <c>Gemini:MaxConcurrentCalls</c> at once, each kept as a sibling version with its own signed answer.
/// </summary>
public sealed class GeminiVariantTests : GeminiTestBase
{
    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    [Fact]
    public async Task Three_variants_are_three_overlapping_calls_whose_references_are_uploaded_once()
    {
        await using var app = GeminiApiTests.CreateApp(Emulator);
        var (client, _) = await app.CreateUserClientAsync();
        using var admin = await app.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(referenceCount: 3);
        Emulator.Delays = EmulatorDelays.Realistic(TimeSpan.FromSeconds(2));

        var response = await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1", variants = 3 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var calls = Emulator.Calls;
        Assert.Equal(3, calls.Count);
        // In parallel: every call started before the first one finished.
        var firstEnd = calls.Min(c => c.FinishedAt);
        Assert.All(calls, c => Assert.True(c.StartedAt < firstEnd, $"call {c.Number} started at {c.StartedAt:O}, after {firstEnd:O}"));
        // The Files API got the three references once, not once per variant.
        Assert.Equal(3, Emulator.Files.Count);
        Assert.All(calls, c => Assert.Equal(3, c.Parts.Count(p => p.FileUri is not null)));

        var versions = await client.SessionVersionsAsync();
        Assert.Equal(3, versions.Count);
        Assert.Equal(calls.Select(c => c.ResponseImage!.Sha256).Order(),
            (await Task.WhenAll(versions.Select(async v => Sha(await client.GetByteArrayAsync(v.ImageUrl!))))).Order());
        // Each one is a model call, with its own cost.
        Assert.All(versions, v => Assert.True(v.EstimatedCostUsd > 0));
        var status = await client.GetAsAsync<ImageSessionResponse>($"{Session}/");
        Assert.Equal(versions.Sum(v => v.EstimatedCostUsd), status.EstimatedCostUsd);
    }

    [Fact]
    public async Task With_one_call_at_a_time_the_variants_wait_for_each_other()
    {
        await using var app = GeminiApiTests.CreateApp(Emulator, ("Gemini:MaxConcurrentCalls", "1"));
        var (client, _, _) = await app.StartSessionAsync(aspectRatio: "1:1");
        Emulator.Reset();
        Emulator.Delays = EmulatorDelays.Realistic(TimeSpan.FromSeconds(1));

        var response = await client.PostAsJsonAsync(Edit, new { edit_prompt = "make it warmer", variants = 2 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var calls = Emulator.Calls.OrderBy(c => c.StartedAt).ToList();
        Assert.Equal(2, calls.Count);
        Assert.True(calls[1].StartedAt >= calls[0].FinishedAt, $"{calls[1].StartedAt:O} < {calls[0].FinishedAt:O}");
    }

    [Fact]
    public async Task One_refused_call_among_three_leaves_two_versions_and_a_variant_event_with_the_reason()
    {
        await using var app = GeminiApiTests.CreateApp(Emulator);
        var (client, _, generated) = await app.StartSessionAsync(aspectRatio: "1:1");
        Emulator.Reset();
        Emulator.Inject(GeminiFault.PromptBlocked());

        var job = await (await client.PostAsJobAsync(Edit, new { edit_prompt = "make it warmer", variants = 3 })).ReadAsAsync<ImageJobResponse>();
        var events = await client.ReadEventsAsync(job.EventsUrl);

        Assert.Equal(3, Emulator.Calls.Count);
        var variantEvents = events.Where(e => e.Name == "variant").Select(e => e.DataAs<VariantEvent>()).ToList();
        Assert.Equal([0, 1, 2], variantEvents.Select(v => v.Index).Order());
        var failed = Assert.Single(variantEvents, v => v.Error is not null);
        Assert.Equal(422, failed.Error!.Status);
        Assert.False(string.IsNullOrWhiteSpace(failed.Error.Detail));
        Assert.Equal("succeeded", events[^1].Name);
        var succeeded = events[^1].DataAs<SucceededEvent>();
        Assert.Equal(2, succeeded.VersionIds.Count);
        var versions = await client.SessionVersionsAsync();
        Assert.Equal(3, versions.Count);
        Assert.All(versions.Skip(1), v => Assert.Equal(generated.VersionId, v.ParentId));
        // The current one is the first variant that was made.
        var made = variantEvents.Where(v => v.Error is null).OrderBy(v => v.Index).First();
        Assert.Equal(made.VersionId, succeeded.VersionId);
    }

    [Fact]
    public async Task The_next_chat_edit_goes_on_from_the_picked_variant_with_its_own_signed_answer()
    {
        await using var app = GeminiApiTests.CreateApp(Emulator);
        var (client, _, _) = await app.StartSessionAsync(aspectRatio: "1:1");
        await client.PostAsJsonAsync(Edit, new { edit_prompt = "make it warmer", variants = 2 });
        var siblings = (await client.SessionVersionsAsync()).Skip(1).ToList();
        var picked = siblings[1];
        var pickedSha = Sha(await client.GetByteArrayAsync(picked.ImageUrl!));
        (await client.PostAsJsonAsync($"{Session}/select/", new { version_id = picked.Id })).EnsureSuccessStatusCode();
        Emulator.Reset();

        var next = await client.PostAsJsonAsync(Edit, new { edit_prompt = "add a red border" });

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var call = Assert.Single(Emulator.Calls);
        Assert.Equal(["user", "model", "user", "model", "user"], call.Contents.Select(c => c.Role));
        var modelImage = Assert.Single(call.Contents[3].Parts, p => p.Kind == "image" && !p.Thought);
        Assert.Equal(pickedSha, modelImage.Sha256);
        Assert.NotNull(modelImage.ThoughtSignature);
    }

    [Fact]
    public async Task A_notice_every_variant_has_is_told_once_and_only_the_first_variant_thinks_aloud()
    {
        await using var app = GeminiApiTests.CreateApp(Emulator);
        var (client, _) = await app.CreateUserClientAsync();
        using var admin = await app.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(referenceCount: 14);
        (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1" })).EnsureSuccessStatusCode();
        Emulator.Reset();

        var job = await (await client.PostAsJobAsync(Edit, new { edit_prompt = "warmer", variants = 3 })).ReadAsAsync<ImageJobResponse>();
        var events = await client.ReadEventsAsync(job.EventsUrl);

        Assert.Equal("succeeded", events[^1].Name);
        Assert.Equal(3, Emulator.Calls.Count);
        var notice = Assert.Single(events, e => e.Name == "notice");
        Assert.Equal("Gemini 3 Pro Image takes at most 14 input images, so reference image 14 was left out of this request.",
            notice.DataAs<NoticeEvent>().Message);

        // Thoughts and drafts of one call, not three interleaved.
        var oneCallsThoughts = events.Count(e => e.Name == "thought");
        Assert.InRange(oneCallsThoughts, 1, Emulator.Calls[0].ChunksSent);
        Assert.Equal(Emulator.Calls[0].ThoughtImages.Count, events.Count(e => e.Name == "preview"));
    }
}
