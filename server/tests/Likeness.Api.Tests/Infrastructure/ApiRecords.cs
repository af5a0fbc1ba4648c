namespace Likeness.Api.Tests.Infrastructure;

// Test-side shapes of answers whose production records may move or change in the server's restructuring: only
// the fields tests read. Answers with stable DTOs are read as those (ImageSessionResponse, ImageJobResponse).

/// <summary>GET image-session/history/.</summary>
public sealed record SessionHistory(Guid? CurrentVersionId, List<HistoryVersion> Versions);

public sealed record HistoryVersion(Guid Id, Guid? ParentId, string Kind, string Prompt, string ImageUrl, string? MaskUrl);

/// <summary>One row of GET image-session/library/.</summary>
public sealed record LibraryItem(Guid Id, int VersionCount, string ImageUrl);

/// <summary>A created or listed resource: only its id.</summary>
public sealed record Created(Guid Id);
