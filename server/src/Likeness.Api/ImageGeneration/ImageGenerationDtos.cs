namespace Likeness.Api.ImageGeneration;

// Ids arrive as strings so a malformed one is a clear 400 rather than a body that fails to bind.

/// <summary>The plan's admin generate body: any user's session.</summary>
public sealed record AdminGenerateImageRequest(
    string? UserId, string? IdentityId, string? AdditionalPrompt, string? AspectRatio, string? Resolution);

/// <summary>The signed-in user's generate body.</summary>
public sealed record GenerateImageRequest(
    string? IdentityId, string? AdditionalPrompt, string? AspectRatio, string? Resolution);

/// <summary>The plan's admin edit body.</summary>
public sealed record AdminEditImageRequest(string? UserId, string? EditPrompt, string? IdentityId);

/// <summary>The signed-in user's edit body.</summary>
public sealed record EditImageRequest(string? EditPrompt, string? IdentityId);

public sealed record AdminSessionRequest(string? UserId);

public sealed record AdminSelectVersionRequest(string? UserId, string? VersionId);

public sealed record SelectVersionRequest(string? VersionId);

/// <summary>
/// What generate, edit, undo, redo, select and the status endpoint answer: the plan's three fields first,
/// then what the history and the UI need.
/// </summary>
public sealed record ImageSessionResponse(
    string? ImageBase64,
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
    string? ImageUrl);

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
    string ThumbnailUrl);

public sealed record ImageSessionHistoryResponse(
    Guid? SessionId,
    Guid? CurrentVersionId,
    IReadOnlyList<ImageVersionResponse> Versions);
