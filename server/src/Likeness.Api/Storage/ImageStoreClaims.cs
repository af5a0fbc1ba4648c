using Likeness.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Likeness.Api.Storage;

/// <summary>
/// A key some request is writing and has not yet committed a row for. The store is content-addressed, so
/// a blob another request is about to refer to may look unreferenced; while a claim is in flight (and
/// younger than <see cref="ImageJanitor.ClaimGrace"/>, in case its request died), the janitor leaves the
/// blob alone. The janitor deletes with the claim's row locked, so a writer claiming the key waits for it.
/// </summary>
public class ImageStoreClaim
{
    public required string Key { get; set; }
    /// <summary>Requests holding the key right now.</summary>
    public int InFlight { get; set; }
    public DateTime ClaimedAt { get; set; }
}

/// <summary>The <c>image_store_claims</c> table (ImageStoreClaims and ImageJanitor also write it in SQL, by these names).</summary>
public sealed class ImageStoreClaimConfiguration : IEntityTypeConfiguration<ImageStoreClaim>
{
    public void Configure(EntityTypeBuilder<ImageStoreClaim> e) =>
        e.ToTable("image_store_claims").HasMaxLength(ImageKeys.Length, c => c.Key).HasKey(c => c.Key);
}

/// <summary>
/// Puts images into the store under a claim, and releases every claim when the scope (the request or the
/// job) ends, after it committed the rows that refer to them. Writers use this, never the store directly.
/// </summary>
public sealed class ImageStoreClaims(LikenessDbContext db, IImageStore store, TimeProvider time, ILogger<ImageStoreClaims> logger)
    : IAsyncDisposable, IDisposable
{
    private readonly List<string> _held = [];

    /// <summary>Claims the bytes' key, then stores them; returns the key.</summary>
    public async Task<string> PutAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        var key = FileSystemImageStore.KeyOf(bytes);
        var now = time.GetUtcNow().UtcDateTime;
        // Waits while the janitor is deleting this key (it holds the row), then the blob is written again.
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO image_store_claims ("Key", "InFlight", "ClaimedAt") VALUES ({key}, 1, {now}) ON CONFLICT ("Key") DO UPDATE SET "InFlight" = image_store_claims."InFlight" + 1, "ClaimedAt" = excluded."ClaimedAt" """,
            cancellationToken);
        _held.Add(key);
        var stored = await store.PutAsync(bytes, cancellationToken);
        if (stored != key)
            throw new InvalidOperationException($"The image store keyed the bytes {stored}, not their SHA-256 {key}.");
        return key;
    }

    /// <summary>
    /// Ends this scope's claims (its rows are committed, or it gave up). Never fails: it runs after a commit, and a
    /// claim left in flight only delays deleting its blob until the claim grace has passed.
    /// </summary>
    public async Task ReleaseAsync()
    {
        try
        {
            foreach (var key in _held.ToList())
            {
                await db.Database.ExecuteSqlAsync(
                    $"""UPDATE image_store_claims SET "InFlight" = "InFlight" - 1 WHERE "Key" = {key} AND "InFlight" > 0""");
                _held.Remove(key);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Releasing {Count} image store claims failed; they lapse after the claim grace", _held.Count);
            _held.Clear();
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync() => await ReleaseAsync();
}
