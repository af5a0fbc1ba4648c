using System.Diagnostics;
using Likeness.Api.Data;
using Likeness.Api.Identities;
using Likeness.Api.Problems;
using Likeness.Api.Providers;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Api.ImageGeneration;

/// <summary>A session as the API shows it: the session, its current version and (generate/edit only) its bytes.</summary>
public sealed record SessionView(
    ImageGenerationSession? Session,
    ImageVersion? Current,
    byte[]? Image,
    bool CanUndo,
    bool CanRedo,
    bool ReferencesChanged,
    ImageJob? RunningJob)
{
    public static SessionView None(ImageJob? runningJob) => new(null, null, null, false, false, false, runningJob);

    /// <summary>The estimated cost of every version of the session (null when none has one).</summary>
    public decimal? CostUsd { get; init; }
}

/// <summary>
/// What a job gives the orchestrator: where to report progress, and the step that marks the job succeeded
/// inside the transaction that saves its version (so a cancelled or abandoned job never changes a session).
/// </summary>
public interface IImageJobRun
{
    Guid LeaseToken { get; }

    /// <summary>The job's id (usage records name it).</summary>
    Guid? JobId => null;

    IImageProgress Progress { get; }

    /// <summary>Called once the image is made, before the saving transaction opens: the progress so far is written.</summary>
    Task BeforeSaveAsync();

    /// <summary>
    /// Inside the saving transaction: marks the job succeeded with <paramref name="versionIds"/> (the current one
    /// first); false when it was cancelled or lost its lease.
    /// </summary>
    Task<bool> SucceedAsync(LikenessDbContext db, Guid sessionId, IReadOnlyList<Guid> versionIds, Func<Task<SessionView>> view,
        CancellationToken cancellationToken);

    /// <summary>One of several variants is made and stored (a <c>variant</c> event; its version is saved with the others).</summary>
    void VariantMade(int index, int variants, Guid versionId, string imageKey, string mimeType, int width, int height) { }

    /// <summary>One of several variants failed; the others go on (a <c>variant</c> event with its error).</summary>
    void VariantFailed(int index, int variants, int status, string detail) { }
}

/// <summary>The job was cancelled, or its lease was taken over, before it could save: nothing was changed.</summary>
public sealed class ImageJobAbandonedException() : Exception("The image job was cancelled or lost its lease before it saved.");

