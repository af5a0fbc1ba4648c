using Likeness.Api.Providers.Gemini;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Tests.Gemini;

/// <summary>One emulator and one app on it, shared by the tests of <see cref="GeminiApiTests"/> (they run one at a time).</summary>
public sealed class GeminiApiFixture : IAsyncLifetime
{
    public GeminiEmulator Emulator { get; private set; } = null!;
    public LikenessApiFactory App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await GeminiTestBase.StartEmulator();
        App = GeminiApiTests.CreateApp(Emulator);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

/// <summary>
/// The real API with <c>ImageProvider:Kind=Gemini</c> pointed at the emulator: what a client sees for
/// generate and edit, every fault, the attempts made, the size budget and the key. Each test signs up
/// its own user, so sessions never mix; tests that need other settings start their own app.
/// </summary>
public sealed class GeminiApiTests : IClassFixture<GeminiApiFixture>
{
    private const string Failed = "Image generation failed. Please try again.";

    private readonly GeminiEmulator Emulator;
    private readonly LikenessApiFactory SharedApp;
    private readonly int _logStart;

    public GeminiApiTests(GeminiApiFixture fixture)
    {
        Emulator = fixture.Emulator;
        SharedApp = fixture.App;
        Emulator.Reset();
        _logStart = SharedApp.Logs.Lines.Count;
    }

    /// <summary>What the shared app logged during this test.</summary>
    private string SharedLogs => string.Join("\n", SharedApp.Logs.Lines.Skip(_logStart));

