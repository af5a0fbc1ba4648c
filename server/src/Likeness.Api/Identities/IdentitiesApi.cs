using Likeness.Api.Data;
using Likeness.Api.Problems;
using Likeness.Api.Security;
using Likeness.Api.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Identities;

/// <summary>Identities and their reference images: admins manage them, every signed-in user can pick one.</summary>
public static class IdentitiesApi
{
    public const string IdentityNotFound = "Identity not found.";
    public const string ReferenceImageNotFound = "Reference image not found.";

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
            .AcceptsImageUpload<IFormFileCollection>(ImageUploads.MaxRequestBytes);

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
        Guid id, HttpRequest request, LikenessDbContext db, ReferenceImageUpload upload, CancellationToken cancellationToken)
    {
        var identity = await FindIdentity(db, id);
        var form = await ImageUploads.ReadFormAsync(request,
            "one or more parts named 'files'", "one or more images as multipart parts named 'files'", cancellationToken);
        var added = await upload.AddAsync(identity, form.Files.GetFiles("files"), cancellationToken);
        return TypedResults.Created($"/api/v1/admin/identities/{id}/reference-images/",
            added.Select(ReferenceImageResponse.From).ToList());
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
