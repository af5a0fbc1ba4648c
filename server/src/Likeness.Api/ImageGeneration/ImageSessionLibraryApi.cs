using Likeness.Api.Problems;
using Likeness.Api.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeness.Api.ImageGeneration;

/// <summary>A session of the user's library, as the list shows it.</summary>
public sealed record LibrarySessionResponse(
    Guid Id,
    Guid? IdentityId,
    string? IdentityName,
    bool IdentityDeleted,
    int VersionCount,
    Guid? CurrentVersionId,
    string AspectRatio,
    string Resolution,
    string LastPrompt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime ArchivedAt,
    DateTime ExpiresAt,
    string? ImageUrl,
    string? ThumbnailUrl,
    string HistoryUrl);

/// <summary>
/// The library routes under an owner's session prefix (<c>{prefix}/library/...</c>), and starting a session from
/// an uploaded photo (<c>{prefix}/start-from-upload/</c>); mapped once, for the user and for an admin acting for one.
/// </summary>
public static class ImageSessionLibraryApi
{
    public static RouteGroupBuilder MapImageSessionLibrary(this RouteGroupBuilder session)
    {
        session.MapGet("/library/", List).WithSummary("The library: past sessions Generate New replaced, newest first");
        session.MapGet("/library/{sessionId:guid}/", History).WithSummary("Every version of a library session")
            .ProducesProblem(StatusCodes.Status404NotFound);
        session.MapGet("/library/{sessionId:guid}/versions/{versionId:guid}/image/", VersionImage(thumbnail: false))
            .WithSummary("The image of one version of a library session");
        session.MapGet("/library/{sessionId:guid}/versions/{versionId:guid}/thumbnail/", VersionImage(thumbnail: true))
            .WithSummary("A thumbnail (long side 256 px) of one version of a library session");
        session.MapPost("/library/{sessionId:guid}/reopen/", Reopen)
            .WithSummary("Make a library session the active one (the active one goes to the library); answers the status")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        session.MapDelete("/library/{sessionId:guid}/", Delete).WithSummary("Delete a library session and its images")
            .ProducesProblem(StatusCodes.Status404NotFound);
        session.MapPost("/start-from-upload/", StartFromUpload)
            .WithSummary("Start a session from your own photo (multipart: identity_id, image); it becomes version 1 and the active session goes to the library")
            .AcceptsImageUpload<IFormFile>(ImageUploads.MaxOneImageRequestBytes)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return session;
    }

    public static string LibraryPrefix(string prefix, Guid sessionId) => $"{prefix}/library/{sessionId}";

    private static async Task<Ok<List<LibrarySessionResponse>>> List(SessionOwner owner, ImageSessionLibrary library, CancellationToken ct)
    {
        var entries = await library.List(owner.UserId, ct);
        return TypedResults.Ok(entries.Select(e =>
        {
            var (s, prefix) = (e.Session, LibraryPrefix(owner.Prefix, e.Session.Id));
            return new LibrarySessionResponse(s.Id, s.IdentityId, e.IdentityName, e.IdentityName is null, e.VersionCount, s.CurrentVersionId,
                s.AspectRatio, s.Resolution, s.LastPrompt, s.CreatedAt, s.UpdatedAt, s.ArchivedAt!.Value, s.ExpiresAt,
                e.Current is { } v ? ImageSessionResponses.ImageUrl(prefix, v.Id) : null,
                e.Current is { } t ? ImageSessionResponses.ThumbnailUrl(prefix, t.Id) : null,
                $"{prefix}/");
        }).ToList());
    }

    private static async Task<Ok<ImageSessionHistoryResponse>> History(
        Guid sessionId, SessionOwner owner, ImageSessionLibrary library, CancellationToken ct)
    {
        var (session, versions) = await library.History(owner.UserId, sessionId, ct);
        return TypedResults.Ok(ImageSessionResponses.History((session, versions), LibraryPrefix(owner.Prefix, sessionId), masks: false));
    }

    /// <summary>A version's image or its thumbnail, served as stored.</summary>
    private static Delegate VersionImage(bool thumbnail) => async (
        Guid sessionId, Guid versionId, SessionOwner owner, ImageSessionLibrary library, IImageStore store, HttpContext http,
        CancellationToken ct) =>
    {
        var (key, mimeType) = await library.VersionImageKey(owner.UserId, sessionId, versionId, thumbnail, ct);
        return await StoredImageResults.Serve(http, store, key, mimeType, ImageGenerationOrchestrator.VersionNotFound, ct);
    };

    private static async Task<Ok<ImageSessionResponse>> Reopen(
        Guid sessionId, SessionOwner owner, ImageSessionLibrary library, ImageGenerationOrchestrator orchestrator, CancellationToken ct)
    {
        await library.Reopen(owner.UserId, sessionId, ct);
        return TypedResults.Ok(ImageSessionResponses.From(await orchestrator.GetSessionStatus(owner.UserId, ct), owner.Prefix, includeImage: false));
    }

    private static async Task<NoContent> Delete(Guid sessionId, SessionOwner owner, ImageSessionLibrary library, CancellationToken ct)
    {
        await library.Delete(owner.UserId, sessionId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ImageSessionResponse>> StartFromUpload(
        SessionOwner owner, HttpRequest request, ImageSessionLibrary library, ImageGenerationOrchestrator orchestrator, CancellationToken ct)
    {
        var form = await ImageUploads.ReadFormAsync(request,
            "with the identity as 'identity_id' and the photo as a part named 'image'", "the identity as 'identity_id' and the photo as a part named 'image'", ct);
        var identityId = ImageGenerationApi.RequiredId(form["identity_id"].ToString(), "identity_id");
        var file = form.Files.GetFile("image") ?? throw ApiProblem.BadRequest(NoImage);
        var image = await ImageUploads.ReadAsync(file, "a photo", ct);
        await library.StartFromUpload(owner.UserId, identityId, image, ct);
        return TypedResults.Ok(ImageSessionResponses.From(await orchestrator.GetSessionStatus(owner.UserId, ct), owner.Prefix, includeImage: false));
    }

    public const string NoImage = "No image was sent. Send the photo as a multipart part named 'image'.";
}
