using System.Security.Claims;
using Likeness.Api.Problems;
using Likeness.Api.Providers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeness.Api.ImageGeneration;

/// <summary>
/// The plan's generate and edit endpoints, for admins (any user, by <c>user_id</c>) and for the signed-in
/// user, plus session status, history, undo, redo, select and version images.
/// </summary>
public static class ImageGenerationApi
{
    public static RouteGroupBuilder MapAdminImageGeneration(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/identities").WithTags("Image generation (admin)");
        const string session = "/image-session";

        group.MapPost("/generate-image/", async (AdminGenerateImageRequest request, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
        {
            var userId = RequiredId(request.UserId, "user_id");
            var view = await orchestrator.StartImageSession(userId, RequiredId(request.IdentityId, "identity_id"),
                request.AdditionalPrompt, AspectRatio(request.AspectRatio), Resolution(request.Resolution), ct);
            return Respond(view, AdminUrls(userId));
        }).WithSummary("Generate an image for a user's identity and start (or replace) their session").WithImageErrors();

        group.MapPost("/edit-image/", async (AdminEditImageRequest request, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
        {
            var userId = RequiredId(request.UserId, "user_id");
            var view = await orchestrator.EditImageSession(userId, request.EditPrompt, OptionalId(request.IdentityId, "identity_id"), ct);
            return Respond(view, AdminUrls(userId));
        }).WithSummary("Edit the current image of a user's session").WithImageErrors();

        group.MapGet($"{session}/", async ([Microsoft.AspNetCore.Mvc.FromQuery(Name = "user_id")] string? userId, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
        {
            var id = RequiredId(userId, "user_id");
            return Respond(await orchestrator.GetSessionStatus(id, ct), AdminUrls(id));
        }).WithSummary("A user's session status and current image");

        group.MapGet($"{session}/history/", async ([Microsoft.AspNetCore.Mvc.FromQuery(Name = "user_id")] string? userId, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
        {
            var id = RequiredId(userId, "user_id");
            return History(await orchestrator.GetHistory(id, ct), AdminUrls(id));
        }).WithSummary("Every version of a user's session");

        group.MapPost($"{session}/undo/", async (AdminSessionRequest request, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
        {
            var id = RequiredId(request.UserId, "user_id");
            return Respond(await orchestrator.Undo(id, ct), AdminUrls(id));
        }).WithSummary("Make the current version's parent current").WithImageErrors();

        group.MapPost($"{session}/redo/", async (AdminSessionRequest request, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
        {
            var id = RequiredId(request.UserId, "user_id");
            return Respond(await orchestrator.Redo(id, ct), AdminUrls(id));
        }).WithSummary("Make the most recent child of the current version current").WithImageErrors();

        group.MapPost($"{session}/select/", async (AdminSelectVersionRequest request, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
        {
            var id = RequiredId(request.UserId, "user_id");
            return Respond(await orchestrator.SelectVersion(id, RequiredId(request.VersionId, "version_id"), ct), AdminUrls(id));
        }).WithSummary("Make any version of the session current").WithImageErrors();

        group.MapGet($"{session}/versions/{{versionId:guid}}/image/", (Guid versionId, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "user_id")] string? userId, ImageGenerationOrchestrator orchestrator, HttpContext http, CancellationToken ct) =>
            VersionImage(orchestrator, RequiredId(userId, "user_id"), versionId, thumbnail: false, http, ct))
            .WithSummary("The image of one version");
        group.MapGet($"{session}/versions/{{versionId:guid}}/thumbnail/", (Guid versionId, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "user_id")] string? userId, ImageGenerationOrchestrator orchestrator, HttpContext http, CancellationToken ct) =>
            VersionImage(orchestrator, RequiredId(userId, "user_id"), versionId, thumbnail: true, http, ct))
            .WithSummary("A thumbnail (long side 256 px) of one version");
        return group;
    }

    public static RouteGroupBuilder MapUserImageGeneration(this RouteGroupBuilder identities)
    {
        var group = identities.MapGroup("").WithTags("Image generation");
        const string session = "/image-session";

        group.MapPost("/generate-image/", async (GenerateImageRequest request, ClaimsPrincipal user, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
            Respond(await orchestrator.StartImageSession(Self(user), RequiredId(request.IdentityId, "identity_id"),
                request.AdditionalPrompt, AspectRatio(request.AspectRatio), Resolution(request.Resolution), ct), SelfUrls))
            .WithSummary("Generate an image of an identity and start (or replace) your session").WithImageErrors();

        group.MapPost("/edit-image/", async (EditImageRequest request, ClaimsPrincipal user, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
            Respond(await orchestrator.EditImageSession(Self(user), request.EditPrompt, OptionalId(request.IdentityId, "identity_id"), ct), SelfUrls))
            .WithSummary("Edit the current image of your session").WithImageErrors();

        group.MapGet($"{session}/", async (ClaimsPrincipal user, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
            Respond(await orchestrator.GetSessionStatus(Self(user), ct), SelfUrls))
            .WithSummary("Your session status and current image");

        group.MapGet($"{session}/history/", async (ClaimsPrincipal user, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
            History(await orchestrator.GetHistory(Self(user), ct), SelfUrls))
            .WithSummary("Every version of your session");

        group.MapPost($"{session}/undo/", async (ClaimsPrincipal user, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
            Respond(await orchestrator.Undo(Self(user), ct), SelfUrls))
            .WithSummary("Make the current version's parent current").WithImageErrors();

        group.MapPost($"{session}/redo/", async (ClaimsPrincipal user, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
            Respond(await orchestrator.Redo(Self(user), ct), SelfUrls))
            .WithSummary("Make the most recent child of the current version current").WithImageErrors();

        group.MapPost($"{session}/select/", async (SelectVersionRequest request, ClaimsPrincipal user, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
            Respond(await orchestrator.SelectVersion(Self(user), RequiredId(request.VersionId, "version_id"), ct), SelfUrls))
            .WithSummary("Make any version of your session current").WithImageErrors();

        group.MapGet($"{session}/versions/{{versionId:guid}}/image/", (Guid versionId, ClaimsPrincipal user, ImageGenerationOrchestrator orchestrator, HttpContext http, CancellationToken ct) =>
            VersionImage(orchestrator, Self(user), versionId, thumbnail: false, http, ct))
            .WithSummary("The image of one version");
        group.MapGet($"{session}/versions/{{versionId:guid}}/thumbnail/", (Guid versionId, ClaimsPrincipal user, ImageGenerationOrchestrator orchestrator, HttpContext http, CancellationToken ct) =>
            VersionImage(orchestrator, Self(user), versionId, thumbnail: true, http, ct))
            .WithSummary("A thumbnail (long side 256 px) of one version");
        return group;
    }

    /// <summary>Where a version's image and thumbnail are, for the admin routes or the user's own.</summary>
    private sealed record VersionUrls(Func<Guid, string> Image, Func<Guid, string> Thumbnail);

    private static readonly VersionUrls SelfUrls = new(
        id => $"/api/v1/identities/image-session/versions/{id}/image/",
        id => $"/api/v1/identities/image-session/versions/{id}/thumbnail/");

    private static VersionUrls AdminUrls(Guid userId) => new(
        id => $"/api/v1/admin/identities/image-session/versions/{id}/image/?user_id={userId}",
        id => $"/api/v1/admin/identities/image-session/versions/{id}/thumbnail/?user_id={userId}");

    private static Ok<ImageSessionResponse> Respond(SessionView view, VersionUrls urls)
    {
        if (view.Session is not { } s || view.Current is not { } v)
            return TypedResults.Ok(new ImageSessionResponse(null, false, null, null, null, false, false, false,
                null, null, null, null, null, null, null, null, null));
        return TypedResults.Ok(new ImageSessionResponse(
            view.Image is null ? null : Convert.ToBase64String(view.Image),
            HasActiveSession: true, s.IdentityId, s.Id, v.Id, view.CanUndo, view.CanRedo, view.ReferencesChanged,
            v.MimeType, v.Width, v.Height, s.AspectRatio, s.Resolution, v.Provider, s.LastPrompt, s.ExpiresAt,
            urls.Image(v.Id)));
    }

    private static Ok<ImageSessionHistoryResponse> History(
        (ImageGenerationSession? Session, List<ImageVersion> Versions) history, VersionUrls urls)
    {
        var (session, versions) = history;
        return TypedResults.Ok(new ImageSessionHistoryResponse(session?.Id, session?.CurrentVersionId,
            versions.Select(v => new ImageVersionResponse(v.Id, v.ParentVersionId, v.Kind.ToString().ToLowerInvariant(),
                v.Prompt, v.Provider, v.AspectRatio, v.Resolution, v.MimeType, v.Width, v.Height, v.DurationMs,
                v.CreatedAt, v.Id == session?.CurrentVersionId, urls.Image(v.Id), urls.Thumbnail(v.Id))).ToList()));
    }

    private static async Task<IResult> VersionImage(
        ImageGenerationOrchestrator orchestrator, Guid userId, Guid versionId, bool thumbnail, HttpContext http, CancellationToken ct)
    {
        var (bytes, mimeType, key) = await orchestrator.GetVersionImage(userId, versionId, thumbnail, ct);
        // Content-addressed: the bytes behind a version never change.
        http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
        return TypedResults.File(bytes, mimeType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{key}\""));
    }

    private static Guid Self(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            ? id
            : throw new ApiProblem(StatusCodes.Status401Unauthorized, "Sign in first.");

    internal static Guid RequiredId(string? value, string field) =>
        OptionalId(value, field) ?? throw new ApiProblem(StatusCodes.Status400BadRequest, $"{field} is required.",
            new Dictionary<string, string[]> { [field] = [$"{field} is required."] });

    internal static Guid? OptionalId(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        return Guid.TryParse(value, out var id)
            ? id
            : throw new ApiProblem(StatusCodes.Status400BadRequest, $"{field} must be a UUID.",
                new Dictionary<string, string[]> { [field] = [$"{field} must be a UUID."] });
    }

    private static string AspectRatio(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return ImageFormats.DefaultAspectRatio;
        var message = $"aspect_ratio must be one of {string.Join(", ", ImageFormats.AspectRatios)}.";
        return ImageFormats.IsAspectRatio(value.Trim())
            ? value.Trim()
            : throw new ApiProblem(StatusCodes.Status400BadRequest, message,
                new Dictionary<string, string[]> { ["aspect_ratio"] = [message] });
    }

    private static string Resolution(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return ImageFormats.DefaultResolution;
        var normalized = value.Trim().ToUpperInvariant();
        var message = $"resolution must be one of {string.Join(", ", ImageFormats.Resolutions)}.";
        return ImageFormats.IsResolution(normalized)
            ? normalized
            : throw new ApiProblem(StatusCodes.Status400BadRequest, message,
                new Dictionary<string, string[]> { ["resolution"] = [message] });
    }

    private static RouteHandlerBuilder WithImageErrors(this RouteHandlerBuilder builder) => builder
        .Produces<ImageSessionResponse>()
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status500InternalServerError);
}
