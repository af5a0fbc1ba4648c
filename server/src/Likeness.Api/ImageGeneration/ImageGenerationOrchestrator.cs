using System.Diagnostics;
using Likeness.Api.Data;
using Likeness.Api.Identities;
using Likeness.Api.Problems;
using Likeness.Api.Providers;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Api.ImageGeneration;

/// <summary>A session as the API shows it: the session, its current version and that version's bytes.</summary>
public sealed record SessionView(
    ImageGenerationSession? Session,
    ImageVersion? Current,
    byte[]? Image,
    bool CanUndo,
    bool CanRedo,
    bool ReferencesChanged)
{
    public static readonly SessionView None = new(null, null, null, false, false, false);
}

/// <summary>
/// The plan's orchestration layer: start a session, edit it, report its status, and move through its
/// versions. Every change of a session is serialized by a lease on its row, so two edits never lose one.
/// </summary>
public sealed class ImageGenerationOrchestrator(
    LikenessDbContext db,
    IImageStore store,
    IImageProvider provider,
    ImageJanitor janitor,
    TimeProvider time,
    IOptions<LikenessOptions> options,
    ILogger<ImageGenerationOrchestrator> logger)
{
    public const string NoActiveSession = "No active image session. Please generate an image first.";
    public const string EditPromptRequired = "Edit prompt is required.";
    public const string DifferentIdentity = "Current session is for a different identity. Generate a new image to start editing.";
    public const string ReferenceImagesRequired = "Reference images are required for image generation.";
    public const string UserNotFound = "User not found.";
    public const string VersionNotFound = "Image version not found.";
    public const string EditRunning = "Another edit of this image session is still running. Try again when it finishes.";
    public const string SessionReplaced = "The image session was replaced while this edit was running. Your edit was not applied.";
    public const string NothingToUndo = "Nothing to undo.";
    public const string NothingToRedo = "Nothing to redo.";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Generates the first image of a new session for the user, replacing any session they had.</summary>
    public async Task<SessionView> StartImageSession(
        Guid userId, Guid identityId, string? additionalPrompt, string aspectRatio, string resolution,
        CancellationToken cancellationToken)
    {
        if (additionalPrompt?.Length > ImagePrompts.MaxAdditionalPromptLength)
            throw ApiProblem.BadRequest($"additional_prompt may be at most {ImagePrompts.MaxAdditionalPromptLength} characters.");
        ImagePrompts.Validate("additional_prompt", additionalPrompt);
        await EnsureUserExists(userId, cancellationToken);
        var identity = await db.Identities.AsNoTracking().Include(i => i.ReferenceImages)
            .FirstOrDefaultAsync(i => i.Id == identityId, cancellationToken)
            ?? throw ApiProblem.NotFound(IdentitiesApi.IdentityNotFound);
        var references = await ReadReferenceImages(identity.ReferenceImages, cancellationToken);

        var prompt = ImagePrompts.ForGeneration(identity, additionalPrompt);
        var stopwatch = Stopwatch.StartNew();
        var result = await provider.GenerateImage(prompt, references, aspectRatio, resolution, cancellationToken);
        stopwatch.Stop();
        var stored = await StoreResult(result, cancellationToken);

        var now = Now;
        var session = new ImageGenerationSession
        {
            Id = Guid.NewGuid(), UserId = userId, IdentityId = identity.Id, LastPrompt = prompt,
            ReferenceImagesHash = ReferenceImages.Hash(identity.ReferenceImages),
            AspectRatio = aspectRatio, Resolution = resolution,
            CreatedAt = now, UpdatedAt = now, ExpiresAt = now + options.Value.SessionIdleTime,
        };
        var version = NewVersion(session.Id, null, ImageVersionKind.Generate, prompt, stored, stopwatch, aspectRatio, resolution);
        session.CurrentVersionId = version.Id;

        List<string> replacedKeys;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // Generate New replaces the session: its versions go with it (cascade), their images below.
            var old = db.ImageVersions.Where(v => db.ImageGenerationSessions.Any(s => s.Id == v.SessionId && s.UserId == userId));
            replacedKeys = await old.StoredKeys().ToListAsync(cancellationToken);
            await db.ImageGenerationSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            db.ImageGenerationSessions.Add(session);
            db.ImageVersions.Add(version);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException e)
            {
                // Another generation for the same user committed first (the unique index on user_id).
                logger.LogWarning(e, "Concurrent generation for user {UserId}", userId);
                await transaction.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                await janitor.DeleteUnreferencedAsync([stored.ImageKey, stored.ThumbnailKey], CancellationToken.None);
                throw ApiProblem.Conflict("Another image generation for this user finished first. Try again.");
            }
        }
        await janitor.DeleteUnreferencedAsync(replacedKeys, CancellationToken.None);
        logger.LogInformation("Started image session {SessionId} for user {UserId} ({Provider}, {AspectRatio}, {Resolution}, {DurationMs} ms)",
            session.Id, userId, provider.Name, aspectRatio, resolution, version.DurationMs);
        return new SessionView(session, version, result.Bytes, CanUndo: false, CanRedo: false, ReferencesChanged: false);
    }

    /// <summary>Edits the session's current image: the result becomes a child version and the new current image.</summary>
    public async Task<SessionView> EditImageSession(Guid userId, string? editPrompt, Guid? identityId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(editPrompt))
            throw ApiProblem.BadRequest(EditPromptRequired);
        editPrompt = editPrompt.Trim();
        if (editPrompt.Length > ImagePrompts.MaxEditPromptLength)
            throw ApiProblem.BadRequest($"edit_prompt may be at most {ImagePrompts.MaxEditPromptLength} characters.");
        ImagePrompts.Validate("edit_prompt", editPrompt);
        await EnsureUserExists(userId, cancellationToken);
        var session = await FindActiveSession(userId, cancellationToken) ?? throw ApiProblem.BadRequest(NoActiveSession);
        if (identityId is not null && identityId != session.IdentityId)
            throw ApiProblem.BadRequest(DifferentIdentity);
        var referenceRows = session.IdentityId is null
            ? []
            : await db.ReferenceImages.AsNoTracking().Where(r => r.IdentityId == session.IdentityId)
                .OrderBy(r => r.Order).ToListAsync(cancellationToken);
        if (referenceRows.Count == 0)
            throw ApiProblem.BadRequest(ReferenceImagesRequired);

        await ClaimLease(session.Id, cancellationToken);
        try
        {
            var current = await db.ImageVersions.AsNoTracking()
                .FirstAsync(v => v.Id == session.CurrentVersionId, cancellationToken);
            var previous = await store.GetAsync(current.ImageKey, cancellationToken)
                ?? throw new ImageProviderFailedException($"The session's current image {current.ImageKey} is missing from the store.");
            var references = await ReadReferenceImages(referenceRows, cancellationToken);

            var stopwatch = Stopwatch.StartNew();
            var result = await provider.EditImage(editPrompt, new ProviderImage(previous, current.MimeType), references,
                session.AspectRatio, session.Resolution, cancellationToken);
            stopwatch.Stop();
            var stored = await StoreResult(result, cancellationToken);
            var version = NewVersion(session.Id, current.Id, ImageVersionKind.Edit, editPrompt, stored, stopwatch,
                session.AspectRatio, session.Resolution);

            if (!await SaveEdit(session.Id, current.Id, version, cancellationToken))
            {
                await janitor.DeleteUnreferencedAsync([stored.ImageKey, stored.ThumbnailKey], CancellationToken.None);
                throw ApiProblem.Conflict(SessionReplaced);
            }
            logger.LogInformation("Edited image session {SessionId}: version {VersionId} from {ParentId} ({Provider}, {DurationMs} ms)",
                session.Id, version.Id, current.Id, provider.Name, version.DurationMs);
            return await ViewOf(userId, result.Bytes, cancellationToken);
        }
        finally
        {
            await ReleaseLease(session.Id);
        }
    }

    /// <summary>The plan's status helper: whether the user has an active session, and its current image.</summary>
    public async Task<SessionView> GetSessionStatus(Guid userId, CancellationToken cancellationToken)
    {
        await EnsureUserExists(userId, cancellationToken);
        return await ViewOf(userId, image: null, cancellationToken);
    }

    /// <summary>Makes the current version's parent current.</summary>
    public Task<SessionView> Undo(Guid userId, CancellationToken cancellationToken) =>
        MoveCurrent(userId, async (session, current) =>
            current.ParentVersionId ?? throw ApiProblem.BadRequest(NothingToUndo), cancellationToken);

    /// <summary>Makes the most recent child of the current version current.</summary>
    public Task<SessionView> Redo(Guid userId, CancellationToken cancellationToken) =>
        MoveCurrent(userId, async (session, current) =>
        {
            var child = await db.ImageVersions.AsNoTracking()
                .Where(v => v.SessionId == session.Id && v.ParentVersionId == current.Id)
                .OrderByDescending(v => v.CreatedAt).Select(v => (Guid?)v.Id).FirstOrDefaultAsync(cancellationToken);
            return child ?? throw ApiProblem.BadRequest(NothingToRedo);
        }, cancellationToken);

    /// <summary>Makes any version of the session current; the next edit branches from it.</summary>
    public Task<SessionView> SelectVersion(Guid userId, Guid versionId, CancellationToken cancellationToken) =>
        MoveCurrent(userId, async (session, current) =>
        {
            var exists = await db.ImageVersions.AnyAsync(v => v.Id == versionId && v.SessionId == session.Id, cancellationToken);
            return exists ? versionId : throw ApiProblem.NotFound(VersionNotFound);
        }, cancellationToken);

    /// <summary>Every version of the user's active session, oldest first.</summary>
    public async Task<(ImageGenerationSession? Session, List<ImageVersion> Versions)> GetHistory(
        Guid userId, CancellationToken cancellationToken)
    {
        await EnsureUserExists(userId, cancellationToken);
        var session = await FindActiveSession(userId, cancellationToken);
        if (session is null)
            return (null, []);
        var versions = await db.ImageVersions.AsNoTracking().Where(v => v.SessionId == session.Id)
            .OrderBy(v => v.CreatedAt).ToListAsync(cancellationToken);
        return (session, versions);
    }

    /// <summary>The bytes of one version of the user's session (or its thumbnail).</summary>
    public async Task<(byte[] Bytes, string MimeType, string Key)> GetVersionImage(
        Guid userId, Guid versionId, bool thumbnail, CancellationToken cancellationToken)
    {
        var version = await db.ImageVersions.AsNoTracking()
            .Where(v => v.Id == versionId && db.ImageGenerationSessions.Any(s => s.Id == v.SessionId && s.UserId == userId))
            .FirstOrDefaultAsync(cancellationToken) ?? throw ApiProblem.NotFound(VersionNotFound);
        var key = thumbnail ? version.ThumbnailKey : version.ImageKey;
        var bytes = await store.GetAsync(key, cancellationToken) ?? throw ApiProblem.NotFound(VersionNotFound);
        return (bytes, thumbnail ? "image/png" : version.MimeType, key);
    }

    private async Task<SessionView> MoveCurrent(
        Guid userId, Func<ImageGenerationSession, ImageVersion, Task<Guid>> target, CancellationToken cancellationToken)
    {
        await EnsureUserExists(userId, cancellationToken);
        var session = await FindActiveSession(userId, cancellationToken) ?? throw ApiProblem.BadRequest(NoActiveSession);
        var now = Now;
        if (session.LeaseUntil > now)
            throw ApiProblem.Conflict(EditRunning);
        var current = await db.ImageVersions.AsNoTracking().FirstAsync(v => v.Id == session.CurrentVersionId, cancellationToken);
        var next = await target(session, current);
        var expires = now + options.Value.SessionIdleTime;
        // One statement: moves only if nobody changed the session meanwhile and no edit holds it.
        var moved = await db.ImageGenerationSessions
            .Where(s => s.Id == session.Id && s.CurrentVersionId == current.Id && (s.LeaseUntil == null || s.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.CurrentVersionId, next)
                .SetProperty(x => x.UpdatedAt, now)
                .SetProperty(x => x.ExpiresAt, expires), cancellationToken);
        if (moved == 0)
            throw ApiProblem.Conflict(EditRunning);
        var prompt = await db.ImageVersions.Where(v => v.Id == next).Select(v => v.Prompt).FirstAsync(cancellationToken);
        await db.ImageGenerationSessions.Where(s => s.Id == session.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastPrompt, prompt), cancellationToken);
        return await ViewOf(userId, image: null, cancellationToken);
    }

    private async Task<bool> SaveEdit(Guid sessionId, Guid parentId, ImageVersion version, CancellationToken cancellationToken)
    {
        var now = Now;
        var expires = now + options.Value.SessionIdleTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.ImageGenerationSessions
            .Where(s => s.Id == sessionId && s.CurrentVersionId == parentId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.CurrentVersionId, version.Id)
                .SetProperty(x => x.LastPrompt, version.Prompt)
                .SetProperty(x => x.UpdatedAt, now)
                .SetProperty(x => x.ExpiresAt, expires), cancellationToken);
        if (updated == 0)
            return false;
        db.ImageVersions.Add(version);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<SessionView> ViewOf(Guid userId, byte[]? image, CancellationToken cancellationToken)
    {
        var session = await FindActiveSession(userId, cancellationToken);
        if (session is null)
            return SessionView.None;
        var current = await db.ImageVersions.AsNoTracking().FirstAsync(v => v.Id == session.CurrentVersionId, cancellationToken);
        image ??= await store.GetAsync(current.ImageKey, cancellationToken);
        var canRedo = await db.ImageVersions.AnyAsync(v => v.SessionId == session.Id && v.ParentVersionId == current.Id, cancellationToken);
        var referencesChanged = false;
        if (session.IdentityId is { } identityId)
        {
            var references = await db.ReferenceImages.AsNoTracking().Where(r => r.IdentityId == identityId).ToListAsync(cancellationToken);
            referencesChanged = ReferenceImages.Hash(references) != session.ReferenceImagesHash;
        }
        return new SessionView(session, current, image, current.ParentVersionId is not null, canRedo, referencesChanged);
    }

    private async Task<ImageGenerationSession?> FindActiveSession(Guid userId, CancellationToken cancellationToken)
    {
        var now = Now;
        return await db.ImageGenerationSessions.AsNoTracking()
            .FirstOrDefaultAsync(s => s.UserId == userId && s.ExpiresAt > now && s.CurrentVersionId != null, cancellationToken);
    }

    private async Task EnsureUserExists(Guid userId, CancellationToken cancellationToken)
    {
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
            throw ApiProblem.NotFound(UserNotFound);
    }

    private async Task ClaimLease(Guid sessionId, CancellationToken cancellationToken)
    {
        var now = Now;
        var until = now + options.Value.EditLeaseTime;
        var claimed = await db.ImageGenerationSessions
            .Where(s => s.Id == sessionId && (s.LeaseUntil == null || s.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseUntil, until), cancellationToken);
        if (claimed == 0)
            throw ApiProblem.Conflict(EditRunning);
    }

    private async Task ReleaseLease(Guid sessionId) =>
        await db.ImageGenerationSessions.Where(s => s.Id == sessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseUntil, (DateTime?)null), CancellationToken.None);

    /// <summary>Reads the reference images from the store once, in order. None is the plan's 400.</summary>
    private async Task<List<ProviderImage>> ReadReferenceImages(IEnumerable<ReferenceImage> rows, CancellationToken cancellationToken)
    {
        var images = new List<ProviderImage>();
        foreach (var row in rows.OrderBy(r => r.Order))
        {
            var bytes = await store.GetAsync(row.StorageKey, cancellationToken);
            if (bytes is null)
            {
                logger.LogWarning("Reference image {ReferenceImageId} is missing from the store", row.Id);
                continue;
            }
            images.Add(new ProviderImage(bytes, row.MimeType));
        }
        if (images.Count == 0)
            throw ApiProblem.BadRequest(ReferenceImagesRequired);
        return images;
    }

    private sealed record StoredImage(string ImageKey, string ThumbnailKey, string MimeType, int Width, int Height);

    /// <summary>Checks the provider's answer is a real image, then stores it and its thumbnail.</summary>
    private async Task<StoredImage> StoreResult(ProviderImage result, CancellationToken cancellationToken)
    {
        var mimeType = ImageInspector.SniffMimeType(result.Bytes);
        if (mimeType is null || ImageInspector.ReadSize(result.Bytes) is not var (width, height))
            throw new ImageProviderFailedException($"The {provider.Name} provider returned bytes that are not a PNG, JPEG or WebP image.");
        var thumbnail = ImageInspector.Thumbnail(result.Bytes);
        var imageKey = await store.PutAsync(result.Bytes, cancellationToken);
        var thumbnailKey = await store.PutAsync(thumbnail, cancellationToken);
        return new StoredImage(imageKey, thumbnailKey, mimeType, width, height);
    }

    private ImageVersion NewVersion(
        Guid sessionId, Guid? parentId, ImageVersionKind kind, string prompt, StoredImage stored, Stopwatch stopwatch,
        string aspectRatio, string resolution) => new()
    {
        Id = Guid.NewGuid(), SessionId = sessionId, ParentVersionId = parentId, Kind = kind, Prompt = prompt,
        Provider = provider.Name, AspectRatio = aspectRatio, Resolution = resolution,
        ImageKey = stored.ImageKey, ThumbnailKey = stored.ThumbnailKey, MimeType = stored.MimeType,
        Width = stored.Width, Height = stored.Height, DurationMs = stopwatch.ElapsedMilliseconds, CreatedAt = Now,
    };
}
