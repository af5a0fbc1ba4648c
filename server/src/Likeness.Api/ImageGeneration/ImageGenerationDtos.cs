using System.Security.Claims;
using System.Text.Json.Serialization;
using Likeness.Api.Problems;
using Likeness.Api.Providers;

namespace Likeness.Api.ImageGeneration;

// Ids arrive as strings so a malformed one is a clear 400 rather than a body that fails to bind.

/// <summary>The plan's admin generate body: any user's session.</summary>
public sealed record AdminGenerateImageRequest(
    string? UserId, string? IdentityId, string? AdditionalPrompt, string? AspectRatio, string? Resolution,
    string? Model = null, string? EditMode = null, int? Variants = null);

/// <summary>The signed-in user's generate body.</summary>
public sealed record GenerateImageRequest(
    string? IdentityId, string? AdditionalPrompt, string? AspectRatio, string? Resolution,
    string? Model = null, string? EditMode = null, int? Variants = null);

/// <summary>The plan's admin edit body.</summary>
public sealed record AdminEditImageRequest(
    string? UserId, string? EditPrompt, string? IdentityId, string? MaskPngBase64 = null, int? Variants = null);

/// <summary>The signed-in user's edit body.</summary>
public sealed record EditImageRequest(string? EditPrompt, string? IdentityId, string? MaskPngBase64 = null, int? Variants = null);

/// <summary><c>POST {prefix}/jobs/</c>: a generate or an edit, by <c>kind</c>.</summary>
public sealed record StartImageJobRequest(
    string? Kind, string? IdentityId, string? AdditionalPrompt, string? AspectRatio, string? Resolution, string? EditPrompt,
    string? Model = null, string? EditMode = null, string? MaskPngBase64 = null, int? Variants = null);

public sealed record SelectVersionRequest(string? VersionId);

/// <summary>
/// Whose session a request works on, and the route prefix its URLs use: the signed-in user
/// (<c>/api/v1/identities/image-session</c>) or, for an admin, the user in the route
/// (<c>/api/v1/admin/users/{user_id}/image-session</c>).
/// </summary>
public sealed record SessionOwner(Guid UserId, string Prefix)
{
    public const string SelfPrefix = "/api/v1/identities/image-session";

    public static string AdminPrefix(Guid userId) => $"/api/v1/admin/users/{userId}/image-session";

    public static SessionOwner Self(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            ? new SessionOwner(id, SelfPrefix)
            : throw ApiProblem.Unauthorized("Sign in first.");

    public static SessionOwner ForUser(Guid userId) => new(userId, AdminPrefix(userId));

    /// <summary>Minimal APIs bind it per request: the route's <c>user_id</c> when there is one, else the caller.</summary>
    public static ValueTask<SessionOwner?> BindAsync(HttpContext http) =>
        ValueTask.FromResult<SessionOwner?>(
            http.Request.RouteValues.TryGetValue("user_id", out var value) && Guid.TryParse(value?.ToString(), out var userId)
                ? ForUser(userId)
                : Self(http.User));

    /// <summary>The same text with the user's own prefix swapped for this owner's (events are stored with the former).</summary>
    public string Localize(string json) => Prefix == SelfPrefix ? json : json.Replace(SelfPrefix, Prefix, StringComparison.Ordinal);
}

/// <summary>
/// What the plan's generate and edit answer (with <c>image_base64</c>), and what status, undo, redo, select
/// and a job's <c>succeeded</c> event answer (without it: the image travels by <c>image_url</c>).
/// </summary>
public sealed record ImageSessionResponse(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ImageBase64,
    bool HasActiveSession,
    Guid? SessionIdentityId,
    Guid? SessionId,
    Guid? VersionId,
    bool CanUndo,
    bool CanRedo,
    bool ReferencesChanged,
    string? MimeType,
    int? Width,
    int? Height,
    string? AspectRatio,
    string? Resolution,
    string? Provider,
    string? LastPrompt,
    DateTime? ExpiresAt,
    string? ImageUrl,
    string? ThumbnailUrl,
    ImageJobResponse? RunningJob,
    string? Model = null,
    string? EditMode = null,
    decimal? EstimatedCostUsd = null);

public sealed record ImageVersionResponse(
    Guid Id,
    Guid? ParentId,
    string Kind,
    string Prompt,
    string Provider,
    string AspectRatio,
    string Resolution,
    string MimeType,
    int Width,
    int Height,
    long DurationMs,
    DateTime CreatedAt,
    bool IsCurrent,
    string ImageUrl,
    string ThumbnailUrl,
    string? Model,
    ImageUsageResponse? Usage,
    decimal? EstimatedCostUsd,
    string? MaskUrl = null);

/// <summary>A version's tokens, as Gemini counted them.</summary>
public sealed record ImageUsageResponse(int PromptTokens, int OutputTokens, int ThoughtsTokens, int TotalTokens);

public sealed record ImageSessionHistoryResponse(
    Guid? SessionId,
    Guid? CurrentVersionId,
    IReadOnlyList<ImageVersionResponse> Versions);

public sealed record ImageJobError(
    int Status, string Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RetryAfterSeconds = null);

public sealed record ImageJobResponse(
    Guid Id,
    ImageJobKind Kind,
    ImageJobStatus Status,
    ImageJobStage? Stage,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    Guid? VersionId,
    ImageJobError? Error,
    string EventsUrl,
    int Variants = 1);

public static class ImageSessionResponses
{
    public static string ImageUrl(string prefix, Guid versionId) => $"{prefix}/versions/{versionId}/image/";

