using System.Text.Json;
using Likeness.Api.Data;
using Likeness.Api.Problems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Api.ImageGeneration;

/// <summary>
/// Starts, lists, reads and cancels a user's generate and edit jobs. What can be checked without an image
/// engine is checked here, at once, so a bad request never becomes a job.
/// </summary>
public sealed class ImageJobs(
    LikenessDbContext db,
    ImageGenerationOrchestrator orchestrator,
    ImageJobRunner runner,
    ImageJobFinisher finisher,
    TimeProvider time,
    IOptions<LikenessOptions> options,
    ILogger<ImageJobs> logger)
{
    public const string JobNotFound = "Image job not found.";
    public const string JobFinished = "This image job has already finished.";
    public const string JobCancelled = "This image job was cancelled. Nothing was changed.";
    public const string ServerStopped = "The server stopped while this image was being made. Nothing was changed.";
    public const string EngineBusy = "The image engine is busy with other images. Try again in a minute.";
    public const string BudgetUsedUp = "Your daily image budget is used up.";

    private readonly Dictionary<Guid, Task<SessionView?>> _started = [];

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<ImageJob> StartGenerate(
        Guid userId, Guid identityId, string? additionalPrompt, string aspectRatio, string resolution, CancellationToken cancellationToken,
        string? model = null, string? editMode = null, int? variants = null)
    {
        var count = ImageVariants.Check(variants);
        await orchestrator.ValidateGenerate(userId, identityId, additionalPrompt, cancellationToken);
        await CheckBudget(userId, cancellationToken);
        var job = NewJob(userId, ImageJobKind.Generate, null,
            new ImageJobRequest(identityId, additionalPrompt, aspectRatio, resolution, null, model, editMode, Variants: count));
        await Insert(job, sessionToClaim: null, cancellationToken);
        _started[job.Id] = runner.Start(job);
        return job;
    }

    /// <summary>
    /// Starts an edit of the user's session; with <paramref name="maskPngBase64"/> a region edit (checked here,
    /// before any job: a bad mask is the 400); with <paramref name="variants"/> several images to pick from.
    /// </summary>
    public async Task<ImageJob> StartEdit(
        Guid userId, string? editPrompt, Guid? identityId, CancellationToken cancellationToken, string? maskPngBase64 = null,
        int? variants = null)
    {
        var count = ImageVariants.Check(variants);
        var (prompt, session) = await orchestrator.ValidateEdit(userId, editPrompt, identityId, cancellationToken, maskPngBase64);
        await CheckBudget(userId, cancellationToken);
        var job = NewJob(userId, ImageJobKind.Edit, session.Id,
            new ImageJobRequest(identityId, null, null, null, prompt, MaskPngBase64: maskPngBase64, Variants: count));
        await Insert(job, session.Id, cancellationToken);
        _started[job.Id] = runner.Start(job);
        return job;
    }

    /// <summary>Waits for a job this process runs; a client that goes away stops waiting, the job goes on.</summary>
    public async Task<(ImageJob Job, SessionView? Result)> WaitAsync(Guid jobId, CancellationToken cancellationToken)
    {
        // A job started by this request is waited on through the task its start returned: a quick job may
        // already have left the runner's table of running jobs (and its result with it).
        var result = await (_started.TryGetValue(jobId, out var done) ? done.WaitAsync(cancellationToken) : runner.WaitAsync(jobId, cancellationToken));
        var job = await db.ImageJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, cancellationToken);
        // Succeeded without its answer at hand (it ended on another path than its own work's): read it back.
        if (result is null && job is { Status: ImageJobStatus.Succeeded, VersionId: { } versionId })
            result = await orchestrator.GetVersionView(job.UserId, versionId, cancellationToken);
        return (job, result);
    }

    public async Task<List<ImageJob>> List(Guid userId, ImageJobStatus? status, CancellationToken cancellationToken)
    {
        await orchestrator.EnsureUserExists(userId, cancellationToken);
        var jobs = db.ImageJobs.AsNoTracking().Where(j => j.UserId == userId);
        if (status is { } s)
            jobs = jobs.Where(j => j.Status == s);
        return await jobs.OrderByDescending(j => j.CreatedAt).Take(50).ToListAsync(cancellationToken);
    }

    public async Task<ImageJob> Get(Guid userId, Guid jobId, CancellationToken cancellationToken)
    {
        await orchestrator.EnsureUserExists(userId, cancellationToken);
        return await db.ImageJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.UserId == userId, cancellationToken)
            ?? throw ApiProblem.NotFound(JobNotFound);
    }

    /// <summary>
    /// Asks the job to stop (whichever process runs it) and waits until it has ended, for up to 30 s.
    /// A job that had already finished, or that finished otherwise before the cancel took hold, is the 409.
    /// </summary>
    public async Task<ImageJob> Cancel(Guid userId, Guid jobId, CancellationToken cancellationToken)
    {
        var job = await Get(userId, jobId, cancellationToken);
        if (job.IsFinished)
            throw ApiProblem.Conflict(JobFinished);
        await db.ImageJobs.Where(j => j.Id == jobId && j.ActiveUserId != null)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), cancellationToken);
        runner.Cancel(jobId);
        // The runner (here or in another process) sees the request within a second; wait for the end it writes.
        var deadline = Now + TimeSpan.FromSeconds(30);
        while (true)
        {
            job = await db.ImageJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, cancellationToken);
            if (job.IsFinished || Now > deadline)
                break;
            if (job.LeaseUntil < Now)
                await finisher.SweepAsync(userId, cancellationToken);
            else
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
        if (job.IsFinished && job.Status != ImageJobStatus.Cancelled)
            throw ApiProblem.Conflict(JobFinished);
        return job;
    }

    /// <summary>
    /// <c>Likeness:DailyBudgetUsd</c> (off when unset): once the user's estimated cost today (UTC) reaches it,
    /// generate and edit are refused before any model call, until midnight UTC.
    /// </summary>
    private async Task CheckBudget(Guid userId, CancellationToken cancellationToken)
    {
        if (options.Value.DailyBudgetUsd is not { } budget)
            return;
        var now = Now;
        var today = now.Date;
        var costs = await db.ImageUsage.AsNoTracking()
            .Where(u => u.UserId == userId && u.CreatedAt >= today && u.EstimatedCostUsd != null)
            .Select(u => u.EstimatedCostUsd!.Value).ToListAsync(cancellationToken);
        if (costs.Sum() >= budget)
            throw ApiProblem.TooManyRequests(BudgetUsedUp, today.AddDays(1) - now);
    }

    private ImageJob NewJob(Guid userId, ImageJobKind kind, Guid? sessionId, ImageJobRequest request)
    {
        var now = Now;
        return new ImageJob
        {
            Id = Guid.NewGuid(), UserId = userId, SessionId = sessionId, Kind = kind, Status = ImageJobStatus.Queued,
            Request = JsonSerializer.Serialize(request), Variants = request.Variants, CreatedAt = now, ActiveUserId = userId,
            LeaseToken = Guid.NewGuid(), LeaseUntil = now + options.Value.JobLeaseTime,
        };
    }

    /// <summary>
    /// Adds the job as the user's one active job, and for an edit claims the session's lease, in one
    /// transaction: either both hold or the request is the 409.
    /// </summary>
    private async Task Insert(ImageJob job, Guid? sessionToClaim, CancellationToken cancellationToken)
    {
        // A job whose process died would block the user until the periodic sweep: look now.
        await finisher.SweepAsync(job.UserId, cancellationToken);
        if (await db.ImageJobs.CountAsync(j => j.ActiveUserId != null, cancellationToken) >= options.Value.MaxActiveJobs)
            throw ApiProblem.TooManyRequests(EngineBusy, TimeSpan.FromSeconds(30));
        var now = Now;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.ImageJobs.Add(job);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e)
        {
            logger.LogInformation(e, "User {UserId} already has a running image job", job.UserId);
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            throw ApiProblem.Conflict(ImageGenerationOrchestrator.EditRunning);
        }
        if (sessionToClaim is { } sessionId)
        {
            if (!await ImageSessionLease.ClaimAsync(db, sessionId, job.LeaseToken!.Value, job.LeaseUntil!.Value, now, cancellationToken))
            {
                await transaction.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                throw ApiProblem.Conflict(ImageGenerationOrchestrator.EditRunning);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
