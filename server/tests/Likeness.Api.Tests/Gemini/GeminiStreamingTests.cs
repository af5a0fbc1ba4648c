using Microsoft.Extensions.Logging;

namespace Likeness.Api.Tests.Gemini;

/// <summary>
/// GeminiImageProvider over streamGenerateContent: live progress (stages, thoughts, interim images), which
/// image is the result, and what a stream that breaks, stalls or runs too long means.
/// </summary>
public sealed class GeminiStreamingTests : GeminiTestBase
{
    private static Task<ProviderImage> Generate(GeminiProviderHost host, IImageProgress? progress, CancellationToken ct = default) =>
        host.Provider.GenerateImage("Ada in a garden", TestImages.References(2), "16:9", "1K", ct, progress);

    private static string Sha(ProviderImage image) => GeminiProviderTests.Sha(image);

    [Fact]
    public async Task Stages_thoughts_and_previews_are_reported_in_order_before_the_call_returns()
    {
        using var host = Host();
        var progress = new RecordingProgress();

        await Generate(host, progress);
        progress.Record("returned");

        Assert.Equal(
        [
            "stage Sending",
            "stage Thinking",
            "thought **Planning the image**",
            "thought **Composing the scene**",
            "thought **Checking the likeness**",
            "preview 344x192", // the emulator's interim images: a quarter, then half of 1376x768, blurred
            "preview 688x384",
            "stage Drawing",
            "returned",
        ], progress.Events);
        var call = Assert.Single(Emulator.Calls);
        Assert.Equal(call.ThoughtImages.Select(i => i.Sha256), progress.Previews.Select(Sha));
    }

    [Fact]
    public async Task The_result_is_the_signed_final_image_not_an_interim_one()
    {
        using var host = Host();
        var progress = new RecordingProgress();

        var image = await Generate(host, progress);

        var call = Assert.Single(Emulator.Calls);
        Assert.Equal(call.ResponseImage!.Sha256, Sha(image));
        Assert.Equal((1376, 768), TestImages.Size(image)); // Google's 16:9 1K, larger than either preview
        Assert.DoesNotContain(Sha(image), progress.Previews.Select(Sha));
        Assert.Equal("image/png", image.MimeType);
    }

    [Fact]
    public async Task Without_a_progress_the_call_works_the_same()
    {
        using var host = Host();

        var image = await Generate(host, progress: null);

        Assert.Equal(Assert.Single(Emulator.Calls).ResponseImage!.Sha256, Sha(image));
    }

