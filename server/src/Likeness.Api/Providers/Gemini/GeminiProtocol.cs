using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Likeness.Api.Providers.Gemini;

// The subset of Gemini's REST protocol (v1beta models.generateContent / streamGenerateContent) that image generation uses.
// Field names are the JSON names of Google's reference; unknown response fields are ignored.

internal sealed record GenerateContentRequest(
    IReadOnlyList<Content> Contents,
    GenerationConfig GenerationConfig);

internal sealed record Content(string? Role, IReadOnlyList<Part>? Parts);

/// <summary>One part: text, or an inline image. <c>Thought</c> marks the model's thinking.</summary>
internal sealed record Part
{
    public string? Text { get; init; }
    public InlineData? InlineData { get; init; }
    public FileData? FileData { get; init; }
    public bool? Thought { get; init; }
    public string? ThoughtSignature { get; init; }
}

/// <summary>Base64 bytes with their MIME type.</summary>
internal sealed record InlineData(string MimeType, string Data);

/// <summary>A file uploaded through the Files API, by its URI.</summary>
internal sealed record FileData(string MimeType, string FileUri);

internal sealed record GenerationConfig(IReadOnlyList<string> ResponseModalities, ImageConfig ImageConfig, ThinkingConfig? ThinkingConfig = null);

/// <summary><c>includeThoughts</c> asks for the thought summaries and interim images (the model thinks either way).</summary>
internal sealed record ThinkingConfig(bool? IncludeThoughts);

/// <summary><c>imageSize</c> is left out for models that do not take it (Gemini 2.5 Flash Image).</summary>
internal sealed record ImageConfig(string AspectRatio, string? ImageSize);

internal sealed record GenerateContentResponse
{
    public IReadOnlyList<Candidate>? Candidates { get; init; }
    public PromptFeedback? PromptFeedback { get; init; }
    public UsageMetadata? UsageMetadata { get; init; }
    public string? ModelVersion { get; init; }
    public string? ResponseId { get; init; }
    /// <summary>Set only when the service reports an error inside a stream instead of a chunk.</summary>
    public ErrorBody? Error { get; init; }
}

internal sealed record Candidate
{
    public Content? Content { get; init; }
    public string? FinishReason { get; init; }
    public string? FinishMessage { get; init; }
    public int? Index { get; init; }
}

internal sealed record PromptFeedback
{
    public string? BlockReason { get; init; }
    public IReadOnlyList<SafetyRating>? SafetyRatings { get; init; }
}

internal sealed record SafetyRating
{
    public string? Category { get; init; }
    public string? Probability { get; init; }
    public bool? Blocked { get; init; }
}

internal sealed record UsageMetadata
{
    public int? PromptTokenCount { get; init; }
    public int? CandidatesTokenCount { get; init; }
    public int? ThoughtsTokenCount { get; init; }
    public int? CachedContentTokenCount { get; init; }
    public int? TotalTokenCount { get; init; }
    public IReadOnlyList<ModalityTokenCount>? PromptTokensDetails { get; init; }
    public IReadOnlyList<ModalityTokenCount>? CandidatesTokensDetails { get; init; }
}

internal sealed record ModalityTokenCount
{
    public string? Modality { get; init; }
    public int? TokenCount { get; init; }
}

/// <summary>Google's error body: <c>{"error": {"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED"}}</c>.</summary>
internal sealed record ErrorResponse
{
    public ErrorBody? Error { get; init; }
}

internal sealed record ErrorBody
{
    public int? Code { get; init; }
    public string? Message { get; init; }
    public string? Status { get; init; }
    /// <summary><c>google.rpc</c> details: <c>RetryInfo</c> (<c>retryDelay</c>), <c>QuotaFailure</c> (<c>violations</c>), …</summary>
    public IReadOnlyList<JsonElement>? Details { get; init; }
}

internal static class GeminiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // The default encoder writes '+' as \u002B (HTML safety we do not need): base64 would grow ~8%
        // and the size budget, which counts base64 characters, would be wrong.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
