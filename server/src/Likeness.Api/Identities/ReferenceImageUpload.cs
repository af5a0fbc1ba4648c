using Likeness.Api.Data;
using Likeness.Api.Problems;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Identities;

/// <summary>
/// Adds uploaded images to an identity's references: all or nothing, and never past
/// <see cref="ReferenceImages.MaxPerIdentity"/>, even when uploads to the same identity race.
/// </summary>
public sealed class ReferenceImageUpload(LikenessDbContext db, ImageStoreClaims storeClaims, TimeProvider time)
{
    public const string NoFiles = "No files were sent. Send one or more images as multipart parts named 'files'.";
    public const string ChangedMeanwhile = "The identity's reference images are being changed by another request. Try again.";

    /// <summary>How often an upload that lost a race re-reads the identity before it gives up with a 409.</summary>
    private const int MaxAttempts = 5;

    /// <summary>Validates every file, then stores them and adds their rows in one transaction; returns the new rows.</summary>
    public async Task<List<ReferenceImage>> AddAsync(Identity identity, IReadOnlyList<IFormFile> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
            throw ApiProblem.BadRequest(NoFiles);
        // Checked before decoding anything (cheap refusal), and again when the rows are added (races).
        CheckLimit(identity.ReferenceImages.Count, files.Count);

        // Validate every file before storing any, so an upload is all or nothing.
        var accepted = new List<(IFormFile File, UploadedImage Image)>();
        foreach (var file in files)
            accepted.Add((file, await ImageUploads.ReadAsync(file, "a reference image", cancellationToken)));

        // Two uploads at once must not both pass the limit: each claims the identity by moving its updated_at
        // from the value it checked the count against, in the transaction that adds the rows. The loser of a
        // race re-reads and re-checks (its files are already validated), so parallel uploads that fit all land.
        for (var attempt = 1; ; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var state = await db.Identities.AsNoTracking().Where(i => i.Id == identity.Id)
                .Select(i => new { i.UpdatedAt, Count = i.ReferenceImages.Count(), MaxOrder = i.ReferenceImages.Max(r => (int?)r.Order) })
                .FirstOrDefaultAsync(cancellationToken) ?? throw ApiProblem.NotFound(IdentitiesApi.IdentityNotFound);
            CheckLimit(state.Count, accepted.Count);
            var now = time.GetUtcNow().UtcDateTime;
            var claimed = await db.Identities.Where(i => i.Id == identity.Id && i.UpdatedAt == state.UpdatedAt)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.UpdatedAt, now), cancellationToken);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                if (attempt < MaxAttempts)
                    continue;
                throw ApiProblem.Conflict(ChangedMeanwhile);
            }

            var order = (state.MaxOrder ?? -1) + 1;
            var added = new List<ReferenceImage>();
            foreach (var (file, image) in accepted)
            {
                var key = await storeClaims.PutAsync(image.Bytes, cancellationToken);
                var thumbnailKey = await storeClaims.PutAsync(image.Thumbnail, cancellationToken);
                var row = new ReferenceImage
                {
                    Id = Guid.NewGuid(), IdentityId = identity.Id, StorageKey = key, ThumbnailKey = thumbnailKey,
                    MimeType = image.Facts.MimeType, Width = image.Facts.Width, Height = image.Facts.Height,
                    SizeBytes = image.Bytes.Length, Sha256 = key, Order = order++, FileName = ShortFileName(file.FileName), CreatedAt = now,
                };
                db.ReferenceImages.Add(row);
                added.Add(row);
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await storeClaims.ReleaseAsync(); // the rows are committed: the blobs are theirs now
            return added;
        }
    }

    private static void CheckLimit(int existing, int sent)
    {
        if (existing + sent > ReferenceImages.MaxPerIdentity)
            throw ApiProblem.BadRequest(
                $"An identity can have at most {ReferenceImages.MaxPerIdentity} reference images; " +
                $"this one has {existing} and {sent} more were sent.");
    }

    /// <summary>
    /// The client's file name without its folders or control characters (PostgreSQL refuses a NUL), cut to the
    /// characters the column holds (keeping the extension): it is only shown back, so an odd one is cleaned
    /// rather than refused with a database error.
    /// </summary>
    private static string? ShortFileName(string? fileName)
    {
        var name = Path.GetFileName(fileName);
        if (name is not null && name.Any(char.IsControl))
            name = string.Concat(name.Where(c => !char.IsControl(c)));
        if (name is null || name.Length <= ReferenceImage.MaxFileNameLength)
            return name;
        var extension = Path.GetExtension(name);
        if (extension.Length > 16)
            extension = "";
        return name[..(ReferenceImage.MaxFileNameLength - extension.Length)] + extension;
    }
}