/// <summary>
/// The plan's orchestration layer: start a session, edit it, report its status, and move through its
/// versions. Generate and edit run inside jobs (<see cref="ImageJobRunner"/>); an edit job holds its
/// session's lease, so an edit never loses another one and undo/redo/select wait for it.
/// </summary>
public sealed class ImageGenerationOrchestrator(
    LikenessDbContext db,
    ImageMaker maker,
    ImageChatPaths chatPaths,
    IImageStore store,
    ImageStoreClaims storeClaims,
    IImageProvider provider,
    IImageModelCatalog catalog,
    ImageJanitor janitor,
    TimeProvider time,
    IOptions<LikenessOptions> options,
    ILogger<ImageGenerationOrchestrator> logger)
{
    public const string NoActiveSession = "No active image session. Please generate an image first.";
    public const string EditPromptRequired = "Edit prompt is required.";
    public const string DifferentIdentity = "Current session is for a different identity. Generate a new image to start editing.";
    public const string ReferenceImagesRequired = "Reference images are required for image generation.";
    public const string IdentityDeleted =
        "This session's identity was deleted, and edits need its reference images. Undo, redo, compare and download still work; generate a new image to edit again.";
    public const string VersionNotFound = "Image version not found.";
    public const string MaskNotFound = "This image version has no mask.";
    public const string EditRunning = "Another edit of this image session is still running. Try again when it finishes.";
    public const string SessionReplaced = "The image session was replaced while this edit was running. Your edit was not applied.";
    public const string GenerationRaced = "Another image generation for this user finished first. Try again.";
    public const string NothingToUndo = "Nothing to undo.";
    public const string NothingToRedo = "Nothing to redo.";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>The checks a generate needs before any image work: answered at once, without a job.</summary>
    public async Task ValidateGenerate(Guid userId, Guid identityId, string? additionalPrompt, CancellationToken cancellationToken)
    {
        if (additionalPrompt?.Length > ImagePrompts.MaxAdditionalPromptLength)
            throw ApiProblem.BadRequest($"additional_prompt may be at most {ImagePrompts.MaxAdditionalPromptLength} characters.");
        ImagePrompts.Validate("additional_prompt", additionalPrompt);
        await EnsureUserExists(userId, cancellationToken);
        if (!await db.Identities.AnyAsync(i => i.Id == identityId, cancellationToken))
            throw ApiProblem.NotFound(IdentitiesApi.IdentityNotFound);
        if (!await db.ReferenceImages.AnyAsync(r => r.IdentityId == identityId, cancellationToken))
            throw ApiProblem.BadRequest(ReferenceImagesRequired);
    }

    /// <summary>The checks an edit needs before any image work; returns the trimmed prompt and the session it edits.</summary>
    public async Task<(string EditPrompt, ImageGenerationSession Session)> ValidateEdit(
        Guid userId, string? editPrompt, Guid? identityId, CancellationToken cancellationToken, string? maskPngBase64 = null)
    {
        if (string.IsNullOrWhiteSpace(editPrompt))
            throw ApiProblem.BadRequest(EditPromptRequired);
        editPrompt = editPrompt.Trim();
        if (editPrompt.Length > ImagePrompts.MaxEditPromptLength)
            throw ApiProblem.BadRequest($"edit_prompt may be at most {ImagePrompts.MaxEditPromptLength} characters.");
        ImagePrompts.Validate("edit_prompt", editPrompt);
        await EnsureUserExists(userId, cancellationToken);
        var session = await FindActiveSession(userId, cancellationToken) ?? throw ApiProblem.BadRequest(NoActiveSession);
        var size = await db.ImageVersions.AsNoTracking().Where(v => v.Id == session.CurrentVersionId)
            .Select(v => new { v.Width, v.Height }).FirstAsync(cancellationToken);
        provider.CheckEditPrompt(editPrompt, size.Width, size.Height);
        if (!string.IsNullOrEmpty(maskPngBase64))
        {
            RegionMask.Parse(maskPngBase64, size.Width, size.Height, options.Value.MaskFeatherPixels);
            provider.CheckRegionEditPrompt(editPrompt);
        }
        if (identityId is not null && identityId != session.IdentityId)
            throw ApiProblem.BadRequest(DifferentIdentity);
        // A deleted identity's session keeps its images: an engine that edits from the current image alone
        // (the local one) goes on editing it; one that needs the references cannot, and says why.
        if (session.IdentityId is null)
        {
            if (provider.EditsUseReferenceImages)
                throw ApiProblem.BadRequest(IdentityDeleted);
        }
        else if (!await db.ReferenceImages.AnyAsync(r => r.IdentityId == session.IdentityId, cancellationToken))
            throw ApiProblem.BadRequest(ReferenceImagesRequired);
        return (editPrompt, session);
    }

    /// <summary>Generates the first image of a new session for the user, replacing any session they had.</summary>
    public async Task<SessionView> StartImageSession(
        Guid userId, Guid identityId, string? additionalPrompt, string aspectRatio, string resolution,
        IImageJobRun run, CancellationToken cancellationToken, string? model = null, string? editMode = null, int variants = 1)
    {
        var modelInfo = catalog.Resolve(model);
        editMode = catalog.ResolveEditMode(editMode);
        await ValidateGenerate(userId, identityId, additionalPrompt, cancellationToken);
        var identity = await db.Identities.AsNoTracking().Include(i => i.ReferenceImages)
            .FirstOrDefaultAsync(i => i.Id == identityId, cancellationToken)
            ?? throw ApiProblem.NotFound(IdentitiesApi.IdentityNotFound);
        var references = await maker.ReadReferenceImages(identity.ReferenceImages, cancellationToken);

        var prompt = ImagePrompts.ForGeneration(identity, additionalPrompt);
        var made = await maker.MakeVariants(new ImageRequest
        {
            Prompt = prompt, References = references, AspectRatio = aspectRatio, Resolution = resolution,
            Model = modelInfo.Engine == "local" ? null : modelInfo.Id,
        }, variants, run, finish: null, cancellationToken);
        await run.BeforeSaveAsync();

        var now = Now;
        var session = new ImageGenerationSession
        {
            Id = Guid.NewGuid(), UserId = userId, IdentityId = identity.Id, LastPrompt = prompt,
            ReferenceImagesHash = ReferenceImages.Hash(identity.ReferenceImages),
            AspectRatio = aspectRatio, Resolution = resolution, Model = modelInfo.Id, EditMode = editMode,
            CreatedAt = now, UpdatedAt = now, ExpiresAt = now + options.Value.SessionIdleTime,
        };
        var versions = maker.NewVersions(made, session.Id, null, ImageVersionKind.Generate, prompt, aspectRatio, resolution, modelInfo.Id);
        var version = versions[0];
        version.LastCurrentAt = Now;
        session.CurrentVersionId = version.Id;
        var storedKeys = versions.SelectMany(v => v.StoredKeys()).ToList();

        SessionView view;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // Generate New replaces the session: the old one goes, read-only, to the user's library.
            await ImageSessionLibrary.ArchiveActiveAsync(db, userId, now, cancellationToken);
            db.ImageGenerationSessions.Add(session);
            db.ImageVersions.AddRange(versions);
            db.ImageUsage.AddRange(versions.Select((v, i) => ImageMaker.UsageRecord(userId, run, v, made[i].Result)));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e)
            {
                // Another generation for the same user committed first (the unique index on user_id).
                await transaction.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                await janitor.DeleteUnreferencedAsync(storedKeys, CancellationToken.None);
                // The identity deleted while the image was being made fails the same constraint check.
                if (!await db.Identities.AnyAsync(i => i.Id == identityId, CancellationToken.None))
                    throw ApiProblem.NotFound(IdentitiesApi.IdentityNotFound);
                logger.LogWarning(e, "Concurrent generation for user {UserId}", userId);
                throw ApiProblem.Conflict(GenerationRaced);
            }
            view = SessionView.None(null);
            if (!await run.SucceedAsync(db, session.Id, versions.Select(v => v.Id).ToList(),
                    async () => view = await ViewOf(userId, null, cancellationToken), cancellationToken))
            {
                await transaction.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                await janitor.DeleteUnreferencedAsync(storedKeys, CancellationToken.None);
                throw new ImageJobAbandonedException();
            }
            await transaction.CommitAsync(cancellationToken);
            await storeClaims.ReleaseAsync(); // the version is committed: its images are its own now
        }
        logger.LogInformation("Started image session {SessionId} for user {UserId} ({Provider}, {AspectRatio}, {Resolution}, {Variants} variant(s), {DurationMs} ms)",
            session.Id, userId, provider.Name, aspectRatio, resolution, versions.Count, version.DurationMs);
        return view with { Image = made[0].Result.Image.Bytes };
    }

    /// <summary>
    /// Edits the session's current image: the result becomes a child version and the new current image.
    /// The job that runs it claimed the session's lease when it was created (<see cref="ImageJobs"/>).
    /// </summary>
    public async Task<SessionView> EditImageSession(
        Guid userId, string? editPrompt, Guid? identityId, IImageJobRun run, CancellationToken cancellationToken,
        string? maskPngBase64 = null, int variants = 1)
    {
        var (prompt, session) = await ValidateEdit(userId, editPrompt, identityId, cancellationToken, maskPngBase64);
        if (session.LeaseToken != run.LeaseToken)
            throw ApiProblem.Conflict(SessionReplaced);
        var referenceRows = await db.ReferenceImages.AsNoTracking().Where(r => r.IdentityId == session.IdentityId)
            .OrderBy(r => r.Order).ToListAsync(cancellationToken);

        var current = await db.ImageVersions.AsNoTracking()
            .FirstAsync(v => v.Id == session.CurrentVersionId, cancellationToken);
        var previous = await store.GetAsync(current.ImageKey, cancellationToken)
            ?? throw new ImageProviderFailedException($"The session's current image {current.ImageKey} is missing from the store.");
        // An engine that edits from the previous image alone is spared reading (and decoding) the references.
        var references = provider.EditsUseReferenceImages ? await maker.ReadReferenceImages(referenceRows, cancellationToken) : [];
        var modelId = session.Model ?? catalog.Default.Id;
        var chat = session.EditMode == IImageModelCatalog.Chat ? await chatPaths.For(session, current, cancellationToken) : null;
        var region = string.IsNullOrEmpty(maskPngBase64)
            ? null
            : RegionEdit.Prepare(maskPngBase64, previous, current.Width, current.Height, options.Value.MaskFeatherPixels);

        var made = await maker.MakeVariants(new ImageRequest
        {
            Prompt = prompt, PreviousImage = new ProviderImage(previous, current.MimeType), References = references,
            AspectRatio = session.AspectRatio, Resolution = session.Resolution,
            Model = modelId == LocalModelCatalog.ModelId ? null : modelId, Chat = chat,
            RegionOverlay = region?.Overlay,
        }, variants, run,
            // Only the painted region changes; the model's own image is not kept, so the next chat turn starts afresh.
            finish: region is null ? null : result => result with { Image = region.Composite(result.Image), Answer = null },
            cancellationToken);
        var versions = maker.NewVersions(made, session.Id, current.Id, ImageVersionKind.Edit, prompt,
            session.AspectRatio, session.Resolution, modelId);
        if (region is not null)
        {
            var maskKey = await storeClaims.PutAsync(region.MaskPng, cancellationToken);
            foreach (var variant in versions)
                variant.MaskKey = maskKey;
        }
        await run.BeforeSaveAsync();

        var usage = versions.Select((v, i) => ImageMaker.UsageRecord(userId, run, v, made[i].Result)).ToList();
        var outcome = await SaveEdit(userId, session.Id, current.Id, versions, usage, run, cancellationToken);
        if (outcome is not { } view)
        {
            await janitor.DeleteUnreferencedAsync(versions.SelectMany(v => v.StoredKeys()).Distinct().ToList(), CancellationToken.None);
            throw ApiProblem.Conflict(SessionReplaced);
        }
        logger.LogInformation("Edited image session {SessionId}: version {VersionId} from {ParentId} ({Provider}, {Variants} variant(s), {DurationMs} ms)",
            session.Id, versions[0].Id, current.Id, provider.Name, versions.Count, versions[0].DurationMs);
        return view with { Image = made[0].Result.Image.Bytes };
    }

    /// <summary>The plan's status helper: whether the user has an active session, its current version and running job.</summary>
    public async Task<SessionView> GetSessionStatus(Guid userId, CancellationToken cancellationToken)
    {
        await EnsureUserExists(userId, cancellationToken);
        return await ViewOf(userId, image: null, cancellationToken);
    }

    /// <summary>The session as it stands, with the bytes of <paramref name="versionId"/> (a job's version) as its image.</summary>
    public async Task<SessionView> GetVersionView(Guid userId, Guid versionId, CancellationToken cancellationToken)
    {
        var view = await ViewOf(userId, image: null, cancellationToken);
        var key = await db.ImageVersions.AsNoTracking().Where(v => v.Id == versionId).Select(v => v.ImageKey).FirstOrDefaultAsync(cancellationToken);
        return view with { Image = key is null ? null : await store.GetAsync(key, cancellationToken) };
    }

    /// <summary>Makes the current version's parent current.</summary>
    public Task<SessionView> Undo(Guid userId, CancellationToken cancellationToken) =>
        MoveCurrent(userId, (session, current) =>
            Task.FromResult(current.ParentVersionId ?? throw ApiProblem.BadRequest(NothingToUndo)), cancellationToken);

    /// <summary>
    /// Makes current the child of the current version that was current last (the variant picked, the branch left
    /// by undo), or else the most recent child.
    /// </summary>
    public Task<SessionView> Redo(Guid userId, CancellationToken cancellationToken) =>
        MoveCurrent(userId, async (session, current) =>
        {
            var child = await db.ImageVersions.AsNoTracking()
                .Where(v => v.SessionId == session.Id && v.ParentVersionId == current.Id)
                .OrderByDescending(v => v.LastCurrentAt ?? v.CreatedAt).ThenByDescending(v => v.CreatedAt)
                .Select(v => (Guid?)v.Id).FirstOrDefaultAsync(cancellationToken);
            return child ?? throw ApiProblem.BadRequest(NothingToRedo);
        }, cancellationToken);

    /// <summary>
    /// "undo" or "redo" typed as an edit (<see cref="ImagePrompts.AsVersionCommand"/>): the move, answered like an
    /// edit, with the now current image's bytes.
    /// </summary>
    public async Task<SessionView> ApplyVersionCommand(Guid userId, VersionCommand command, CancellationToken cancellationToken)
    {
        var view = command == VersionCommand.Redo ? await Redo(userId, cancellationToken) : await Undo(userId, cancellationToken);
        var image = view.Current is { } current ? await store.GetAsync(current.ImageKey, cancellationToken) : null;
        return view with { Image = image };
    }

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

    /// <summary>The store key and type of one version's image (or its thumbnail), if the version is the user's.</summary>
    public async Task<(string Key, string MimeType)> GetVersionImageKey(
        Guid userId, Guid versionId, bool thumbnail, CancellationToken cancellationToken)
    {
        return await db.ImageVersions
            .Where(v => v.Id == versionId
                        && db.ImageGenerationSessions.Any(s => s.Id == v.SessionId && s.UserId == userId && s.ArchivedAt == null))
            .ImageKeyAsync(thumbnail, cancellationToken) ?? throw ApiProblem.NotFound(VersionNotFound);
    }

    /// <summary>The store key of a region edit's mask (a greyscale PNG), if the version is the user's and has one.</summary>
    public async Task<string> GetVersionMaskKey(Guid userId, Guid versionId, CancellationToken cancellationToken) =>
        await db.ImageVersions.AsNoTracking()
            .Where(v => v.Id == versionId && v.MaskKey != null
                        && db.ImageGenerationSessions.Any(s => s.Id == v.SessionId && s.UserId == userId && s.ArchivedAt == null))
            .Select(v => v.MaskKey!)
            .FirstOrDefaultAsync(cancellationToken) ?? throw ApiProblem.NotFound(MaskNotFound);

    private async Task<SessionView> MoveCurrent(
        Guid userId, Func<ImageGenerationSession, ImageVersion, Task<Guid>> target, CancellationToken cancellationToken)
    {
        await EnsureUserExists(userId, cancellationToken);
        var session = await FindActiveSession(userId, cancellationToken) ?? throw ApiProblem.BadRequest(NoActiveSession);
        var now = Now;
        if (session.IsHeld(now))
            throw ApiProblem.Conflict(EditRunning);
        var current = await db.ImageVersions.AsNoTracking().FirstAsync(v => v.Id == session.CurrentVersionId, cancellationToken);
        var next = await target(session, current);
        var prompt = await db.ImageVersions.Where(v => v.Id == next).Select(v => v.Prompt).FirstAsync(cancellationToken);
        var expires = now + options.Value.SessionIdleTime;
        // One statement: moves only if nobody changed the session meanwhile and no edit holds it.
        var moved = await db.ImageGenerationSessions
            .Where(s => s.Id == session.Id && s.ArchivedAt == null && s.CurrentVersionId == current.Id).NotHeld(now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.CurrentVersionId, next)
                .SetProperty(x => x.LastPrompt, prompt)
                .SetProperty(x => x.UpdatedAt, now)
                .SetProperty(x => x.ExpiresAt, expires), cancellationToken);
        if (moved == 0)
            throw ApiProblem.Conflict(EditRunning);
        await db.ImageVersions.Where(v => v.Id == next).ExecuteUpdateAsync(s => s.SetProperty(v => v.LastCurrentAt, now), cancellationToken);
        return await ViewOf(userId, image: null, cancellationToken);
    }

    /// <summary>
    /// Saves an edit's versions (its variants, the first becoming current) if the session still stands where the
    /// edit started and this job holds it.
    /// </summary>
    private async Task<SessionView?> SaveEdit(
        Guid userId, Guid sessionId, Guid parentId, IReadOnlyList<ImageVersion> versions, IReadOnlyList<ImageUsageRecord> usage,
        IImageJobRun run, CancellationToken cancellationToken)
    {
        var now = Now;
        var expires = now + options.Value.SessionIdleTime;
        var token = run.LeaseToken;
        var current = versions[0];
        current.LastCurrentAt = now;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.ImageGenerationSessions
            .Where(s => s.Id == sessionId && s.ArchivedAt == null && s.CurrentVersionId == parentId && s.LeaseToken == token)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.CurrentVersionId, current.Id)
                .SetProperty(x => x.LastPrompt, current.Prompt)
                .SetProperty(x => x.UpdatedAt, now)
                .SetProperty(x => x.ExpiresAt, expires)
                .EndLease(), cancellationToken);
        if (updated == 0)
            return null;
        db.ImageVersions.AddRange(versions);
        db.ImageUsage.AddRange(usage);
        await db.SaveChangesAsync(cancellationToken);
        SessionView view = SessionView.None(null);
        if (!await run.SucceedAsync(db, sessionId, versions.Select(v => v.Id).ToList(),
                async () => view = await ViewOf(userId, null, cancellationToken), cancellationToken))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            throw new ImageJobAbandonedException();
        }
        await transaction.CommitAsync(cancellationToken);
        await storeClaims.ReleaseAsync();
        return view;
    }

    private async Task<SessionView> ViewOf(Guid userId, byte[]? image, CancellationToken cancellationToken)
    {
        var runningJob = await db.ImageJobs.AsNoTracking().FirstOrDefaultAsync(j => j.ActiveUserId == userId, cancellationToken);
        var session = await FindActiveSession(userId, cancellationToken);
        if (session is null)
            return SessionView.None(runningJob);
        var current = await db.ImageVersions.AsNoTracking().FirstAsync(v => v.Id == session.CurrentVersionId, cancellationToken);
        var canRedo = await db.ImageVersions.AnyAsync(v => v.SessionId == session.Id && v.ParentVersionId == current.Id, cancellationToken);
        var referencesChanged = false;
        if (session.IdentityId is { } identityId)
        {
            var references = await db.ReferenceImages.AsNoTracking().Where(r => r.IdentityId == identityId).ToListAsync(cancellationToken);
            referencesChanged = ReferenceImages.Hash(references) != session.ReferenceImagesHash;
        }
        var costs = await db.ImageVersions.AsNoTracking().Where(v => v.SessionId == session.Id && v.EstimatedCostUsd != null)
            .Select(v => v.EstimatedCostUsd!.Value).ToListAsync(cancellationToken);
        return new SessionView(session, current, image, current.ParentVersionId is not null, canRedo, referencesChanged, runningJob)
        {
            CostUsd = costs.Count == 0 ? null : costs.Sum(),
        };
    }

    private async Task<ImageGenerationSession?> FindActiveSession(Guid userId, CancellationToken cancellationToken)
    {
        var now = Now;
        return await db.ImageGenerationSessions.AsNoTracking()
            .FirstOrDefaultAsync(s => s.UserId == userId && s.ArchivedAt == null && s.ExpiresAt > now && s.CurrentVersionId != null,
                cancellationToken);
    }

    public async Task EnsureUserExists(Guid userId, CancellationToken cancellationToken)
    {
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
            throw ApiProblem.NotFound(Users.UsersApi.UserNotFound);
    }
}
