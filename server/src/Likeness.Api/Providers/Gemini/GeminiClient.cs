using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Likeness.Api.Providers.Gemini;

/// <summary>
/// Typed <see cref="HttpClient"/> for <c>POST {BaseUrl}/v1beta/models/{model}:streamGenerateContent?alt=sse</c>.
/// It speaks the wire format only; what an answer means for the product is decided by
/// <see cref="GeminiImageProvider"/>. Retries, backoff and per-attempt timeouts come from the resilience
/// handler registered in <see cref="GeminiServiceCollectionExtensions"/>; an attempt lasts until the first
/// chunk of the stream has arrived (<see cref="GeminiAttemptHandler"/>), so a stream that breaks later is a
/// failure, never a retry. The rest of the stream is bounded by <see cref="GeminiOptions.StreamIdleTimeoutSeconds"/>
/// between chunks and <see cref="GeminiOptions.TotalTimeoutSeconds"/> for the whole call. Both run on the
/// app's <see cref="TimeProvider"/>, as the pipeline's waits do, so tests can move the clock instead of waiting.
/// </summary>
internal sealed class GeminiClient(HttpClient httpClient, IOptions<GeminiOptions> options, TimeProvider time, ILogger<GeminiClient> logger)
{
    /// <summary>The only place the key travels. Never in the URL, where logs would show it.</summary>
    public const string ApiKeyHeader = "x-goog-api-key";

    private readonly GeminiOptions _options = options.Value;

    public string Model => _options.EffectiveDefaultModel;

    public Uri Endpoint => EndpointFor(_options.EffectiveDefaultModel);

    public Uri EndpointFor(string model) =>
        new($"{_options.BaseUrl.TrimEnd('/')}/v1beta/models/{Uri.EscapeDataString(model)}:streamGenerateContent?alt=sse");

    public static byte[] Serialize(GenerateContentRequest request) =>
        JsonSerializer.SerializeToUtf8Bytes(request, GeminiJson.Options);

