namespace Likeness.Api.Tests.Gemini;

/// <summary>Every fault the emulator can inject, seen through GeminiImageProvider: exception, message, attempts.</summary>
public sealed class GeminiFaultTests : GeminiTestBase
{
    private Task<ProviderImage> Generate(GeminiProviderHost host, CancellationToken ct = default) =>
        host.Provider.GenerateImage("Ada in the rain", TestImages.References(2), "1:1", "1K", ct);

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task A_retryable_status_then_success_takes_two_calls(int status)
    {
        using var host = Host();
        Emulator.Inject(GeminiFault.Status(status));

        var image = await Generate(host);

        Assert.NotEmpty(image.Bytes);
        Assert.Equal([status, 200], Emulator.Calls.Select(c => c.StatusCode));
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("2 attempt(s)") && e.Message.Contains("usage:"));
    }

    [Theory]
    [InlineData(500, "INTERNAL")]
    [InlineData(503, "UNAVAILABLE")]
    [InlineData(504, "DEADLINE_EXCEEDED")]
    public async Task A_retryable_status_on_every_attempt_fails_after_MaxAttempts_calls(int status, string statusName)
    {
        using var host = Host(("Gemini:MaxAttempts", "4"));
        Emulator.Inject(GeminiFault.Status(status), times: 10);

        var failure = await Assert.ThrowsAsync<ImageProviderFailedException>(() => Generate(host));

        Assert.Equal(4, Emulator.CallCount);
        Assert.Contains($"{status} {statusName} after 4 attempt(s)", failure.Message);
        Assert.Contains(host.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error
                                                && e.Message.Contains($"Gemini answered {status} {statusName}"));
    }

    [Theory]
    [InlineData(400, "INVALID_ARGUMENT")]
    [InlineData(403, "PERMISSION_DENIED")]
    public async Task A_client_error_is_never_retried(int status, string statusName)
    {
        using var host = Host();
        Emulator.Inject(GeminiFault.Status(status), times: 3);

        var failure = await Assert.ThrowsAsync<ImageProviderFailedException>(() => Generate(host));

        Assert.Equal(1, Emulator.CallCount);
        Assert.Contains($"{status} {statusName} after 1 attempt(s)", failure.Message);
    }

    [Fact]
    public async Task MaxAttempts_of_one_never_retries()
    {
        using var host = Host(("Gemini:MaxAttempts", "1"));
        Emulator.Inject(GeminiFault.Status(503));
        await Assert.ThrowsAsync<ImageProviderFailedException>(() => Generate(host));
        Assert.Equal(1, Emulator.CallCount);
    }

    [Fact]
    public async Task Retry_After_is_honoured()
    {
        var clock = new GeminiTestClock();
        using var host = GeminiProviderHost.OnClock(Emulator, clock);
        Emulator.Inject(GeminiFault.TooManyRequests(retryAfterSeconds: 1));

        var generate = Generate(host);
        await Wait.UntilAsync(() => clock.IsWaiting(TimeSpan.FromSeconds(1)), "the retry to wait out Retry-After: 1 on the clock",
            detail: () => clock.Armed() + "\n" + host.Logs.All);
        Assert.Equal(1, Emulator.CallCount); // the second call waits for the clock
        clock.Advance(TimeSpan.FromSeconds(1));
        await Wait.ForAsync(generate, "the retried call to answer");

        Assert.Equal([429, 200], Emulator.Calls.Select(c => c.StatusCode));
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("Retry-After: 1"));
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("retrying (attempt 2 of 3) in 1000 ms after HTTP 429"));
    }

    [Fact]
    public void Retry_After_is_read_as_seconds_or_as_an_HTTP_date()
    {
        var now = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
        using var seconds = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        seconds.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), GeminiServiceCollectionExtensions.RetryAfter(seconds, now));

        using var date = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);
        date.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), GeminiServiceCollectionExtensions.RetryAfter(date, now));

        using var past = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);
        past.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddMinutes(-1));
        Assert.Equal(TimeSpan.Zero, GeminiServiceCollectionExtensions.RetryAfter(past, now));

        using var none = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);
        Assert.Null(GeminiServiceCollectionExtensions.RetryAfter(none, now));
    }

    [Fact]
    public async Task A_Retry_After_longer_than_MaxRetryAfterSeconds_fails_at_once()
    {
        // The clock never moves: had the call waited out the hour (or any delay), it would never end.
        var clock = new GeminiTestClock();
        using var host = GeminiProviderHost.OnClock(Emulator, clock, ("Gemini:MaxRetryAfterSeconds", "5"));
        Emulator.Inject(GeminiFault.TooManyRequests(retryAfterSeconds: 3600));

        var failure = await Assert.ThrowsAsync<ImageQuotaExceededException>(() => Wait.ForAsync(Generate(host), "the call to fail"));

        Assert.Equal(1, Emulator.CallCount);
        Assert.Contains("429 RESOURCE_EXHAUSTED", failure.Message);
        Assert.Equal(TimeSpan.FromHours(1), failure.RetryAfter);
        Assert.Equal("The image model's quota is used up. Try again in 60 minutes.", failure.UserMessage);
    }

    [Fact]
    public async Task A_slow_answer_times_out_per_attempt_and_the_next_attempt_succeeds()
    {
        // No backoff, so the only wait on the clock is the attempt's timeout; the emulator holds the first
        // call far longer than any test (until the client aborts it).
        var clock = new GeminiTestClock();
        using var host = GeminiProviderHost.OnClock(Emulator, clock, ("Gemini:TimeoutSeconds", "3"), ("Gemini:RetryBaseDelaySeconds", "0"));
        Emulator.Inject(GeminiFault.Slow(TimeSpan.FromMinutes(10)));

        var generate = Generate(host);
        await Wait.UntilAsync(() => Emulator.CallCount == 1, "the emulator to receive the first attempt");
        await clock.AdvanceWhenWaiting(TimeSpan.FromSeconds(3), "the first attempt to wait on its timeout");
        var image = await Wait.ForAsync(generate, "the second attempt to answer");

        Assert.NotEmpty(image.Bytes);
        var calls = Emulator.Calls;
        Assert.Equal(2, calls.Count);
        await Wait.UntilAsync(() => calls[0].ClientAborted, "the emulator to see the client abort the call");
    }

    [Fact]
    public async Task Slow_on_every_attempt_fails_after_MaxAttempts()
    {
        var clock = new GeminiTestClock();
        using var host = GeminiProviderHost.OnClock(Emulator, clock,
            ("Gemini:TimeoutSeconds", "1"), ("Gemini:MaxAttempts", "3"), ("Gemini:RetryBaseDelaySeconds", "0"));
        Emulator.Inject(GeminiFault.Slow(TimeSpan.FromMinutes(10)), times: 3);

        var generate = Generate(host);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await Wait.UntilAsync(() => Emulator.CallCount == attempt, $"the emulator to receive attempt {attempt}");
            await clock.AdvanceWhenWaiting(TimeSpan.FromSeconds(1), $"attempt {attempt} to wait on its timeout");
        }
        // Each attempt was cut at its 1 s: the emulator would have held each for 10 minutes.
        var failure = await Assert.ThrowsAsync<ImageProviderFailedException>(() => Wait.ForAsync(generate, "the call to fail"));

        Assert.Equal(3, Emulator.CallCount);
        Assert.Contains("did not answer within 1 s, 3 attempt(s)", failure.Message);
    }

    [Fact]
    public async Task A_dropped_connection_is_retried()
    {
        using var host = Host();
        Emulator.Inject(GeminiFault.ConnectionDrop);

        await Generate(host);

        Assert.Equal([0, 200], Emulator.Calls.Select(c => c.StatusCode));
    }

    [Fact]
    public async Task A_malformed_body_is_a_failure_and_is_not_retried()
    {
        using var host = Host();
        Emulator.Inject(GeminiFault.MalformedBody);

        var failure = await Assert.ThrowsAsync<ImageProviderFailedException>(() => Generate(host));

        Assert.Equal(1, Emulator.CallCount);
        Assert.Contains("could not be read as JSON", failure.Message);
    }

    [Theory]
    [InlineData("SAFETY", "The image service declined this prompt for safety reasons (SAFETY).")]
    [InlineData("PROHIBITED_CONTENT", "The image service declined this prompt because it may involve prohibited content (PROHIBITED_CONTENT).")]
    [InlineData("BLOCKLIST", "The image service declined this prompt because it contains terms the service does not allow (BLOCKLIST).")]
    [InlineData("OTHER", "The image service declined this prompt (OTHER). Try rephrasing it.")]
    public async Task A_blocked_prompt_is_declined_in_plain_words(string blockReason, string message)
    {
        using var host = Host();
        Emulator.Inject(GeminiFault.PromptBlocked(blockReason));

        var declined = await Assert.ThrowsAsync<ImageRequestDeclinedException>(() => Generate(host));

        Assert.Equal(message, declined.Message);
        Assert.Equal(1, Emulator.CallCount);
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains($"prompt blocked ({blockReason})"));
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("usage:") && e.Message.Contains($"finish {blockReason}"));
    }

    [Theory]
    [InlineData("IMAGE_SAFETY", "The image service declined this request for safety reasons (IMAGE_SAFETY).")]
    [InlineData("SAFETY", "The image service declined this request for safety reasons (SAFETY).")]
    [InlineData("PROHIBITED_CONTENT", "The image service declined this request because it may involve prohibited content (PROHIBITED_CONTENT).")]
    [InlineData("IMAGE_PROHIBITED_CONTENT", "The image service declined this request because it may involve prohibited content (IMAGE_PROHIBITED_CONTENT).")]
    [InlineData("RECITATION", "The image service declined this request because the result could copy existing protected work too closely (RECITATION).")]
    [InlineData("IMAGE_RECITATION", "The image service declined this request because the result could copy existing protected work too closely (IMAGE_RECITATION).")]
    [InlineData("BLOCKLIST", "The image service declined this request because it contains terms the service does not allow (BLOCKLIST).")]
    [InlineData("SPII", "The image service declined this request because it may involve sensitive personal information (SPII).")]
    [InlineData("IMAGE_OTHER", "The image service could not make an image for this request (IMAGE_OTHER). Try rephrasing the prompt.")]
    [InlineData("NO_IMAGE", "The image service could not make an image for this request (NO_IMAGE). Try rephrasing the prompt.")]
    [InlineData("OTHER", "The image service could not make an image for this request (OTHER). Try rephrasing the prompt.")]
    [InlineData("MAX_TOKENS", "The image service stopped before it finished the image (MAX_TOKENS). Try a shorter prompt.")]
    [InlineData("LANGUAGE", "The image service declined this request because its language is not supported (LANGUAGE).")]
    [InlineData("SOMETHING_NEW", "The image service declined this request (SOMETHING_NEW). Try rephrasing the prompt.")]
    public async Task A_non_STOP_finish_reason_is_declined_in_plain_words(string finishReason, string message)
    {
        using var host = Host();
        Emulator.Inject(GeminiFault.Finish(finishReason));

        var declined = await Assert.ThrowsAsync<ImageRequestDeclinedException>(() => Generate(host));

        Assert.Equal(message, declined.Message);
        Assert.Equal(1, Emulator.CallCount);
    }

    [Fact]
    public async Task The_models_own_words_are_added_to_a_decline()
    {
        using var host = Host();
        Emulator.Inject(GeminiFault.Finish("IMAGE_OTHER", "I can't edit photos of this person."));

        var declined = await Assert.ThrowsAsync<ImageRequestDeclinedException>(() => Generate(host));

        Assert.Equal("The image service could not make an image for this request (IMAGE_OTHER). Try rephrasing the prompt. " +
                     "The service said: \"I can't edit photos of this person.\"", declined.Message);
    }

    [Fact]
    public async Task An_answer_without_an_image_is_declined_with_the_models_text()
    {
        using var host = Host();
        Emulator.Inject(GeminiFault.NoImage("I would rather describe it."));

        var declined = await Assert.ThrowsAsync<ImageRequestDeclinedException>(() => Generate(host));

        Assert.Equal("The image service did not return an image for this request (NO_IMAGE). Try rephrasing the prompt. " +
                     "The service said: \"I would rather describe it.\"", declined.Message);
        Assert.DoesNotContain("Considering", declined.Message); // thought parts are never shown to the user
        Assert.Equal(1, Emulator.CallCount);
    }

    [Fact]
    public async Task Faults_apply_to_the_next_calls_only()
    {
        using var host = Host(("Gemini:MaxAttempts", "2"));
        Emulator.Inject(GeminiFault.Status(500), times: 2);

        await Assert.ThrowsAsync<ImageProviderFailedException>(() => Generate(host));
        var image = await Generate(host);

        Assert.NotEmpty(image.Bytes);
        Assert.Equal([500, 500, 200], Emulator.Calls.Select(c => c.StatusCode));
    }
}
