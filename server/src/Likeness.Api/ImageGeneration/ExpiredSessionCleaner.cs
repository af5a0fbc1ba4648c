using Likeness.Api.Data;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Api.ImageGeneration;

/// <summary>Deletes expired sessions (with their versions) and every image nothing refers to any more.</summary>
public sealed class ExpiredSessionCleaner(
    LikenessDbContext db, ImageJanitor janitor, TimeProvider time, IOptions<LikenessOptions> options, ILogger<ExpiredSessionCleaner> logger)
{
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // A session an edit is still holding is left for the next round.
        var expired = db.ImageGenerationSessions.Where(s => s.ExpiresAt <= now).NotHeld(now);
        var versions = db.ImageVersions.Where(v => expired.Any(s => s.Id == v.SessionId));
        var keys = await versions.StoredKeys().ToListAsync(cancellationToken);
        var deleted = await expired.ExecuteDeleteAsync(cancellationToken);
        // Finished jobs are kept a while (a client may still read them), then go with their previews.
        var retired = db.ImageJobs.Where(j => j.ActiveUserId == null && j.FinishedAt < now - options.Value.JobRetention);
        keys.AddRange(await db.ImageJobEvents.Where(e => e.ImageKey != null && retired.Any(j => j.Id == e.JobId))
            .Select(e => e.ImageKey!).ToListAsync(cancellationToken));
        var jobs = await retired.ExecuteDeleteAsync(cancellationToken);
        await janitor.DeleteUnreferencedAsync(keys, cancellationToken);
        var swept = await janitor.SweepAsync(cancellationToken);
        if (deleted > 0 || swept > 0 || jobs > 0)
            logger.LogInformation("Deleted {Sessions} expired image sessions and {Jobs} old jobs, and swept {Images} orphaned images",
                deleted, jobs, swept);
        return deleted;
    }
}

/// <summary>Runs <see cref="ExpiredSessionCleaner"/> at start-up and every <c>Likeness:CleanupInterval</c>.</summary>
public sealed class ExpiredSessionCleanupService(
    IServiceScopeFactory scopes, IOptions<LikenessOptions> options, TimeProvider time, ILogger<ExpiredSessionCleanupService> logger)
    : PeriodicScopedService(scopes, time, logger)
{
    protected override TimeSpan Interval => options.Value.CleanupInterval;

    protected override string Work => "Cleaning up expired image sessions";

    protected override Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<ExpiredSessionCleaner>().RunOnceAsync(cancellationToken);
}