    /// <summary>
    /// Sends one streamGenerateContent request (retried by the pipeline until a first chunk arrives), hands
    /// every chunk to <paramref name="onChunk"/> as it arrives (awaited before the next one is read) and
    /// returns the chunks merged into one answer.
    /// </summary>
    /// <exception cref="ImageProviderFailedException">
    /// Not reachable, an error status, a timeout, a stream that broke or stalled, or an unreadable chunk.
    /// </exception>
    public async Task<GeminiCall> StreamGenerateContent(
        byte[] body,
        Func<GenerateContentResponse, CancellationToken, Task> onChunk,
        CancellationToken cancellationToken,
        string? model = null)
    {
        var attempts = new AttemptCounter();
        // A linked source cannot take a TimeProvider: the clock's own source is linked with the caller's token.
        using var totalTimer = new CancellationTokenSource(TimeSpan.FromSeconds(_options.TotalTimeoutSeconds), time);
        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, totalTimer.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, EndpointFor(model ?? Model));
        request.Headers.Add(ApiKeyHeader, _options.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Options.Set(AttemptCounter.Key, attempts);

        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, total.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // the caller went away: not a provider failure
        }
        catch (OperationCanceledException ex) when (total.IsCancellationRequested)
        {
            throw TotalTimeout(attempts, chunks: 0, ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new ImageProviderFailedException(
                $"Gemini did not answer within {_options.TimeoutSeconds:0.##} s, {attempts.Count} attempt(s).", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            throw new ImageProviderFailedException(
                $"Gemini could not be reached after {attempts.Count} attempt(s): {ex.Message}", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                string text;
                try
                {
                    text = await response.Content.ReadAsStringAsync(total.Token);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    text = "";
                }
                var error = ReadError(text);
                var status = error?.Status ?? response.StatusCode.ToString();
                var message = error?.Message ?? text.Shorten(500);
                if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                {
                    var now = time.GetUtcNow();
                    var quota = GeminiQuota.From(error, GeminiServiceCollectionExtensions.RetryAfter(response, now));
                    var wait = quota.UserDelay(now);
                    logger.LogWarning(
                        "Gemini's quota is used up ({QuotaId}, {Kind}) after {Attempts} attempt(s); retry in {RetrySeconds} s: {ErrorMessage}",
                        quota.QuotaId ?? "no quota id", quota.Daily ? "per day" : "short-term", attempts.Count, (long)wait.TotalSeconds, message);
                    throw new ImageQuotaExceededException(
                        $"Gemini answered 429 {status} after {attempts.Count} attempt(s): {message}", wait, quota.Daily);
                }
                logger.LogError(
                    "Gemini answered {StatusCode} {ErrorStatus} after {Attempts} attempt(s): {ErrorMessage}",
                    (int)response.StatusCode, status, attempts.Count, message);
                throw new ImageProviderFailedException(
                    $"Gemini answered {(int)response.StatusCode} {status} after {attempts.Count} attempt(s): {message}");
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType != "text/event-stream")
                throw new ImageProviderFailedException(
                    $"Gemini answered {(int)response.StatusCode} with {mediaType ?? "no content type"}, not a text/event-stream.");
            var answer = new GeminiAnswer();
            await ReadEvents(response, answer, onChunk, attempts, total, cancellationToken);
            return new GeminiCall(answer.Merged(), attempts.Count, answer.Chunks);
        }
    }

    /// <summary>
    /// Uploads one image through the Files API's resumable protocol (start, then upload and finalize in one
    /// request) and returns the file. Google keeps it 48 hours.
    /// </summary>
    /// <exception cref="ImageProviderFailedException">The Files API failed or answered something unreadable.</exception>
    public async Task<GeminiFileInfo> UploadFile(ProviderImage image, string displayName, CancellationToken cancellationToken)
    {
        var baseUrl = _options.BaseUrl.TrimEnd('/');
        try
        {
            using var start = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/upload/v1beta/files");
            start.Headers.Add(ApiKeyHeader, _options.ApiKey);
            start.Headers.Add("X-Goog-Upload-Protocol", "resumable");
            start.Headers.Add("X-Goog-Upload-Command", "start");
            start.Headers.Add("X-Goog-Upload-Header-Content-Length", image.Bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.Headers.Add("X-Goog-Upload-Header-Content-Type", image.MimeType);
            start.Content = new StringContent(JsonSerializer.Serialize(new { file = new { display_name = displayName } }), Encoding.UTF8, "application/json");
            using var started = await httpClient.SendAsync(start, cancellationToken);
            if (!started.IsSuccessStatusCode || !started.Headers.TryGetValues("X-Goog-Upload-URL", out var urls))
                throw new ImageProviderFailedException(
                    $"The Files API did not start the upload: {(int)started.StatusCode} {(await started.Content.ReadAsStringAsync(cancellationToken)).Shorten(300)}");

            using var upload = new HttpRequestMessage(HttpMethod.Post, urls.First());
            upload.Headers.Add(ApiKeyHeader, _options.ApiKey);
            upload.Headers.Add("X-Goog-Upload-Command", "upload, finalize");
            upload.Headers.Add("X-Goog-Upload-Offset", "0");
            upload.Content = new ByteArrayContent(image.Bytes);
            upload.Content.Headers.ContentType = new MediaTypeHeaderValue(image.MimeType);
            using var uploaded = await httpClient.SendAsync(upload, cancellationToken);
            var text = await uploaded.Content.ReadAsStringAsync(cancellationToken);
            if (!uploaded.IsSuccessStatusCode)
                throw new ImageProviderFailedException($"The Files API refused the upload: {(int)uploaded.StatusCode} {text.Shorten(300)}");
            using var json = JsonDocument.Parse(text);
            var file = json.RootElement.GetProperty("file");
            // Google keeps a file 48 hours; the lifetime (not the server's clock) is what we remember.
            var lifetime = Time(file, "expirationTime") is { } expires && Time(file, "createTime") is { } created && expires > created
                ? expires - created
                : TimeSpan.FromHours(47);
            return new GeminiFileInfo(file.GetProperty("name").GetString()!, file.GetProperty("uri").GetString()!,
                file.TryGetProperty("mimeType", out var m) ? m.GetString()! : image.MimeType, lifetime);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or KeyNotFoundException
                                       or InvalidOperationException or OperationCanceledException or TimeoutRejectedException)
        {
            throw new ImageProviderFailedException($"The Files API upload failed: {ex.Message}", ex);
        }
    }

    private static DateTimeOffset? Time(JsonElement file, string name) =>
        file.TryGetProperty(name, out var value) && DateTimeOffset.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;

    private async Task ReadEvents(
        HttpResponseMessage response,
        GeminiAnswer answer,
        Func<GenerateContentResponse, CancellationToken, Task> onChunk,
        AttemptCounter attempts,
        CancellationTokenSource total,
        CancellationToken cancellationToken)
    {
        var idleTimeout = TimeSpan.FromSeconds(_options.StreamIdleTimeoutSeconds);
        // Armed per chunk below; created on the clock (never firing until armed), then linked with the total.
        using var idleTimer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(total.Token, idleTimer.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(total.Token);
        // One event per chunk: "data: {GenerateContentResponse}" then a blank line.
        var parser = SseParser.Create(stream, static (_, data) => Encoding.UTF8.GetString(data));
        await using var events = parser.EnumerateAsync(idle.Token).GetAsyncEnumerator(idle.Token);
        while (true)
        {
            idleTimer.CancelAfter(idleTimeout); // restarts the idle clock for this chunk
            bool more;
            try
            {
                more = await events.MoveNextAsync();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException ex) when (total.IsCancellationRequested)
            {
                throw TotalTimeout(attempts, answer.Chunks, ex);
            }
            catch (OperationCanceledException ex)
            {
                throw new ImageProviderFailedException(
                    $"Gemini's stream stalled: no chunk for {_options.StreamIdleTimeoutSeconds:0.##} s after {answer.Chunks} chunk(s).", ex);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                throw new ImageProviderFailedException(
                    $"Gemini's stream broke after {answer.Chunks} chunk(s): {ex.Message}", ex);
            }
            // The clock runs only while we wait for Gemini, not while the caller handles a chunk.
            idleTimer.CancelAfter(Timeout.InfiniteTimeSpan);
            if (!more)
                break;

            var item = events.Current;
            if (item.EventType != SseParser.EventTypeDefault || string.IsNullOrWhiteSpace(item.Data))
                continue;
            var chunk = ParseChunk(item.Data, answer.Chunks);
            answer.Add(chunk);
            await onChunk(chunk, cancellationToken);
            // Chunks already buffered must not be reported once the caller has gone.
            cancellationToken.ThrowIfCancellationRequested();
        }
        EnsureComplete(answer);
    }

    private static GenerateContentResponse ParseChunk(string data, int chunksBefore)
    {
        GenerateContentResponse? chunk;
        try
        {
            chunk = JsonSerializer.Deserialize<GenerateContentResponse>(data, GeminiJson.Options);
        }
        catch (JsonException ex)
        {
            throw new ImageProviderFailedException(
                $"Gemini's response could not be read as JSON ({ex.Message}) at chunk {chunksBefore + 1}; it began: {data.Shorten(200)}", ex);
        }
        if (chunk is null)
            throw new ImageProviderFailedException($"Gemini's chunk {chunksBefore + 1} was empty.");
        CheckError(chunk, chunksBefore);
        return chunk;
    }

    private static void CheckError(GenerateContentResponse chunk, int chunksBefore)
    {
        if (chunk.Error is { } error)
            throw new ImageProviderFailedException(
                $"Gemini reported {error.Code} {error.Status} in its stream after {chunksBefore} chunk(s): {error.Message}");
    }

    /// <summary>Gemini's last chunk always carries a finish reason (or the prompt's block reason); without one the stream was cut.</summary>
    private static void EnsureComplete(GeminiAnswer answer)
    {
        if (answer.Chunks == 0)
            throw new ImageProviderFailedException("Gemini's stream ended without a chunk.");
        if (!answer.Finished)
            throw new ImageProviderFailedException(
                $"Gemini's stream ended after {answer.Chunks} chunk(s) without a finish reason: the answer is incomplete.");
    }

    private ImageProviderFailedException TotalTimeout(AttemptCounter attempts, int chunks, Exception inner) => new(
        $"Gemini did not finish within {_options.TotalTimeoutSeconds:0.##} s (Gemini:TotalTimeoutSeconds), " +
        $"{attempts.Count} attempt(s), {chunks} chunk(s).", inner);

    internal static ErrorBody? ReadError(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<ErrorResponse>(text, GeminiJson.Options)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A whole answer (the chunks merged), how many HTTP attempts and how many chunks it took.</summary>
internal sealed record GeminiCall(GenerateContentResponse Response, int Attempts, int Chunks);

/// <summary>
/// Merges the chunks of a stream into one answer the way Gemini's SDKs do: the first candidate's parts
/// accumulate in order; every other field keeps its last value (usage and the finish reason come last).
/// </summary>
internal sealed class GeminiAnswer
{
    private readonly List<Part> _parts = [];
    private Candidate? _candidate;
    private PromptFeedback? _promptFeedback;
    private UsageMetadata? _usage;
    private string? _modelVersion;
    private string? _responseId;

    public int Chunks { get; private set; }

    public bool Finished => _candidate?.FinishReason is { Length: > 0 } || _promptFeedback?.BlockReason is { Length: > 0 };

    public void Add(GenerateContentResponse chunk)
    {
        Chunks++;
        _promptFeedback = chunk.PromptFeedback ?? _promptFeedback;
        _usage = chunk.UsageMetadata ?? _usage;
        _modelVersion = chunk.ModelVersion ?? _modelVersion;
        _responseId = chunk.ResponseId ?? _responseId;
        if (chunk.Candidates?.FirstOrDefault() is not { } candidate)
            return;
        _parts.AddRange(candidate.Content?.Parts ?? []);
        _candidate = new Candidate
        {
            FinishReason = candidate.FinishReason ?? _candidate?.FinishReason,
            FinishMessage = candidate.FinishMessage ?? _candidate?.FinishMessage,
            Index = candidate.Index ?? _candidate?.Index,
        };
    }

    public GenerateContentResponse Merged() => new()
    {
        Candidates = _candidate is null ? null : [_candidate with { Content = new Content("model", _parts.ToList()) }],
        PromptFeedback = _promptFeedback,
        UsageMetadata = _usage,
        ModelVersion = _modelVersion,
        ResponseId = _responseId,
    };
}

/// <summary>Counts the attempts of one request; incremented by <see cref="GeminiAttemptHandler"/>.</summary>
internal sealed class AttemptCounter
{
    public static readonly HttpRequestOptionsKey<AttemptCounter> Key = new("Likeness.Gemini.Attempts");
    private int _count;
    public int Count => Volatile.Read(ref _count);
    public int Increment() => Interlocked.Increment(ref _count);
}

/// <summary>
/// Sits inside the resilience handler, so it sees every attempt: counts them, logs each failed one with
/// Gemini's error status, and for a stream waits for its first chunk. An attempt therefore ends when the
/// first chunk has arrived: a stream that breaks before it (or never starts within the per-attempt timeout)
/// is retried; after it the model is at work, and a break is a failure (see <see cref="GeminiClient"/>).
/// </summary>
internal sealed class GeminiAttemptHandler(ILogger<GeminiAttemptHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = request.Options.TryGetValue(AttemptCounter.Key, out var counter) ? counter.Increment() : 0;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                var error = GeminiClient.ReadError(await response.Content.ReadAsStringAsync(cancellationToken));
                logger.LogWarning(
                    "Gemini attempt {Attempt} answered {StatusCode} {ErrorStatus}: {ErrorMessage} (Retry-After: {RetryAfter})",
                    attempt, (int)response.StatusCode, error?.Status ?? response.StatusCode.ToString(),
                    error?.Message ?? "(no error body)", response.Headers.RetryAfter?.ToString() ?? "none");
            }
            else if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                await FirstEventStream.WaitForFirstEvent(response, cancellationToken);
            }
            return response;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested || ex is not OperationCanceledException)
        {
            logger.LogWarning("Gemini attempt {Attempt} failed: {Error}", attempt, ex.Message);
            throw;
        }
        catch (OperationCanceledException)
        {
            // The per-attempt timeout (or the caller) cancelled this attempt.
            logger.LogWarning("Gemini attempt {Attempt} was cancelled (per-attempt timeout or caller).", attempt);
            throw;
        }
    }
}

/// <summary>
/// Reads a Server-Sent Events body up to the end of its first event (a blank line), then gives the
/// response a body that replays those bytes before the rest of the stream.
/// </summary>
internal sealed class FirstEventStream : Stream
{
    /// <summary>A first event bigger than this is not a Gemini chunk (the largest, a 4K image, is about 30 MB).</summary>
    private const int MaxFirstEventBytes = 64 * 1024 * 1024;

