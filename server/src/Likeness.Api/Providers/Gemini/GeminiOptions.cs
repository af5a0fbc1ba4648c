using Microsoft.Extensions.Options;

namespace Likeness.Api.Providers.Gemini;

/// <summary>Settings of the <c>Gemini</c> configuration section (docs/gemini.md describes each one).</summary>
public sealed class GeminiOptions
{
    public const string SectionName = "Gemini";

    /// <summary>Environment variable that supplies the key when <c>Gemini:ApiKey</c> is not set.</summary>
    public const string ApiKeyEnvironmentVariable = "GEMINI_API_KEY";

    /// <summary>Gemini's inline request limit is 20 MiB; we stay a little under it.</summary>
    public const long DefaultMaxRequestBytes = 20_000_000;

    /// <summary>The API key, sent in the <c>x-goog-api-key</c> header and nowhere else.</summary>
    public string? ApiKey { get; set; }

    public string BaseUrl { get; set; } = "https://generativelanguage.googleapis.com";

    public string Model { get; set; } = "gemini-3-pro-image-preview";

    /// <summary>
    /// Time allowed for one attempt to start answering: the status and the first chunk of the stream. Until
    /// then the attempt is retried; after it, a failure is final (the model is already working).
    /// </summary>
    public double TimeoutSeconds { get; set; } = 180;

    /// <summary>
    /// Longest silence allowed between two chunks of a streamed answer. The model draws the final image
    /// without sending anything (up to a minute for 4K), so keep this above that.
    /// </summary>
    public double StreamIdleTimeoutSeconds { get; set; } = 120;

    /// <summary>Time allowed for the whole call: every attempt, the waits between them and the whole stream.</summary>
    public double TotalTimeoutSeconds { get; set; } = 600;

    /// <summary>Attempts in total, the first one included (1 = never retry).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Base delay of the exponential backoff (with jitter) between attempts.</summary>
    public double RetryBaseDelaySeconds { get; set; } = 2;

    /// <summary>
    /// A <c>Retry-After</c> longer than this is not waited for: the call fails at once rather than keep
    /// the user's request open (Gemini asks for long waits when a daily quota is used up).
    /// </summary>
    public double MaxRetryAfterSeconds { get; set; } = 60;

    /// <summary>Largest request body we send; inputs are re-encoded, then downsized, to fit.</summary>
    public long MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

    /// <summary>Optional prices (USD per million tokens) used only to log an estimated cost per call.</summary>
    public GeminiPricing? Pricing { get; set; }
}

/// <summary>
/// Prices in USD per million tokens, copied by the operator from Gemini's pricing page. Image output
/// tokens are priced apart from text and thinking output tokens.
/// </summary>
public sealed class GeminiPricing
{
    public decimal InputPerMillionTokens { get; set; }
    public decimal TextOutputPerMillionTokens { get; set; }
    public decimal ImageOutputPerMillionTokens { get; set; }
}

/// <summary>Checks the settings when the app starts (ValidateOnStart), naming the setting that is wrong.</summary>
internal sealed class GeminiOptionsValidator : IValidateOptions<GeminiOptions>
{
    public ValidateOptionsResult Validate(string? name, GeminiOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiKey))
            failures.Add(
                $"Gemini:ApiKey is missing. ImageProvider:Kind is Gemini, so set Gemini:ApiKey or the " +
                $"{GeminiOptions.ApiKeyEnvironmentVariable} environment variable.");
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl)
            || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
            failures.Add($"Gemini:BaseUrl must be an absolute http(s) URL, not '{options.BaseUrl}'.");
        if (string.IsNullOrWhiteSpace(options.Model) || options.Model.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#' or ':'))
            failures.Add($"Gemini:Model must be a model name such as gemini-3-pro-image-preview, not '{options.Model}'.");
        if (!(options.TimeoutSeconds is >= 0.05 and <= 3600))
            failures.Add("Gemini:TimeoutSeconds must be between 0.05 and 3600.");
        if (!(options.StreamIdleTimeoutSeconds is >= 0.05 and <= 3600))
            failures.Add("Gemini:StreamIdleTimeoutSeconds must be between 0.05 and 3600.");
        if (!(options.TotalTimeoutSeconds is >= 0.1 and <= 7200))
            failures.Add("Gemini:TotalTimeoutSeconds must be between 0.1 and 7200.");
        if (options.MaxAttempts is < 1 or > 10)
            failures.Add("Gemini:MaxAttempts must be between 1 and 10.");
        if (!(options.RetryBaseDelaySeconds is >= 0 and <= 600))
            failures.Add("Gemini:RetryBaseDelaySeconds must be between 0 and 600.");
        if (!(options.MaxRetryAfterSeconds is >= 0 and <= 3600))
            failures.Add("Gemini:MaxRetryAfterSeconds must be between 0 and 3600.");
        if (options.MaxRequestBytes is < 1_000_000 or > 20_971_520)
            failures.Add("Gemini:MaxRequestBytes must be between 1000000 and 20971520 (Gemini's 20 MiB inline limit).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
