using Likeness.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Storage;

/// <summary>
/// Deletes stored images that no reference image and no image version refers to any more. The store is
/// content-addressed, so one key can be shared: the database decides whether a key is still in use.
/// </summary>
public sealed class ImageJanitor(LikenessDbContext db, IImageStore store, TimeProvider time, ILogger<ImageJanitor> logger)
{
    /// <summary>Keys younger than this are left alone by the sweep: their rows may not be committed yet.</summary>
    public static readonly TimeSpan SweepGrace = TimeSpan.FromMinutes(10);

    public async Task<int> DeleteUnreferencedAsync(IEnumerable<string> candidateKeys, CancellationToken cancellationToken = default)
    {
        var deleted = 0;
        foreach (var key in candidateKeys.Distinct())
        {
            if (await IsReferencedAsync(key, cancellationToken))
                continue;
            await store.DeleteAsync(key, cancellationToken);
            deleted++;
        }
        if (deleted > 0)
            logger.LogInformation("Deleted {Count} unreferenced images from the store", deleted);
        return deleted;
    }

    /// <summary>Walks the whole store and deletes every unreferenced image older than <see cref="SweepGrace"/>.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - SweepGrace;
        var candidates = new List<string>();
        await foreach (var (key, writtenAt) in store.ListAsync(cancellationToken))
            if (writtenAt < cutoff)
                candidates.Add(key);
        return await DeleteUnreferencedAsync(candidates, cancellationToken);
    }

    private async Task<bool> IsReferencedAsync(string key, CancellationToken cancellationToken) =>
        await db.ReferenceImages.AnyAsync(r => r.StorageKey == key || r.ThumbnailKey == key, cancellationToken)
        || await db.ImageVersions.AnyAsync(v => v.ImageKey == key || v.ThumbnailKey == key, cancellationToken)
        || await db.ImageJobEvents.AnyAsync(e => e.ImageKey == key, cancellationToken);
}
