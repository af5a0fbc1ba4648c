using Likeness.Api.Data;
using Likeness.Api.Problems;
using Likeness.Api.Security;
using Likeness.Api.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Identities;

/// <summary>Identities and their reference images: admins manage them, every signed-in user can pick one.</summary>
public static class IdentitiesApi
{
    public const string IdentityNotFound = "Identity not found.";
    public const string ReferenceImageNotFound = "Reference image not found.";

    // 14 files of 10 MB plus multipart overhead.
    private const long MaxUploadRequestBytes = ReferenceImages.MaxPerIdentity * ReferenceImages.MaxBytes + 1024 * 1024;

    public static RouteGroupBuilder MapAdminIdentities(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/identities").WithTags("Identities");

        group.MapGet("/", ListIdentities).WithSummary("List identities");

        group.MapPost("/", async Task<Created<IdentityResponse>> (CreateIdentityRequest request, LikenessDbContext db, TimeProvider time) =>
        {
            var name = RequireName(request.Name);
            var now = time.GetUtcNow().UtcDateTime;
            var identity = new Identity
            {
                Id = Guid.NewGuid(), Name = name, Description = CheckDescription(request.Description),
                CreatedAt = now, UpdatedAt = now,
            };
            db.Identities.Add(identity);
            await db.SaveChangesAsync();
            return TypedResults.Created($"/api/v1/admin/identities/{identity.Id}/", IdentityResponse.From(identity));
        })
        .WithSummary("Create an identity")
        .ProducesValidationProblem();

        group.MapGet("/{id:guid}/", async Task<Ok<IdentityResponse>> (Guid id, LikenessDbContext db) =>
            TypedResults.Ok(IdentityResponse.From(await FindIdentity(db, id))))
            .WithSummary("Read an identity").ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/{id:guid}/", async Task<Ok<IdentityResponse>> (
            Guid id, UpdateIdentityRequest request, LikenessDbContext db, TimeProvider time) =>
        {
            var identity = await FindIdentity(db, id, tracking: true);
            if (request.Name is not null)
                identity.Name = RequireName(request.Name);
            if (request.Description is not null)
                identity.Description = CheckDescription(request.Description);
            identity.UpdatedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync();
            return TypedResults.Ok(IdentityResponse.From(identity));
        })
        .WithSummary("Rename or re-describe an identity").ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id:guid}/", async Task<NoContent> (Guid id, LikenessDbContext db, ImageJanitor janitor) =>
        {
            var keys = await db.ReferenceImages.Where(r => r.IdentityId == id).Select(r => r.StorageKey)
                .Concat(db.ReferenceImages.Where(r => r.IdentityId == id && r.ThumbnailKey != null).Select(r => r.ThumbnailKey!)).ToListAsync();
            if (await db.Identities.Where(i => i.Id == id).ExecuteDeleteAsync() == 0)
                throw ApiProblem.NotFound(IdentityNotFound);
            await janitor.DeleteUnreferencedAsync(keys);
            return TypedResults.NoContent();
        })
        .WithSummary("Delete an identity and its reference images").ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:guid}/reference-images/", UploadReferenceImages)
            .WithSummary("Upload reference images (multipart, parts named 'files')")
            .Accepts<IFormFileCollection>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new RequestSizeLimitMetadata(MaxUploadRequestBytes))
            .DisableAntiforgery();

        group.MapGet("/{id:guid}/reference-images/", async Task<Ok<List<ReferenceImageResponse>>> (Guid id, LikenessDbContext db) =>
        {
            var identity = await FindIdentity(db, id);
            return TypedResults.Ok(identity.ReferenceImages.OrderBy(r => r.Order).Select(ReferenceImageResponse.From).ToList());
        })
        .WithSummary("List an identity's reference images");

        group.MapGet("/{id:guid}/reference-images/{imageId:guid}/", DownloadReferenceImage)
            .WithSummary("Download a reference image");
        group.MapGet("/{id:guid}/reference-images/{imageId:guid}/thumbnail/", ReferenceImageThumbnail)
            .WithSummary("A reference image's thumbnail (long side 256 px)");

        group.MapDelete("/{id:guid}/reference-images/{imageId:guid}/", async Task<NoContent> (
            Guid id, Guid imageId, LikenessDbContext db, ImageJanitor janitor, TimeProvider time) =>
        {
            var image = await db.ReferenceImages.AsNoTracking()
                .FirstOrDefaultAsync(r => r.Id == imageId && r.IdentityId == id)
                ?? throw ApiProblem.NotFound(ReferenceImageNotFound);
            await db.ReferenceImages.Where(r => r.Id == imageId).ExecuteDeleteAsync();
            await db.Identities.Where(i => i.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.UpdatedAt, time.GetUtcNow().UtcDateTime));
            await janitor.DeleteUnreferencedAsync(image.ThumbnailKey is { } thumbnail ? [image.StorageKey, thumbnail] : [image.StorageKey]);
            return TypedResults.NoContent();
        })
        .WithSummary("Delete a reference image");

        return group;
    }

    /// <summary>Read-only routes for every signed-in user: pick an identity, see its references.</summary>
    public static RouteGroupBuilder MapUserIdentities(this RouteGroupBuilder identities)
    {
        identities.MapGet("/", ListIdentities).WithTags("Identities").WithSummary("List identities to generate images of");
        identities.MapGet("/{id:guid}/reference-images/{imageId:guid}/", DownloadReferenceImage)
            .WithTags("Identities").WithSummary("Download a reference image");
        identities.MapGet("/{id:guid}/reference-images/{imageId:guid}/thumbnail/", ReferenceImageThumbnail)
            .WithTags("Identities").WithSummary("A reference image's thumbnail (long side 256 px)");
        return identities;
    }

    private static async Task<Ok<List<IdentityResponse>>> ListIdentities(LikenessDbContext db)
    {
        var identities = await db.Identities.AsNoTracking().Include(i => i.ReferenceImages)
            .OrderByDescending(i => i.CreatedAt).ToListAsync();
        return TypedResults.Ok(identities.Select(IdentityResponse.From).ToList());
    }

    private static async Task<FileContentHttpResult> DownloadReferenceImage(
        Guid id, Guid imageId, LikenessDbContext db, IImageStore store, CancellationToken cancellationToken)
    {
        var image = await db.ReferenceImages.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Id == imageId && r.IdentityId == id, cancellationToken)
            ?? throw ApiProblem.NotFound(ReferenceImageNotFound);
        var bytes = await store.GetAsync(image.StorageKey, cancellationToken)
            ?? throw ApiProblem.NotFound(ReferenceImageNotFound);
        return TypedResults.File(bytes, image.MimeType, fileDownloadName: null,
            entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{image.Sha256}\""));
    }

    /// <summary>The thumbnail, made and kept on first request for images uploaded before thumbnails existed.</summary>
    private static async Task<IResult> ReferenceImageThumbnail(
        Guid id, Guid imageId, LikenessDbContext db, IImageStore store, ImageStoreClaims storeClaims, HttpContext http,
        CancellationToken cancellationToken)
    {
        var image = await db.ReferenceImages.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Id == imageId && r.IdentityId == id, cancellationToken)
            ?? throw ApiProblem.NotFound(ReferenceImageNotFound);
        if (image.ThumbnailKey is not { } key)
        {
            var bytes = await store.GetAsync(image.StorageKey, cancellationToken) ?? throw ApiProblem.NotFound(ReferenceImageNotFound);
            key = await storeClaims.PutAsync(ImageInspector.Thumbnail(bytes), cancellationToken);
            await db.ReferenceImages.Where(r => r.Id == imageId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ThumbnailKey, key), cancellationToken);
            await storeClaims.ReleaseAsync();
        }
        return await StoredImageResults.Serve(http, store, key, "image/png", ReferenceImageNotFound, cancellationToken);
    }

    private static async Task<Created<List<ReferenceImageResponse>>> UploadReferenceImages(
        Guid id, HttpRequest request, LikenessDbContext db, ImageStoreClaims storeClaims, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var identity = await FindIdentity(db, id);
        var form = await ImageUploads.ReadFormAsync(request,
            "one or more parts named 'files'", "one or more images as multipart parts named 'files'", cancellationToken);
        var files = form.Files.GetFiles("files");
        if (files.Count == 0)
            throw ApiProblem.BadRequest("No files were sent. Send one or more images as multipart parts named 'files'.");

        // Checked before decoding anything (cheap refusal), and again when the rows are added (races).
        static void CheckLimit(int existing, int sent)
        {
            if (existing + sent > ReferenceImages.MaxPerIdentity)
                throw ApiProblem.BadRequest(
                    $"An identity can have at most {ReferenceImages.MaxPerIdentity} reference images; " +
                    $"this one has {existing} and {sent} more were sent.");
        }
        CheckLimit(identity.ReferenceImages.Count, files.Count);

        // Validate every file before storing any, so an upload is all or nothing.
        var accepted = new List<(IFormFile File, byte[] Bytes, byte[] Thumbnail, ImageFacts Facts)>();
        foreach (var file in files)
        {
            var image = await ImageUploads.ReadAsync(file, "a reference image", cancellationToken);
            accepted.Add((file, image.Bytes, image.Thumbnail, image.Facts));
        }

        // Two uploads at once must not both pass the limit: each claims the identity by moving its updated_at
        // from the value it checked the count against, in the transaction that adds the rows. The loser of a
        // race re-reads and re-checks (its files are already validated), so parallel uploads that fit all land.
        for (var attempt = 1; ; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var state = await db.Identities.AsNoTracking().Where(i => i.Id == id)
                .Select(i => new { i.UpdatedAt, Count = i.ReferenceImages.Count(), MaxOrder = i.ReferenceImages.Max(r => (int?)r.Order) })
                .FirstOrDefaultAsync(cancellationToken) ?? throw ApiProblem.NotFound(IdentityNotFound);
            CheckLimit(state.Count, accepted.Count);
            var now = time.GetUtcNow().UtcDateTime;
            var claimed = await db.Identities.Where(i => i.Id == id && i.UpdatedAt == state.UpdatedAt)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.UpdatedAt, now), cancellationToken);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                if (attempt < 5)
                    continue;
                throw ApiProblem.Conflict("The identity's reference images are being changed by another request. Try again.");
            }

            var order = (state.MaxOrder ?? -1) + 1;
            var added = new List<ReferenceImage>();
            foreach (var (file, bytes, thumbnail, facts) in accepted)
            {
                var key = await storeClaims.PutAsync(bytes, cancellationToken);
                var thumbnailKey = await storeClaims.PutAsync(thumbnail, cancellationToken);
                var image = new ReferenceImage
                {
                    Id = Guid.NewGuid(), IdentityId = id, StorageKey = key, ThumbnailKey = thumbnailKey, MimeType = facts.MimeType,
                    Width = facts.Width, Height = facts.Height, SizeBytes = bytes.Length, Sha256 = key,
                    Order = order++, FileName = ShortFileName(file.FileName), CreatedAt = now,
                };
                db.ReferenceImages.Add(image);
                added.Add(image);
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await storeClaims.ReleaseAsync(); // the rows are committed: the blobs are theirs now
            return TypedResults.Created($"/api/v1/admin/identities/{id}/reference-images/",
                added.Select(ReferenceImageResponse.From).ToList());
        }
    }

    /// <summary>
    /// The client's file name without its folders or control characters (PostgreSQL refuses a NUL), cut to the
    /// 255 characters the column holds (keeping the extension): it is only shown back, so an odd one is cleaned
    /// rather than refused with a database error.
    /// </summary>
    private static string? ShortFileName(string? fileName)
    {
        var name = Path.GetFileName(fileName);
        if (name is not null && name.Any(char.IsControl))
            name = string.Concat(name.Where(c => !char.IsControl(c)));
        if (name is null || name.Length <= 255)
            return name;
        var extension = Path.GetExtension(name);
        if (extension.Length > 16)
            extension = "";
        return name[..(255 - extension.Length)] + extension;
    }

    private static async Task<Identity> FindIdentity(LikenessDbContext db, Guid id, bool tracking = false)
    {
        var query = db.Identities.Include(i => i.ReferenceImages).AsQueryable();
        if (!tracking)
            query = query.AsNoTracking();
        return await query.FirstOrDefaultAsync(i => i.Id == id) ?? throw ApiProblem.NotFound(IdentityNotFound);
    }

    private static string RequireName(string? name)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name))
            throw ApiProblem.Invalid("name", "Name is required.");
        // PostgreSQL refuses a NUL in text (a 500), and no name needs a tab or a line break.
        if (name.Any(char.IsControl))
            throw ApiProblem.Invalid("name", "Name may not contain control characters.");
        TextInput.Check("name", name, "Name");
        if (name.Length > Identity.MaxNameLength)
            throw ApiProblem.Invalid("name", $"Name may be at most {Identity.MaxNameLength} characters.");
        return name;
    }

    private static string CheckDescription(string? description)
    {
        description = description?.Trim() ?? "";
        if (description.Contains('\0'))
            throw ApiProblem.Invalid("description", "Description may not contain NUL characters.");
        // A description may have tabs and line breaks, no other control character.
        TextInput.Check("description", description, "Description");
        if (description.Length > Identity.MaxDescriptionLength)
            throw ApiProblem.Invalid("description", $"Description may be at most {Identity.MaxDescriptionLength} characters.");
        return description;
    }
}

/// <summary>Endpoint metadata that raises Kestrel's request body limit for one endpoint.</summary>
internal sealed class RequestSizeLimitMetadata(long maxRequestBodySize) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = maxRequestBodySize;
}