    [Fact]
    public async Task When_every_image_is_a_thought_the_last_one_is_the_result()
    {
        using var host = Host();
        Emulator.Inject(GeminiFault.OnlyThoughtImages);
        var progress = new RecordingProgress();

        var image = await Generate(host, progress);

        var call = Assert.Single(Emulator.Calls);
        Assert.Equal(call.ResponseImage!.Sha256, Sha(image));
        Assert.Equal((1376, 768), TestImages.Size(image));
        Assert.Equal(["preview 344x192", "preview 688x384", "preview 1376x768"], progress.Events.Where(e => e.StartsWith("preview")));
        Assert.Equal("stage Drawing", progress.Events[^1]);
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("every image was marked as a thought"));
    }

    [Fact]
    public async Task A_stream_that_breaks_midway_fails_and_is_not_retried()
    {
        using var host = Host(("Gemini:MaxAttempts", "3"));
        Emulator.Inject(GeminiFault.StreamBreak(afterChunks: 4));
        var progress = new RecordingProgress();

        var failure = await Assert.ThrowsAsync<ImageProviderFailedException>(() => Generate(host, progress));

        // The last chunk sent may be lost with the connection, so the count seen is 3 or 4.
        Assert.Matches(@"^Gemini's stream (broke|ended) after [34] chunk\(s\)", failure.Message);
        var call = Assert.Single(Emulator.Calls); // the model was already at work: no second call
        Assert.True(call.StreamBroken);
        Assert.Equal(4, call.ChunksSent);
        // What arrived before the break was reported as it came.
        Assert.Equal(["stage Sending", "stage Thinking", "thought **Planning the image**", "thought **Composing the scene**",
            "thought **Checking the likeness**"], progress.Events.Take(5));
        Assert.DoesNotContain("stage Drawing", progress.Events);
    }

    [Fact]
    public async Task A_stream_that_breaks_before_its_first_chunk_is_retried()
    {
        using var host = Host(("Gemini:MaxAttempts", "3"));
        Emulator.Inject(GeminiFault.StreamBreak(afterChunks: 0)); // 200 and headers, then the connection drops

        var image = await Generate(host, new RecordingProgress());

        var calls = Emulator.Calls;
        Assert.Equal(2, calls.Count);
        Assert.True(calls[0].StreamBroken);
        Assert.Equal(0, calls[0].ChunksSent);
        Assert.Equal(calls[1].ResponseImage!.Sha256, Sha(image));
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("usage:") && e.Message.Contains("2 attempt(s)"));
    }

    [Fact]
    public async Task A_stream_that_ends_without_a_finish_reason_is_a_failure()
    {
        using var host = Host();
        // Everything but the last chunk, the image included, then the response ends as if complete.
        Emulator.Inject(GeminiFault.StreamBreak(afterChunks: 7, cleanly: true));

        var failure = await Assert.ThrowsAsync<ImageProviderFailedException>(() => Generate(host, null));

        Assert.Contains("ended after 7 chunk(s) without a finish reason", failure.Message);
        Assert.Equal(1, Emulator.CallCount);
    }

    [Fact]
    public async Task An_error_reported_inside_the_stream_is_a_failure_and_is_not_retried()
    {
        using var host = Host(("Gemini:MaxAttempts", "3"));
        Emulator.Inject(GeminiFault.ErrorInStream(afterChunks: 3));

        var failure = await Assert.ThrowsAsync<ImageProviderFailedException>(() => Generate(host, null));

        Assert.StartsWith("Gemini reported 500 INTERNAL in its stream after 3 chunk(s): An internal error has occurred.", failure.Message);
        Assert.Equal(1, Emulator.CallCount);
    }

    [Fact]
    public async Task A_stream_that_stalls_longer_than_StreamIdleTimeoutSeconds_fails()
    {
        // The emulator holds the final image far longer than any test (until the client aborts the stream).
        var clock = new GeminiTestClock();
        using var host = GeminiProviderHost.OnClock(Emulator, clock, ("Gemini:StreamIdleTimeoutSeconds", "5"), ("Gemini:MaxAttempts", "3"));
        Emulator.Delays = EmulatorDelays.None with { Drawing = TimeSpan.FromMinutes(10) };
        var progress = new RecordingProgress { PreviewDelay = TimeSpan.Zero };

        var generate = Generate(host, progress);
        // "Drawing" comes with the text before the final image: the stream now waits for that image.
        await Wait.UntilAsync(() => progress.Events.Contains("stage Drawing"), "the text before the final image");
        await clock.AdvanceWhenWaiting(TimeSpan.FromSeconds(5), "the stream to wait for its next chunk");
        var failure = await Assert.ThrowsAsync<ImageProviderFailedException>(() => Wait.ForAsync(generate, "the stalled call to fail"));

        Assert.Equal("Gemini's stream stalled: no chunk for 5 s after 6 chunk(s).", failure.Message);
        var call = Assert.Single(Emulator.Calls);
        await Wait.UntilAsync(() => call.ClientAborted, "the emulator to see the client abort the stream");
    }

    [Fact]
    public async Task Time_the_caller_spends_on_a_preview_is_not_counted_as_a_stalled_stream()
    {
        // Storing each preview takes 9 s on the clock, longer than the idle timeout (8 s): had the idle clock
        // run while the caller handled a chunk, moving the clock would have fired it.
        var clock = new GeminiTestClock();
        using var host = GeminiProviderHost.OnClock(Emulator, clock, ("Gemini:StreamIdleTimeoutSeconds", "8"));
        Emulator.Delays = EmulatorDelays.None;
        var progress = new RecordingProgress { PreviewDelay = TimeSpan.Zero, OnPreview = _ => clock.Advance(TimeSpan.FromSeconds(9)) };

        var image = await Wait.ForAsync(Generate(host, progress), "the call to answer");

        Assert.Equal(Assert.Single(Emulator.Calls).ResponseImage!.Sha256, Sha(image));
        Assert.Equal(2, progress.Previews.Count);
        Assert.Equal(clock.Start + TimeSpan.FromSeconds(18), clock.GetUtcNow());
    }

    [Fact]
    public async Task A_call_longer_than_TotalTimeoutSeconds_fails()
    {
        // The emulator holds the first preview far longer than any test (until the client aborts the stream).
        var clock = new GeminiTestClock();
        using var host = GeminiProviderHost.OnClock(Emulator, clock, ("Gemini:TotalTimeoutSeconds", "3"), ("Gemini:StreamIdleTimeoutSeconds", "60"));
        Emulator.Delays = EmulatorDelays.None with { Preview = TimeSpan.FromMinutes(10) };
        var progress = new RecordingProgress();

        var generate = Generate(host, progress);
        await Wait.UntilAsync(() => progress.Events.Contains("thought **Checking the likeness**"), "the last thought");
        // Waiting for the first preview (idle clock: 60 s), under the call's 3 s, which started with the call.
        await Wait.UntilAsync(() => clock.IsWaiting(TimeSpan.FromSeconds(60)), "the stream to wait for its next chunk");
        await clock.AdvanceWhenWaiting(TimeSpan.FromSeconds(3), "the call's total timeout");
        var failure = await Assert.ThrowsAsync<ImageProviderFailedException>(() => Wait.ForAsync(generate, "the call to fail"));

        Assert.Equal("Gemini did not finish within 3 s (Gemini:TotalTimeoutSeconds), 1 attempt(s), 3 chunk(s).", failure.Message);
        var call = Assert.Single(Emulator.Calls);
        await Wait.UntilAsync(() => call.ClientAborted, "the emulator to see the client abort the stream");
    }

    [Fact]
    public async Task Cancelling_in_the_middle_of_the_stream_cancels_the_HTTP_call()
    {
        using var host = Host();
        Emulator.Delays = EmulatorDelays.None with { Drawing = TimeSpan.FromSeconds(20) };
        using var cts = new CancellationTokenSource();
        var progress = new RecordingProgress { OnPreview = count => { if (count == 2) cts.Cancel(); } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Generate(host, progress, cts.Token));

        var call = Assert.Single(Emulator.Calls);
        await Wait.UntilAsync(() => call.ClientAborted, "the emulator to see the client abort the stream");
        Assert.DoesNotContain("stage Drawing", progress.Events);
    }

    [Fact]
    public async Task A_progress_that_throws_does_not_fail_the_call()
    {
        using var host = Host();
        var progress = new ThrowingProgress();

        var image = await Generate(host, progress);

        Assert.Equal(Assert.Single(Emulator.Calls).ResponseImage!.Sha256, Sha(image));
        Assert.Equal(8, progress.Calls); // Sending, Thinking, 3 thoughts, 2 previews, Drawing: each one tried
        Assert.Equal(8, host.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("the call goes on")));
    }

    [Fact]
    public async Task A_declined_answer_still_reports_its_thinking()
    {
        using var host = Host();
        Emulator.Inject(GeminiFault.NoImage("I would rather describe it."));
        var progress = new RecordingProgress();

        await Assert.ThrowsAsync<ImageRequestDeclinedException>(() => Generate(host, progress));

        Assert.Equal(["stage Sending", "stage Thinking", "thought **Considering the request**", "stage Drawing"], progress.Events);
    }
}
