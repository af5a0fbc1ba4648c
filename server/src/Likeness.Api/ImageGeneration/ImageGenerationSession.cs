using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.ImageGeneration;

/// <summary>
/// A user's image session (the plan's model). Every generate and edit is an <see cref="ImageVersion"/>;
/// <see cref="CurrentVersionId"/> is the image the next edit starts from. A user has one active session
/// (<see cref="ArchivedAt"/> null); Generate New moves it, read-only, into their library (<see cref="ImageSessionLibrary"/>).
/// </summary>
public class ImageGenerationSession
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    /// <summary>Null when the identity was deleted after the session started (SET NULL).</summary>
    public Guid? IdentityId { get; set; }
    public Guid? CurrentVersionId { get; set; }
    public string LastPrompt { get; set; } = "";
    /// <summary>SHA-256 over the ordered reference image hashes when the session started.</summary>
    public string ReferenceImagesHash { get; set; } = "";
    public required string AspectRatio { get; set; }
    public required string Resolution { get; set; }
    /// <summary>The image model every turn uses (<c>local</c> for the Local engine); null for sessions older than the catalogue.</summary>
    public string? Model { get; set; }
    /// <summary><c>chat</c> (edits send the conversation) or <c>single</c> (the plan's stateless edit); null: single.</summary>
    public string? EditMode { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Idle expiry, pushed forward by every use.</summary>
    public DateTime ExpiresAt { get; set; }
    /// <summary>Set while an edit job holds the session; serializes changes across processes.</summary>
    public DateTime? LeaseUntil { get; set; }
    /// <summary>The owner token of the edit job holding the lease: only it renews or releases the lease.</summary>
    public Guid? LeaseToken { get; set; }
    /// <summary>When the session went to the user's library (replaced by another); null for the active session.</summary>
    public DateTime? ArchivedAt { get; set; }
    public List<ImageVersion> Versions { get; set; } = [];
}

public enum ImageVersionKind
{
    Generate,
    Edit,
    /// <summary>The user's own photo, the root of a session started from an upload.</summary>
    Upload,
}

/// <summary>One turn of a session: the image a generate or an edit produced.</summary>
public class ImageVersion
{
    public Guid Id { get; set; }
    public Guid SessionId { get; set; }
    /// <summary>The version this one was edited from; null for the root (generated or uploaded).</summary>
    public Guid? ParentVersionId { get; set; }
    public ImageVersionKind Kind { get; set; }
    public string Prompt { get; set; } = "";
    public required string Provider { get; set; }
    public required string AspectRatio { get; set; }
    public required string Resolution { get; set; }
    public required string ImageKey { get; set; }

    /// <summary>A region edit's mask (a greyscale PNG in the store, white where the edit could change the image); null otherwise.</summary>
    public string? MaskKey { get; set; }

    /// <summary>Every image store key this version refers to: its image, its thumbnail and its mask, if any.</summary>
    public IReadOnlyList<string> StoredKeys() => MaskKey is null ? [ImageKey, ThumbnailKey] : [ImageKey, ThumbnailKey, MaskKey];
    public required string ThumbnailKey { get; set; }
    public required string MimeType { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public long DurationMs { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>When it last became current (saved as current, picked, or reached by undo/redo): redo returns to it.</summary>
    public DateTime? LastCurrentAt { get; set; }
    /// <summary>The model that made it (<c>local</c> for the Local engine).</summary>
    public string? Model { get; set; }
    /// <summary>The model's answer as JSON (<see cref="Providers.ModelAnswer"/>): its parts and signatures, for chat-mode edits.</summary>
    public string? ModelAnswer { get; set; }
    public int? PromptTokens { get; set; }
    public int? OutputTokens { get; set; }
    public int? ThoughtsTokens { get; set; }
    public int? CachedTokens { get; set; }
    public int? TotalTokens { get; set; }
    /// <summary>From the catalogue's prices; null for the Local engine.</summary>
    public decimal? EstimatedCostUsd { get; set; }
}

/// <summary>
/// One model call that made an image, kept after its session is gone: per-user daily cost, the budget and the
/// admin's usage page read it.
/// </summary>
public class ImageUsageRecord
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Guid? JobId { get; set; }
    public Guid? VersionId { get; set; }
    public required string Provider { get; set; }
    public string? Model { get; set; }
    public required string Resolution { get; set; }
    public int Images { get; set; } = 1;
    public int PromptTokens { get; set; }
    public int OutputTokens { get; set; }
    public int ThoughtsTokens { get; set; }
    public int CachedTokens { get; set; }
    public int TotalTokens { get; set; }
    public decimal? EstimatedCostUsd { get; set; }
    public DateTime CreatedAt { get; set; }
}

public static class ImageVersionQueries
{
    /// <summary>Every image store key the versions refer to: their images and their thumbnails.</summary>
    /// <summary>
    /// The store key and type of the first version's image, or of its thumbnail (always a PNG); null when there is none.
    /// </summary>
    public static async Task<(string Key, string MimeType)?> ImageKeyAsync(
        this IQueryable<ImageVersion> versions, bool thumbnail, CancellationToken cancellationToken)
    {
        var version = await versions.AsNoTracking().Select(v => new { v.ImageKey, v.ThumbnailKey, v.MimeType }).FirstOrDefaultAsync(cancellationToken);
        if (version is null)
            return null;
        return thumbnail ? (version.ThumbnailKey, "image/png") : (version.ImageKey, version.MimeType);
    }

    public static IQueryable<string> StoredKeys(this IQueryable<ImageVersion> versions) =>
        versions.Select(v => v.ImageKey).Concat(versions.Select(v => v.ThumbnailKey))
            .Concat(versions.Where(v => v.MaskKey != null).Select(v => v.MaskKey!));
}
