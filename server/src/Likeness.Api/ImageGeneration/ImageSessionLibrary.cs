using System.Data.Common;
using Likeness.Api.Data;
using Likeness.Api.Identities;
using Likeness.Api.Problems;
using Likeness.Api.Providers;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Api.ImageGeneration;

/// <summary>A session of the library as the list shows it: the session, its identity's name (null once deleted), its versions.</summary>
public sealed record LibraryEntry(ImageGenerationSession Session, string? IdentityName, int VersionCount, ImageVersion? Current);

/// <summary>
/// The user's library: the sessions Generate New (or a start from a photo, or a reopen) replaced, kept read-only
/// until they expire like any session (<c>Likeness:SessionIdleTime</c> after their last use). One of them can be
/// reopened as the active session, which sends the active one to the library; the one-active-session rule is the
/// database's (a unique index on the user over the sessions that are not archived).
/// </summary>
public sealed class ImageSessionLibrary(
    LikenessDbContext db,
    ImageGenerationOrchestrator orchestrator,
    ImageStoreClaims storeClaims,
    ImageJanitor janitor,
    TimeProvider time,
    IOptions<LikenessOptions> options,
    ILogger<ImageSessionLibrary> logger)
{
    public const string LibrarySessionNotFound = "Library session not found.";
    public const string JobRunning = "An image is still being made. Try again when it finishes.";
    public const string UploadedPrompt = "Your photo";
    public const string UploadProvider = "upload";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Sends the user's active session (if any) to the library; inside the caller's transaction. With
    /// <paramref name="unlessHeld"/>, not while an edit holds its lease.
    /// </summary>
    public static Task<int> ArchiveActiveAsync(
        LikenessDbContext db, Guid userId, DateTime now, CancellationToken cancellationToken, bool unlessHeld = false)
    {
        var active = db.ImageGenerationSessions.Where(s => s.UserId == userId && s.ArchivedAt == null);
        if (unlessHeld)
            active = active.NotHeld(now);
        return active.ExecuteUpdateAsync(s => s.SetProperty(x => x.ArchivedAt, now).EndLease(), cancellationToken);
    }

    /// <summary>The library, the most recently replaced first; expired sessions (not yet swept) are left out.</summary>
    public async Task<List<LibraryEntry>> List(Guid userId, CancellationToken cancellationToken)
    {
        await orchestrator.EnsureUserExists(userId, cancellationToken);
        var now = Now;
        var sessions = await Library(userId, now).AsNoTracking().OrderByDescending(s => s.ArchivedAt).ToListAsync(cancellationToken);
        var ids = sessions.Select(s => s.Id).ToList();
        var counts = await db.ImageVersions.Where(v => ids.Contains(v.SessionId)).GroupBy(v => v.SessionId)
            .Select(g => new { SessionId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.SessionId, g => g.Count, cancellationToken);
        var currentIds = sessions.Where(s => s.CurrentVersionId != null).Select(s => s.CurrentVersionId!.Value).ToList();
        var currents = await db.ImageVersions.AsNoTracking().Where(v => currentIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, cancellationToken);
        var identityIds = sessions.Where(s => s.IdentityId != null).Select(s => s.IdentityId!.Value).Distinct().ToList();
        var names = await db.Identities.Where(i => identityIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Name, cancellationToken);
        return sessions.Select(s => new LibraryEntry(s,
            s.IdentityId is { } identityId ? names.GetValueOrDefault(identityId) : null,
            counts.GetValueOrDefault(s.Id),
            s.CurrentVersionId is { } currentId ? currents.GetValueOrDefault(currentId) : null)).ToList();
    }

    /// <summary>Every version of one library session, oldest first.</summary>
    public async Task<(ImageGenerationSession Session, List<ImageVersion> Versions)> History(
        Guid userId, Guid sessionId, CancellationToken cancellationToken)
    {
        await orchestrator.EnsureUserExists(userId, cancellationToken);
        var session = await Library(userId, Now).AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken)
            ?? throw ApiProblem.NotFound(LibrarySessionNotFound);
        var versions = await db.ImageVersions.AsNoTracking().Where(v => v.SessionId == session.Id)
            .OrderBy(v => v.CreatedAt).ToListAsync(cancellationToken);
        return (session, versions);
    }

    /// <summary>The store key and type of one version's image (or thumbnail) in one of the user's library sessions.</summary>
    public async Task<(string Key, string MimeType)> VersionImageKey(
        Guid userId, Guid sessionId, Guid versionId, bool thumbnail, CancellationToken cancellationToken)
    {
        var library = Library(userId, Now).Where(s => s.Id == sessionId);
        return await db.ImageVersions
            .Where(v => v.Id == versionId && v.SessionId == sessionId && library.Any())
            .ImageKeyAsync(thumbnail, cancellationToken) ?? throw ApiProblem.NotFound(ImageGenerationOrchestrator.VersionNotFound);
    }

    /// <summary>
    /// Makes a library session the active one again (its idle time starts over) and sends the active one to the
    /// library. Refused (409) while a job runs for the user or an edit holds the active session.
    /// </summary>
    public async Task Reopen(Guid userId, Guid sessionId, CancellationToken cancellationToken)
    {
        await orchestrator.EnsureUserExists(userId, cancellationToken);
        var now = Now;
        if (!await Library(userId, now).AnyAsync(s => s.Id == sessionId, cancellationToken))
            throw ApiProblem.NotFound(LibrarySessionNotFound);
        if (await db.ImageJobs.AnyAsync(j => j.ActiveUserId == userId, cancellationToken))
            throw ApiProblem.Conflict(JobRunning);
        var expires = now + options.Value.SessionIdleTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await ArchiveActiveUnlessHeld(userId, now, transaction, cancellationToken);
        int reopened;
        try
        {
            reopened = await Library(userId, now).Where(s => s.Id == sessionId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.ArchivedAt, (DateTime?)null)
                    .SetProperty(x => x.UpdatedAt, now)
                    .SetProperty(x => x.ExpiresAt, expires), cancellationToken);
        }
        catch (Exception e) when (e is DbException or DbUpdateException)
        {
            // Another request made an active session meanwhile (the unique index on the user's active session).
            await transaction.RollbackAsync(CancellationToken.None);
            logger.LogInformation(e, "Reopening library session {SessionId} raced another change for user {UserId}", sessionId, userId);
            throw ApiProblem.Conflict(JobRunning);
        }
        if (reopened == 0)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw ApiProblem.NotFound(LibrarySessionNotFound);
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Reopened library session {SessionId} for user {UserId}", sessionId, userId);
    }

    /// <summary>Deletes a library session and its versions, then every image of theirs nothing else refers to.</summary>
    public async Task Delete(Guid userId, Guid sessionId, CancellationToken cancellationToken)
    {
        await orchestrator.EnsureUserExists(userId, cancellationToken);
        // Expired sessions are the cleaner's; a library session is found by owner and state in the same WHERE.
        var session = db.ImageGenerationSessions.Where(s => s.Id == sessionId && s.UserId == userId && s.ArchivedAt != null);
        var keys = await db.ImageVersions.Where(v => session.Any(s => s.Id == v.SessionId)).StoredKeys().ToListAsync(cancellationToken);
        if (await session.ExecuteDeleteAsync(cancellationToken) == 0)
            throw ApiProblem.NotFound(LibrarySessionNotFound);
        await janitor.DeleteUnreferencedAsync(keys, CancellationToken.None);
    }

    /// <summary>
    /// Starts a session from the user's own photo (already read and decoded): it becomes version 1, kind
    /// <c>upload</c>, and the active session goes to the library, as with Generate New.
    /// </summary>
    public async Task StartFromUpload(Guid userId, Guid identityId, UploadedImage image, CancellationToken cancellationToken)
    {
        await orchestrator.ValidateGenerate(userId, identityId, null, cancellationToken);
        if (await db.ImageJobs.AnyAsync(j => j.ActiveUserId == userId, cancellationToken))
            throw ApiProblem.Conflict(JobRunning);
        var references = await db.ReferenceImages.AsNoTracking().Where(r => r.IdentityId == identityId).ToListAsync(cancellationToken);
        var imageKey = await storeClaims.PutAsync(image.Bytes, cancellationToken);
        var thumbnailKey = await storeClaims.PutAsync(image.Thumbnail, cancellationToken);

        var now = Now;
        var (width, height) = (image.Facts.Width, image.Facts.Height);
        var aspectRatio = NearestAspectRatio(width, height);
        var resolution = Math.Max(width, height) switch { <= 1024 => "1K", <= 2048 => "2K", _ => "4K" };
        var session = new ImageGenerationSession
        {
            Id = Guid.NewGuid(), UserId = userId, IdentityId = identityId, LastPrompt = UploadedPrompt,
            ReferenceImagesHash = ReferenceImages.Hash(references),
            AspectRatio = aspectRatio, Resolution = resolution,
            CreatedAt = now, UpdatedAt = now, ExpiresAt = now + options.Value.SessionIdleTime,
        };
        var version = new ImageVersion
        {
            Id = Guid.NewGuid(), SessionId = session.Id, Kind = ImageVersionKind.Upload, Prompt = UploadedPrompt,
            Provider = UploadProvider, AspectRatio = aspectRatio, Resolution = resolution,
            ImageKey = imageKey, ThumbnailKey = thumbnailKey, MimeType = image.Facts.MimeType,
            Width = width, Height = height, CreatedAt = now,
        };
        session.CurrentVersionId = version.Id;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await ArchiveActiveUnlessHeld(userId, now, transaction, cancellationToken);
            db.ImageGenerationSessions.Add(session);
            db.ImageVersions.Add(version);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                if (!await db.Identities.AnyAsync(i => i.Id == identityId, CancellationToken.None))
                    throw ApiProblem.NotFound(IdentitiesApi.IdentityNotFound);
                logger.LogInformation(e, "Starting from an upload raced another change for user {UserId}", userId);
                throw ApiProblem.Conflict(JobRunning);
            }
            await transaction.CommitAsync(cancellationToken);
            await storeClaims.ReleaseAsync(); // the version is committed: the images are its own now
        }
        catch
        {
            await storeClaims.ReleaseAsync();
            await janitor.DeleteUnreferencedAsync([imageKey, thumbnailKey], CancellationToken.None);
            throw;
        }
        logger.LogInformation("Started image session {SessionId} for user {UserId} from an uploaded {Width}×{Height} image",
            session.Id, userId, width, height);
    }

    /// <summary>The accepted aspect ratio closest to the image's (an edit keeps the session's ratio and resolution).</summary>
    public static string NearestAspectRatio(int width, int height)
    {
        var ratio = Math.Log((double)width / height);
        return ImageFormats.AspectRatios.MinBy(a =>
        {
            var parts = a.Split(':');
            return Math.Abs(Math.Log(double.Parse(parts[0]) / double.Parse(parts[1])) - ratio);
        })!;
    }

    /// <summary>The user's library: sessions a newer one replaced, not yet expired.</summary>
    private IQueryable<ImageGenerationSession> Library(Guid userId, DateTime now) =>
        db.ImageGenerationSessions.Where(s => s.UserId == userId && s.ArchivedAt != null && s.ExpiresAt > now);

    /// <summary>Archives the active session unless an edit holds it (then the 409, and the transaction is rolled back).</summary>
    private async Task ArchiveActiveUnlessHeld(
        Guid userId, DateTime now, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        await ArchiveActiveAsync(db, userId, now, cancellationToken, unlessHeld: true);
        if (await db.ImageGenerationSessions.AnyAsync(s => s.UserId == userId && s.ArchivedAt == null, cancellationToken))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw ApiProblem.Conflict(JobRunning);
        }
    }
}