    public static string ThumbnailUrl(string prefix, Guid versionId) => $"{prefix}/versions/{versionId}/thumbnail/";

    public static string JobUrl(string prefix, Guid jobId) => $"{prefix}/jobs/{jobId}/";

    public static string PreviewUrl(string prefix, Guid jobId, long eventId) => $"{prefix}/jobs/{jobId}/previews/{eventId}/";

    public static ImageSessionResponse From(SessionView view, string prefix, bool includeImage)
    {
        var runningJob = view.RunningJob is { } job ? Job(job, prefix) : null;
        if (view.Session is not { } s || view.Current is not { } v)
            return new ImageSessionResponse(null, false, null, null, null, false, false, false,
                null, null, null, null, null, null, null, null, null, null, runningJob);
        return new ImageSessionResponse(
            includeImage && view.Image is { } image ? Convert.ToBase64String(image) : null,
            HasActiveSession: true, s.IdentityId, s.Id, v.Id, view.CanUndo, view.CanRedo, view.ReferencesChanged,
            v.MimeType, v.Width, v.Height, s.AspectRatio, s.Resolution, v.Provider, s.LastPrompt, s.ExpiresAt,
            ImageUrl(prefix, v.Id), ThumbnailUrl(prefix, v.Id), runningJob, s.Model, s.EditMode, view.CostUsd);
    }

    public static string MaskUrl(string prefix, Guid versionId) => $"{prefix}/versions/{versionId}/mask/";

    /// <param name="masks">Whether the prefix serves the versions' masks (<c>mask_url</c>); the library does not.</param>
    public static ImageSessionHistoryResponse History(
        (ImageGenerationSession? Session, List<ImageVersion> Versions) history, string prefix, bool masks = true)
    {
        var (session, versions) = history;
        return new ImageSessionHistoryResponse(session?.Id, session?.CurrentVersionId,
            versions.Select(v => new ImageVersionResponse(v.Id, v.ParentVersionId, v.Kind.ToString().ToLowerInvariant(),
                v.Prompt, v.Provider, v.AspectRatio, v.Resolution, v.MimeType, v.Width, v.Height, v.DurationMs,
                v.CreatedAt, v.Id == session?.CurrentVersionId, ImageUrl(prefix, v.Id), ThumbnailUrl(prefix, v.Id), v.Model,
                v.TotalTokens is { } total
                    ? new ImageUsageResponse(v.PromptTokens ?? 0, v.OutputTokens ?? 0, v.ThoughtsTokens ?? 0, total)
                    : null,
                v.EstimatedCostUsd,
                masks && v.MaskKey is not null ? MaskUrl(prefix, v.Id) : null)).ToList());
    }

    public static ImageJobResponse Job(ImageJob job, string prefix) => new(
        job.Id, job.Kind, job.Status, job.Stage, job.CreatedAt, job.StartedAt, job.FinishedAt, job.VersionId,
        job.ErrorStatus is { } status ? new ImageJobError(status, job.ErrorDetail ?? "", job.ErrorRetryAfterSeconds) : null,
        $"{JobUrl(prefix, job.Id)}events/", job.Variants);
}
