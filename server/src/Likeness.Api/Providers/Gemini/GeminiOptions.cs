using Microsoft.Extensions.Options;

namespace Likeness.Api.Providers.Gemini;

/// <summary>Settings of the <c>Gemini</c> configuration section (docs/gemini.md describes each one).</summary>
public sealed class GeminiOptions
{
    public const string SectionName = "Gemini";

    /// <summary>Environment variable that supplies the key when <c>Gemini:ApiKey</c> is not set.</summary>
    public const string ApiKeyEnvironmentVariable = "GEMINI_API_KEY";

    /// <summary>Gemini's inline request limit is 100 MB; we stay a little under it.</summary>
    public const long DefaultMaxRequestBytes = 100_000_000;

    /// <summary>The largest <see cref="MaxRequestBytes"/> allowed (100 MiB).</summary>
    public const long MaxInlineRequestBytes = 104_857_600;

    /// <summary>The API key, sent in the <c>x-goog-api-key</c> header and nowhere else.</summary>
    public string? ApiKey { get; set; }

    public string BaseUrl { get; set; } = "https://generativelanguage.googleapis.com";

    /// <summary>
    /// The default model (older name of <see cref="DefaultModel"/>, which wins when both are set): the model of
    /// sessions that do not choose one.
    /// </summary>
    public string Model { get; set; } = GeminiModels.DefaultModel;

    /// <summary>The default model; one of <see cref="EnabledModels"/>. Null: <see cref="Model"/>.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>The models users may pick (ids of <see cref="GeminiModels.All"/>). Null or empty: all of them.</summary>
    public List<string>? EnabledModels { get; set; }

    /// <summary>
    /// Chat-mode edits send at most this many of the model's own earlier turns; a longer path starts with a
    /// user turn holding the oldest kept image.
    /// </summary>
    public int ChatTurns { get; set; } = 4;

    /// <summary>
    /// Price overrides per model id (USD): <c>Gemini:Prices:{model}:PerImageUsd:{size}</c> and
    /// <c>Gemini:Prices:{model}:InputPerMillionTokensUsd</c>. Unset values keep the catalogue's.
    /// </summary>
    public Dictionary<string, GeminiModelPrice> Prices { get; set; } = new();

    /// <summary>
    /// Send reference images through the Files API (uploaded once, reused for 48 hours) instead of inline in
    /// every request. A Files API failure falls back to inline.
    /// </summary>
    public bool UseFilesApi { get; set; } = true;

    /// <summary>
    /// A turn with several variants makes one call per variant (Gemini refuses <c>candidateCount</c> above 1):
    /// at most this many at once; the rest wait for a free slot.
    /// </summary>
    public int MaxConcurrentCalls { get; set; } = 4;

    /// <summary>The default model in effect.</summary>
    public string EffectiveDefaultModel => string.IsNullOrWhiteSpace(DefaultModel) ? Model : DefaultModel;

    /// <summary>The enabled models, in catalogue order.</summary>
    public IReadOnlyList<GeminiModel> Enabled =>
        GeminiModels.All.Where(m => EnabledModels is not { Count: > 0 } list || list.Contains(m.Id)
                                    || m.Id == EffectiveDefaultModel).ToList();

    /// <summary>Price per output image at <paramref name="resolution"/>, with the operator's override.</summary>
    public decimal? PricePerImage(GeminiModel model, string resolution) =>
        Prices.TryGetValue(model.Id, out var price) && price.PerImageUsd.TryGetValue(resolution, out var custom) ? custom
        : model.PricePerImageUsd.TryGetValue(resolution, out var listed) ? listed : null;

    public decimal InputPricePerMillionTokens(GeminiModel model) =>
        Prices.TryGetValue(model.Id, out var price) && price.InputPerMillionTokensUsd is { } custom ? custom : model.InputPricePerMillionTokensUsd;

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

/// <summary>An operator's price override for one model.</summary>
public sealed class GeminiModelPrice
{
    public Dictionary<string, decimal> PerImageUsd { get; set; } = new();
    public decimal? InputPerMillionTokensUsd { get; set; }
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
        if (options.MaxRequestBytes is < 1_000_000 or > GeminiOptions.MaxInlineRequestBytes)
            failures.Add($"Gemini:MaxRequestBytes must be between 1000000 and {GeminiOptions.MaxInlineRequestBytes} (Gemini's 100 MB inline limit).");
        var known = string.Join(", ", GeminiModels.All.Select(m => m.Id));
        foreach (var id in options.EnabledModels ?? [])
            if (GeminiModels.Find(id) is null)
                failures.Add($"Gemini:EnabledModels holds '{id}', which is not one of {known}.");
        if (GeminiModels.Find(options.EffectiveDefaultModel) is null && !failures.Any(f => f.StartsWith("Gemini:Model")))
            failures.Add($"Gemini:DefaultModel must be one of {known}, not '{options.EffectiveDefaultModel}'.");
        else if (options.EnabledModels is { Count: > 0 } enabled && !enabled.Contains(options.EffectiveDefaultModel))
            failures.Add($"Gemini:DefaultModel ({options.EffectiveDefaultModel}) must be one of Gemini:EnabledModels.");
        if (options.ChatTurns is < 1 or > 20)
            failures.Add("Gemini:ChatTurns must be between 1 and 20.");
        if (options.MaxConcurrentCalls is < 1 or > 16)
            failures.Add("Gemini:MaxConcurrentCalls must be between 1 and 16.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
