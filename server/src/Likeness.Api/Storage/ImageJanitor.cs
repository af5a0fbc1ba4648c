using Likeness.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Storage;

/// <summary>
/// Deletes stored images that no reference image, image version or job preview refers to and no request
/// is writing (<see cref="ImageStoreClaims"/>). The store is content-addressed, so one key can be shared:
/// each delete re-checks inside a transaction that holds the key's claim row, so a request that claims
/// the key meanwhile waits and then writes the blob again; nothing it commits can point at a lost image.
/// </summary>
public sealed class ImageJanitor(LikenessDbContext db, IImageStore store, TimeProvider time, ILogger<ImageJanitor> logger)
{
    /// <summary>Temporary files younger than this may still be being written (by another replica): the sweep leaves them.</summary>
    public static readonly TimeSpan SweepGrace = TimeSpan.FromMinutes(10);

    /// <summary>A claim older than this belongs to a request that died: it no longer protects its blob.</summary>
    public static readonly TimeSpan ClaimGrace = TimeSpan.FromMinutes(10);

    public async Task<int> DeleteUnreferencedAsync(IEnumerable<string> candidateKeys, CancellationToken cancellationToken = default)
    {
        var deleted = 0;
        foreach (var key in candidateKeys.Distinct())
            if (await TryDeleteAsync(key, cancellationToken))
                deleted++;
        if (deleted > 0)
            logger.LogInformation("Deleted {Count} unreferenced images from the store", deleted);
        return deleted;
    }

    /// <summary>
    /// Walks the whole store and deletes every image that nothing refers to and no request is writing
    /// (whatever its age: every writer claims its key before it writes), removes temporary files a dead
    /// process left, and forgets claims whose requests are long gone. Runs at start-up and every
    /// <c>Likeness:CleanupInterval</c>.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var candidates = new List<string>();
        await foreach (var (key, _) in store.ListAsync(cancellationToken))
            candidates.Add(key);
        var deleted = await DeleteUnreferencedAsync(candidates, cancellationToken);
        if (store is FileSystemImageStore files && files.RemoveLeftoverTemporaryFiles(SweepGrace) is > 0 and var removed)
            logger.LogInformation("Removed {Count} temporary files left by an interrupted write", removed);
        var stale = time.GetUtcNow().UtcDateTime - ClaimGrace;
        await db.ImageStoreClaims.Where(c => c.ClaimedAt < stale).ExecuteDeleteAsync(cancellationToken);
        return deleted;
    }

    private async Task<bool> TryDeleteAsync(string key, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - ClaimGrace;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Lock the key's claim row (made if missing): a writer claiming the key now waits for this transaction.
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO image_store_claims ("Key", "InFlight", "ClaimedAt") VALUES ({key}, 0, {DateTime.UnixEpoch}) ON CONFLICT ("Key") DO UPDATE SET "InFlight" = image_store_claims."InFlight" """,
            cancellationToken);
        var claim = await db.ImageStoreClaims.AsNoTracking().FirstAsync(c => c.Key == key, cancellationToken);
        if ((claim.InFlight > 0 && claim.ClaimedAt > cutoff) || await IsReferencedAsync(key, cancellationToken))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return false;
        }
        await store.DeleteAsync(key, cancellationToken);
        await db.ImageStoreClaims.Where(c => c.Key == key).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<bool> IsReferencedAsync(string key, CancellationToken cancellationToken) =>
        await db.ReferenceImages.AnyAsync(r => r.StorageKey == key || r.ThumbnailKey == key, cancellationToken)
        || await db.ImageVersions.AnyAsync(v => v.ImageKey == key || v.ThumbnailKey == key || v.MaskKey == key, cancellationToken)
        || await db.ImageJobEvents.AnyAsync(e => e.ImageKey == key, cancellationToken);
}
