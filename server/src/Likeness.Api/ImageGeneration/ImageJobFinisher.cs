using System.Text.Json;
using Likeness.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Api.ImageGeneration;

/// <summary>
/// Ends jobs that did not succeed (failed, cancelled, or their process died) and frees what they held.
/// Every end is one conditional update on the lease's owner token, so exactly one party ends a job.
/// </summary>
public sealed class ImageJobFinisher(
    LikenessDbContext db,
    ImageJobSignal signal,
    TimeProvider time,
    ILogger<ImageJobFinisher> logger)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Ends the job as <paramref name="status"/> (failed or cancelled) if <paramref name="leaseToken"/> still
    /// holds it, releases its session lease and writes the terminal event. False when someone else ended it.
    /// </summary>
    public async Task<bool> FinishAsync(
        Guid jobId, Guid leaseToken, ImageJobStatus status, int? errorStatus, string? errorDetail,
        DateTime? onlyIfLeaseExpiredBy = null, CancellationToken cancellationToken = default, int? retryAfterSeconds = null)
    {
        var now = Now;
        // A detail longer than its column would make PostgreSQL refuse the whole update, and the job would never end.
        errorDetail = errorDetail?.Shorten(ImageJob.ErrorDetailMaxLength);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var jobs = db.ImageJobs.Where(j => j.Id == jobId && j.LeaseToken == leaseToken && j.ActiveUserId != null);
        if (onlyIfLeaseExpiredBy is { } cutoff)
            jobs = jobs.Where(j => j.LeaseUntil < cutoff);
        var ended = await jobs.ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, status)
            .SetProperty(j => j.ErrorStatus, errorStatus)
            .SetProperty(j => j.ErrorDetail, errorDetail)
            .SetProperty(j => j.ErrorRetryAfterSeconds, retryAfterSeconds)
            .SetProperty(j => j.FinishedAt, now)
            .SetProperty(j => j.Stage, (Providers.ImageJobStage?)null)
            .SetProperty(j => j.ActiveUserId, (Guid?)null)
            .SetProperty(j => j.LeaseUntil, (DateTime?)null), cancellationToken);
        if (ended == 0)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return false;
        }
        await ImageSessionLease.ReleaseAsync(db, leaseToken, cancellationToken);
        db.ImageJobEvents.Add(status == ImageJobStatus.Cancelled
            ? new ImageJobEvent { JobId = jobId, Name = ImageJobEventNames.Cancelled, Data = "{}", CreatedAt = now }
            : new ImageJobEvent
            {
                JobId = jobId, Name = ImageJobEventNames.Failed, CreatedAt = now,
                Data = JsonSerializer.Serialize(new { status = errorStatus, detail = errorDetail }),
            });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        signal.Notify(jobId);
        return true;
    }

    /// <summary>Fails every job (of one user, or all) whose runner lease ran out: its process died.</summary>
    public async Task<int> SweepAsync(Guid? userId = null, CancellationToken cancellationToken = default)
    {
        var now = Now;
        var stale = db.ImageJobs.AsNoTracking().Where(j => j.ActiveUserId != null && j.LeaseUntil < now);
        if (userId is { } id)
            stale = stale.Where(j => j.UserId == id);
        var failed = 0;
        foreach (var job in await stale.Select(j => new { j.Id, j.LeaseToken }).ToListAsync(cancellationToken))
        {
            if (await FinishAsync(job.Id, job.LeaseToken!.Value, ImageJobStatus.Failed, StatusCodes.Status500InternalServerError,
                    ImageJobs.ServerStopped, onlyIfLeaseExpiredBy: now, cancellationToken))
            {
                logger.LogError("Image job {JobId} failed: the process running it stopped renewing its lease", job.Id);
                failed++;
            }
        }
        return failed;
    }
}

/// <summary>Fails jobs whose process died: once at start-up, then every <c>Likeness:JobSweepInterval</c>.</summary>
public sealed class ImageJobSweepService(
    IServiceScopeFactory scopes, IOptions<LikenessOptions> options, TimeProvider time, ILogger<ImageJobSweepService> logger)
    : PeriodicScopedService(scopes, time, logger)
{
    protected override TimeSpan Interval => options.Value.JobSweepInterval;

    protected override string Work => "Looking for image jobs whose process stopped";

    protected override Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<ImageJobFinisher>().SweepAsync(null, cancellationToken);
}

/// <summary>
/// Wakes this process's event streams when a job here writes an event. Streams of jobs run by another
/// process do not hear it and look in the database every <c>Likeness:JobEventPollInterval</c> instead.
/// </summary>
public sealed class ImageJobSignal
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, TaskCompletionSource> _waiters = new();

    /// <summary>A task that completes at the job's next event; take it before reading, then await it.</summary>
    public Task NextEvent(Guid jobId) =>
        _waiters.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(Guid jobId)
    {
        if (_waiters.TryRemove(jobId, out var waiter))
            waiter.TrySetResult();
    }
}