    internal static LikenessApiFactory CreateApp(GeminiEmulator emulator, params (string Key, string? Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["ImageProvider:Kind"] = "Gemini",
            ["Gemini:ApiKey"] = emulator.ApiKey,
            ["Gemini:BaseUrl"] = emulator.BaseUrl,
            ["Gemini:TimeoutSeconds"] = "30", // generous: a busy machine must not turn a test into a timeout test
            ["Gemini:MaxAttempts"] = "3",
            ["Gemini:RetryBaseDelaySeconds"] = "0.01",
            // Log everything, HttpClient's request headers included, so the key checks mean something.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (key, value) in settings)
            values[key] = value;
        return LikenessApiFactory.With(values);
    }

    private LikenessApiFactory App(params (string Key, string? Value)[] settings) => CreateApp(Emulator, settings);

    /// <returns>The generate's answer, and its body as sent (for tests of what the wire carries).</returns>
    private static string Sha(string base64) => Convert.ToHexString(SHA256.HashData(Convert.FromBase64String(base64)));

    [Fact]
    public async Task Generate_then_edit_then_edit_goes_through_Gemini()
    {
        var app = SharedApp;
        var (client, identityId, generated) = await app.StartSessionAsync(references: 3, editMode: "single"); // the plan's stateless edits

        var first = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "warmer" })).ReadAsAsync<ImageSessionResponse>();
        var second = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "add a red border" })).ReadAsAsync<ImageSessionResponse>();

        Assert.Equal("gemini", generated.Provider);
        Assert.True(generated.HasActiveSession);
        Assert.Equal(identityId, generated.SessionIdentityId);
        Assert.Equal("gemini", second.Provider);
        Assert.True(second.CanUndo);

        var calls = Emulator.Calls;
        Assert.Equal(3, calls.Count);
        Assert.All(calls, c => Assert.Equal(200, c.StatusCode));
        Assert.Equal([EmulatorMode.Generate, EmulatorMode.Edit, EmulatorMode.Edit], calls.Select(c => c.Mode));
        // Generate: the prompt built from the identity, then its 3 references; edits: prompt, previous, references.
        Assert.Equal("text, image, image, image", calls[0].Shape);
        Assert.StartsWith("An image of Ada.", calls[0].Parts[0].Text);
        Assert.Equal("text, image, image, image, image", calls[1].Shape);
        Assert.Equal("warmer", calls[1].Parts[0].Text);
        Assert.Equal(Sha(generated.ImageBase64!), calls[1].Parts[1].Sha256);
        Assert.Equal(calls[0].Images.Select(i => i.Sha256), calls[1].Images.Skip(1).Select(i => i.Sha256));
        Assert.Equal("add a red border", calls[2].Parts[0].Text);
        Assert.Equal(Sha(first.ImageBase64!), calls[2].Parts[1].Sha256);
        Assert.Equal(calls[2].ResponseImage!.Sha256, Sha(second.ImageBase64!));
        Assert.All(calls, c => Assert.Equal(("16:9", "1K"), (c.AspectRatio, c.ImageSize)));

        // The Local engine behind the emulator really applied each edit to the previous image.
        Assert.NotEqual(Sha(generated.ImageBase64!), Sha(first.ImageBase64!));
        using var bordered = TestImages.Decode(second.ImageBase64!);
        var corner = bordered.GetPixel(2, 2);
        Assert.True(corner.Red > 150 && corner.Green < 100 && corner.Blue < 100, $"corner is {corner}, not red");
        Assert.Equal((1376, 768), (bordered.Width, bordered.Height)); // Gemini 3 Pro Image's 16:9 1K

        Assert.Equal(["generate", "edit", "edit"], (await client.SessionVersionsAsync()).Select(v => v.Kind));
        Assert.Equal(3, SharedLogs.Split('\n').Count(l => l.Contains("usage: model gemini-3-pro-image,")));
    }

    public static TheoryData<string, GeminiFault, int, HttpStatusCode, string> Faults => new()
    {
        // name, fault, times injected, status the client sees, detail
        { "429 on every attempt", GeminiFault.TooManyRequests(0), 3, HttpStatusCode.TooManyRequests,
            "The image model's quota is used up. Try again in 1 minute." },
        { "per-day quota", GeminiFault.Quota(retryDelaySeconds: null, perDay: true), 1, HttpStatusCode.TooManyRequests,
            "The image model's quota is used up. Try again tomorrow." },
        { "500 on every attempt", GeminiFault.Status(500), 3, HttpStatusCode.InternalServerError, Failed },
        { "503 on every attempt", GeminiFault.Status(503), 3, HttpStatusCode.InternalServerError, Failed },
        { "504 on every attempt", GeminiFault.Status(504), 3, HttpStatusCode.InternalServerError, Failed },
        { "400", GeminiFault.Status(400), 1, HttpStatusCode.InternalServerError, Failed },
        { "403", GeminiFault.Status(403), 1, HttpStatusCode.InternalServerError, Failed },
        { "malformed body", GeminiFault.MalformedBody, 1, HttpStatusCode.InternalServerError, Failed },
        { "dropped connections", GeminiFault.ConnectionDrop, 3, HttpStatusCode.InternalServerError, Failed },
        { "stream broken midway", GeminiFault.StreamBreak(afterChunks: 4), 1, HttpStatusCode.InternalServerError, Failed },
        { "stream cut before its finish", GeminiFault.StreamBreak(afterChunks: 7, cleanly: true), 1, HttpStatusCode.InternalServerError, Failed },
        { "prompt blocked", GeminiFault.PromptBlocked("SAFETY"), 1, HttpStatusCode.UnprocessableEntity,
            "The image service declined this prompt for safety reasons (SAFETY)." },
        { "IMAGE_SAFETY", GeminiFault.Finish("IMAGE_SAFETY"), 1, HttpStatusCode.UnprocessableEntity,
            "The image service declined this request for safety reasons (IMAGE_SAFETY)." },
        { "PROHIBITED_CONTENT", GeminiFault.Finish("PROHIBITED_CONTENT"), 1, HttpStatusCode.UnprocessableEntity,
            "The image service declined this request because it may involve prohibited content (PROHIBITED_CONTENT)." },
        { "IMAGE_RECITATION", GeminiFault.Finish("IMAGE_RECITATION"), 1, HttpStatusCode.UnprocessableEntity,
            "The image service declined this request because the result could copy existing protected work too closely (IMAGE_RECITATION)." },
        { "no image", GeminiFault.NoImage("I can only describe this one."), 1, HttpStatusCode.UnprocessableEntity,
            "The image service did not return an image for this request (NO_IMAGE). Try rephrasing the prompt. The service said: \"I can only describe this one.\"" },
    };

    [Theory]
    [MemberData(nameof(Faults), DisableDiscoveryEnumeration = true)] // a GeminiFault is not serialisable: one test case, as xunit would fall back to
    public async Task A_fault_gives_the_right_answer_and_leaves_the_session_unchanged(
        string name, GeminiFault fault, int times, HttpStatusCode status, string detail)
    {
        var app = SharedApp;
        var (client, identityId, _) = await app.StartSessionAsync();
        var before = await client.GetStringAsync(Status);
        var callsBefore = Emulator.CallCount;

        Emulator.Inject(fault, times);
        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "warmer" })).AssertProblemAsync(status, detail);
        Assert.Equal(before, await client.GetStringAsync(Status));
        Assert.True(times == Emulator.CallCount - callsBefore, $"{name}: {Emulator.CallCount - callsBefore} attempts");

        // Generate New fails the same way and keeps the old session too.
        Emulator.Inject(fault, times);
        await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, aspect_ratio = "16:9", resolution = "1K" }))
            .AssertProblemAsync(status, detail);
        Assert.Equal(before, await client.GetStringAsync(Status));

        if (status == HttpStatusCode.InternalServerError)
            Assert.Contains("Image provider failed: Gemini", SharedLogs); // the cause is in the log
        // And the next edit works.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Edit, new { edit_prompt = "warmer" })).StatusCode);
    }

    [Fact]
    public async Task A_429_then_success_takes_two_attempts_and_succeeds()
    {
        var app = SharedApp;
        var (client, _, _) = await app.StartSessionAsync();
        Emulator.Reset(); // count only the calls from here on
        Emulator.Inject(GeminiFault.TooManyRequests(1));

        var response = await client.PostAsJsonAsync(Edit, new { edit_prompt = "warmer" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([429, 200], Emulator.Calls.Select(c => c.StatusCode));
        Assert.True(Emulator.Calls[1].StartedAt - Emulator.Calls[0].FinishedAt >= TimeSpan.FromMilliseconds(900));
        Assert.Contains(SharedLogs.Split('\n'), l => l.Contains("2 attempt(s)") && l.Contains("usage:"));
    }

    [Fact]
    public async Task A_slow_Gemini_times_out_per_attempt_and_fails_after_MaxAttempts()
    {
        // Long enough for the set-up generate on a busy machine, short enough to keep the test quick.
        await using var app = App(("Gemini:TimeoutSeconds", "3"), ("Gemini:MaxAttempts", "2"));
        var (client, _, _) = await app.StartSessionAsync();
        var before = await client.GetStringAsync(Status);
        Emulator.Reset(); // count only the calls from here on
        Emulator.Inject(GeminiFault.Slow(TimeSpan.FromSeconds(30)), times: 2);

        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "warmer" })).AssertProblemAsync(HttpStatusCode.InternalServerError, Failed);

        Assert.Equal(2, Emulator.CallCount);
        Assert.Equal(before, await client.GetStringAsync(Status));
        Assert.Contains("did not answer within 3 s, 2 attempt(s)", app.Logs.All);
    }

    [Fact]
    public async Task A_client_that_goes_away_does_not_cancel_but_DELETE_cancels_the_Gemini_call()
    {
        var app = SharedApp;
        var (client, _, _) = await app.StartSessionAsync();
        var before = await client.GetAsAsync<ImageSessionResponse>(Status);
        Emulator.Reset(); // count only the calls from here on
        Emulator.Inject(GeminiFault.Slow(TimeSpan.FromSeconds(30)));
        using var cts = new CancellationTokenSource();

        var edit = client.PostAsJsonAsync(Edit, new { edit_prompt = "warmer" }, cts.Token);
        await Wait.UntilAsync(() => Emulator.CallCount == 1, "the emulator to receive the call"); // Gemini is working on it
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => edit);

        // The job outlives the client that started it: Gemini is still working.
        var call = Assert.Single(Emulator.Calls);
        var running = await client.GetAsAsync<List<ImageJobResponse>>($"{Status}jobs/?status=running");
        var job = Assert.Single(running);
        Assert.False(call.ClientAborted);

        // DELETE cancels it: the HTTP call to Gemini is aborted, not retried, and the session is as it was.
        var cancelled = await client.DeleteAsync($"{Status}jobs/{job.Id}/");
        Assert.Equal(HttpStatusCode.NoContent, cancelled.StatusCode);
        await Wait.UntilAsync(() => call.ClientAborted, "the emulator to see the app abort the call");
        Assert.Single(Emulator.Calls);
        var after = await client.GetAsAsync<ImageSessionResponse>(Status);
        Assert.NotNull(before.VersionId);
        Assert.Equal(before.VersionId, after.VersionId);
        Assert.Null(after.RunningJob);
        var ended = await client.GetAsAsync<ImageJobResponse>($"{Status}jobs/{job.Id}/");
        Assert.Equal(ImageJobStatus.Cancelled, ended.Status);
    }

    private static async Task<ImageJobResponse> StartJob(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJobAsync(url, body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.ReadAsAsync<ImageJobResponse>();
    }

    [Fact]
    public async Task A_Gemini_job_streams_thoughts_and_previews_before_the_signed_final_image()
    {
        var (client, _, _) = await SharedApp.StartSessionAsync();
        Emulator.Reset();
        var job = await StartJob(client, Edit, new { edit_prompt = "warmer" });
        var events = await client.ReadEventsAsync(job.EventsUrl);

        var names = events.Select(e => e.Name).ToList();
        Assert.Equal("succeeded", names[^1]);
        Assert.Contains("thought", names);
        var previews = events.Where(e => e.Name == "preview").Select(e => e.DataAs<PreviewEvent>()).ToList();
        Assert.Equal(2, previews.Count);
        Assert.True(names.IndexOf("thought") < names.IndexOf("preview"));
        Assert.Equal([ImageJobStage.Preparing, ImageJobStage.Sending, ImageJobStage.Thinking, ImageJobStage.Drawing, ImageJobStage.Storing],
            events.Where(e => e.Name == "stage").Select(e => e.DataAs<StageEvent>().Stage));
        Assert.False(string.IsNullOrWhiteSpace(events.First(e => e.Name == "thought").DataAs<ThoughtEvent>().Text));

        // Each interim image is served by its URL, and is not the result.
        foreach (var preview in previews)
        {
            var bytes = await client.GetByteArrayAsync(preview.ImageUrl);
            using var image = SKBitmap.Decode(bytes);
            Assert.Equal((preview.Width, preview.Height), (image.Width, image.Height));
        }
        // The result is the final, signed, non-thought image: Google's 16:9 1K size, the previews smaller.
        var succeeded = events[^1].DataAs<SucceededEvent>();
        Assert.Equal((1376, 768), (succeeded.Session.Width, succeeded.Session.Height));
        Assert.All(previews, p => Assert.True(p.Width < 1376));
        var history = await client.GetAsAsync<ImageSessionHistoryResponse>($"{Status}history/");
        Assert.Equal(succeeded.VersionId, history.CurrentVersionId);
    }

    [Fact]
    public async Task A_Gemini_answer_with_only_thought_images_gives_the_last_one()
    {
        var (client, _, generated) = await SharedApp.StartSessionAsync();
        Emulator.Inject(GeminiFault.OnlyThoughtImages);
        var job = await StartJob(client, Edit, new { edit_prompt = "warmer" });
        var events = await client.ReadEventsAsync(job.EventsUrl);
        Assert.Equal("succeeded", events[^1].Name);
        var succeeded = events[^1].DataAs<SucceededEvent>();
        Assert.NotNull(generated.VersionId);
        Assert.NotEqual(generated.VersionId, succeeded.VersionId);
        var last = events.Last(e => e.Name == "preview");
        var lastPreview = await client.GetByteArrayAsync(last.DataAs<PreviewEvent>().ImageUrl);
        var result = await client.GetByteArrayAsync(succeeded.Session.ImageUrl);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(lastPreview)), Convert.ToHexString(SHA256.HashData(result)));
    }

    [Fact]
    public async Task A_4K_previous_image_with_14_references_sends_14_images_in_their_original_bytes()
    {
        await using var app = App(("Gemini:TimeoutSeconds", "120"));
        var (client, _) = await app.CreateUserClientAsync();
        using var admin = await app.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(referenceCount: 0);
        // 14 references of random pixels, ~1.8 MB each as PNG: 25 MB of inputs, 33 MB as base64.
        var files = Enumerable.Range(0, 14).Select(i => ($"ref{i}.png", TestImages.Noise(768, 768, seed: 500 + i).Bytes, "image/png"));
        Assert.Equal(HttpStatusCode.Created, (await admin.UploadReferenceImagesAsync(identityId, files)).StatusCode);

        var generated = await client.PostAsJsonAsync(Generate, new { identity_id = identityId, aspect_ratio = "16:9", resolution = "4K" });
        Assert.True(generated.StatusCode == HttpStatusCode.OK, app.Logs.All);
        var edited = await client.PostAsJsonAsync(Edit, new { edit_prompt = "brighter" });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);

        var edit = Emulator.Calls[^1];
        Assert.Equal(EmulatorMode.Edit, edit.Mode);
        // Gemini 3 Pro Image takes 14 input images: the model's own image (a chat edit) and 13 references.
        Assert.Equal(14, edit.Images.Count());
        Assert.Equal(["user", "model", "user"], edit.Contents.Select(c => c.Role));
        var modelImage = Assert.Single(edit.Contents[1].Parts, p => p.Kind == "image");
        Assert.Equal((5504, 3072), (modelImage.Width, modelImage.Height)); // Gemini 3 Pro Image's 16:9 4K
        Assert.Equal(Emulator.Calls[^2].ResponseImage!.Sha256, modelImage.Sha256); // its original bytes
        Assert.Equal(Emulator.Calls[^2].Images.Take(13).Select(i => i.Sha256), edit.Contents[0].Parts.Skip(1).Select(p => p.Sha256));
        Assert.All(Emulator.Calls, c => Assert.True(c.BodyBytes <= GeminiOptions.DefaultMaxRequestBytes, $"call {c.Number}: {c.BodyBytes} bytes"));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("shrank the inputs")); // under 100 MB: nothing re-encoded
        Assert.Contains(app.Logs.Lines, l => l.Contains("takes at most 14 input images, so reference image 14 was left out"));
    }

    [Fact]
    public async Task The_key_never_appears_in_logs_or_responses()
    {
        var app = SharedApp;
        var (client, identityId, _) = await app.StartSessionAsync();
        // A generate's answer as sent (the session's, with its image), then the edits' answers, failed ones too.
        var generated = await client.PostAsJsonAsync(Generate, new { identity_id = identityId, aspect_ratio = "16:9", resolution = "1K" });
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        var bodies = new List<string> { await generated.Content.ReadAsStringAsync(), generated.Headers.ToString() };

        Emulator.Inject(GeminiFault.Status(400));
        Emulator.Inject(GeminiFault.Finish("IMAGE_SAFETY"));
        Emulator.Inject(GeminiFault.Status(503), times: 3);
        foreach (var prompt in new[] { "warmer", "warmer", "warmer", "warmer" })
        {
            var response = await client.PostAsJsonAsync(Edit, new { edit_prompt = prompt });
            bodies.Add(await response.Content.ReadAsStringAsync());
            bodies.Add(response.Headers.ToString());
        }
        bodies.Add(await client.GetStringAsync(Status));
        bodies.Add(await client.GetStringAsync($"{Status}history/"));
        bodies.Add(await client.GetStringAsync("/openapi/v1.json"));

        Assert.All(bodies, b => Assert.DoesNotContain(Emulator.ApiKey, b));
        Assert.Contains("x-goog-api-key: *", app.Logs.All); // HttpClient logged the headers, redacted
        Assert.DoesNotContain(Emulator.ApiKey, app.Logs.All);
    }

    [Fact]
    public async Task Start_up_with_Gemini_and_no_key_fails_naming_the_setting()
    {
        // The app reads GEMINI_API_KEY from its configuration (the environment among it): the test's own empty
        // setting wins over a key set on the machine, so the test runs the same everywhere.
        await using var app = App(("Gemini:ApiKey", ""), ("GEMINI_API_KEY", ""));

        var failure = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(failure));
        Assert.Contains("Gemini:ApiKey is missing", validation.Message);
        Assert.Contains("GEMINI_API_KEY", validation.Message);
    }

    private static Exception Unwrap(Exception exception)
    {
        while (exception is AggregateException or System.Reflection.TargetInvocationException && exception.InnerException is not null)
            exception = exception.InnerException!;
        return exception;
    }
}