    private readonly byte[] _prefix;
    private readonly int _prefixLength;
    private readonly Stream _inner;
    private int _position;

    private FirstEventStream(byte[] prefix, int prefixLength, Stream inner)
    {
        _prefix = prefix;
        _prefixLength = prefixLength;
        _inner = inner;
    }

    /// <exception cref="HttpRequestException">The stream ended or broke before its first event (retried).</exception>
    public static async Task WaitForFirstEvent(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var original = response.Content;
        var inner = await original.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[16 * 1024];
        var length = 0;
        var scanned = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxFirstEventBytes)
                        throw new HttpRequestException($"Gemini's first event is larger than {MaxFirstEventBytes} bytes.");
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                int read;
                try
                {
                    read = await inner.ReadAsync(buffer.AsMemory(length), cancellationToken);
                }
                catch (IOException ex)
                {
                    throw new HttpRequestException($"Gemini's stream broke before its first chunk: {ex.Message}", ex);
                }
                if (read == 0)
                    throw new HttpRequestException($"Gemini's stream ended before its first chunk ({length} bytes).");
                length += read;
                if (EndOfFirstEvent(buffer.AsSpan(0, length), ref scanned))
                    break;
            }
        }
        catch
        {
            await inner.DisposeAsync();
            response.Dispose();
            throw;
        }

        var replay = new StreamContent(new FirstEventStream(buffer, length, inner));
        foreach (var header in original.Headers)
            replay.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = replay;
    }

    /// <summary>True once the bytes hold a blank line (LF LF, CR CR or CRLF CRLF) after some content.</summary>
    private static bool EndOfFirstEvent(ReadOnlySpan<byte> bytes, ref int scanned)
    {
        for (var i = Math.Max(1, scanned); i < bytes.Length; i++)
        {
            var (previous, current) = (bytes[i - 1], bytes[i]);
            if ((current == '\n' && previous == '\n') || (current == '\r' && previous == '\r')
                || (current == '\n' && previous == '\r' && i >= 3 && bytes[i - 2] == '\n' && bytes[i - 3] == '\r'))
            {
                if (bytes[..(i + 1)].Trim("\r\n"u8).Length > 0)
                    return true;
            }
        }
        scanned = Math.Max(1, bytes.Length);
        return false;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_position < _prefixLength)
        {
            var count = Math.Min(destination.Length, _prefixLength - _position);
            _prefix.AsMemory(_position, count).CopyTo(destination);
            _position += count;
            return count;
        }
        return await _inner.ReadAsync(destination, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position < _prefixLength)
        {
            var n = Math.Min(count, _prefixLength - _position);
            Array.Copy(_prefix, _position, buffer, offset, n);
            _position += n;
            return n;
        }
        return _inner.Read(buffer, offset, count);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync();
        await base.DisposeAsync();
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
