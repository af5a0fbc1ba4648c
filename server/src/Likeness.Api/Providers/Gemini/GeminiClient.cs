using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Likeness.Api.Providers.Gemini;

/// <summary>
/// Typed <see cref="HttpClient"/> for <c>POST {BaseUrl}/v1beta/models/{model}:generateContent</c>.
/// It speaks the wire format only; what an answer means for the product is decided by
/// <see cref="GeminiImageProvider"/>. Retries, backoff and per-attempt timeouts come from the
/// resilience handler registered in <see cref="GeminiServiceCollectionExtensions"/>.
/// </summary>
internal sealed class GeminiClient(HttpClient httpClient, IOptions<GeminiOptions> options, ILogger<GeminiClient> logger)
{
    /// <summary>The only place the key travels. Never in the URL, where logs would show it.</summary>
    public const string ApiKeyHeader = "x-goog-api-key";

    private readonly GeminiOptions _options = options.Value;

    public string Model => _options.Model;

    public Uri Endpoint => new($"{_options.BaseUrl.TrimEnd('/')}/v1beta/models/{Uri.EscapeDataString(_options.Model)}:generateContent");

    public static byte[] Serialize(GenerateContentRequest request) =>
        JsonSerializer.SerializeToUtf8Bytes(request, GeminiJson.Options);

    /// <summary>Sends one generateContent request (retried by the pipeline) and reads the answer.</summary>
    /// <exception cref="ImageProviderFailedException">Not reachable, an error status, or an unreadable body.</exception>
    public async Task<GeminiCall> GenerateContent(byte[] body, CancellationToken cancellationToken)
    {
        var attempts = new AttemptCounter();
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        request.Headers.Add(ApiKeyHeader, _options.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Options.Set(AttemptCounter.Key, attempts);

        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // the caller went away: not a provider failure
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
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var error = ReadError(text);
                var status = error?.Status ?? response.StatusCode.ToString();
                var message = error?.Message ?? Truncate(text, 500);
                logger.LogError(
                    "Gemini answered {StatusCode} {ErrorStatus} after {Attempts} attempt(s): {ErrorMessage}",
                    (int)response.StatusCode, status, attempts.Count, message);
                throw new ImageProviderFailedException(
                    $"Gemini answered {(int)response.StatusCode} {status} after {attempts.Count} attempt(s): {message}");
            }

            GenerateContentResponse? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize<GenerateContentResponse>(text, GeminiJson.Options);
            }
            catch (JsonException ex)
            {
                throw new ImageProviderFailedException(
                    $"Gemini's response could not be read as JSON ({ex.Message}); it began: {Truncate(text, 200)}", ex);
            }
            if (parsed is null)
                throw new ImageProviderFailedException("Gemini's response was empty.");
            return new GeminiCall(parsed, attempts.Count);
        }
    }

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

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

/// <summary>A parsed answer and how many HTTP attempts it took.</summary>
internal sealed record GeminiCall(GenerateContentResponse Response, int Attempts);

/// <summary>Counts the attempts of one request; incremented by <see cref="GeminiAttemptHandler"/>.</summary>
internal sealed class AttemptCounter
{
    public static readonly HttpRequestOptionsKey<AttemptCounter> Key = new("Likeness.Gemini.Attempts");
    private int _count;
    public int Count => Volatile.Read(ref _count);
    public int Increment() => Interlocked.Increment(ref _count);
}

/// <summary>
/// Sits inside the resilience handler, so it sees every attempt: counts them and logs each failed
/// one with Gemini's error status (the final outcome is logged by <see cref="GeminiClient"/>).
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
