using System.Net.ServerSentEvents;
using Likeness.Api.Problems;
using Likeness.Api.Providers;
using Likeness.Api.Security;
using Likeness.Api.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Likeness.Api.ImageGeneration;

/// <summary>
/// The plan's four generate and edit endpoints (admin: any user by <c>user_id</c>; or the signed-in user),
/// and the image-session routes, mapped once for an owner resolved per request (<see cref="SessionOwner"/>):
/// status, history, undo, redo, select, version images, and jobs with their live events.
/// </summary>
public static class ImageGenerationApi
{
    public const string SessionTag = "Image session";

    public static RouteGroupBuilder MapAdminImageGeneration(this RouteGroupBuilder admin)
    {
        var plan = admin.MapGroup("/identities").WithTags("Image generation (admin)");
        plan.MapPost("/generate-image/", AdminGenerateImage)
            .WithSummary("Generate an image for a user's identity and start (or replace) their session").WithImageErrors()
            .RequireRateLimiting(RateLimitPolicies.ImageGeneration);
        plan.MapPost("/edit-image/", AdminEditImage).WithMetadata(Security.TakesImageInJson.Instance)
            .WithSummary("Edit the current image of a user's session").WithImageErrors()
            .RequireRateLimiting(RateLimitPolicies.ImageGeneration);
        admin.MapGroup("/users/{user_id:guid}/image-session").WithTags(SessionTag + " (admin)").MapImageSession();
        return plan;
    }

    public static RouteGroupBuilder MapUserImageGeneration(this RouteGroupBuilder identities)
    {
        var plan = identities.MapGroup("").WithTags("Image generation");
        plan.MapPost("/generate-image/", GenerateImage)
            .WithSummary("Generate an image of an identity and start (or replace) your session").WithImageErrors()
            .RequireRateLimiting(RateLimitPolicies.ImageGeneration);
        plan.MapPost("/edit-image/", EditImage).WithMetadata(Security.TakesImageInJson.Instance)
            .WithSummary("Edit the current image of your session").WithImageErrors()
            .RequireRateLimiting(RateLimitPolicies.ImageGeneration);
        identities.MapGroup("/image-session").WithTags(SessionTag).MapImageSession();
        return plan;
    }

    /// <summary>The session routes under an owner's prefix.</summary>
    private static RouteGroupBuilder MapImageSession(this RouteGroupBuilder session)
    {
        session.MapGet("/", GetStatus).WithSummary("Session status: the current version, its image URL and any running job");
        session.MapGet("/history/", GetHistory).WithSummary("Every version of the session");
        session.MapPost("/undo/", Undo).WithSummary("Make the current version's parent current").WithSessionErrors();
        session.MapPost("/redo/", Redo).WithSummary("Make the most recent child of the current version current").WithSessionErrors();
        session.MapPost("/select/", Select).WithSummary("Make any version of the session current").WithSessionErrors();
        session.MapGet("/versions/{versionId:guid}/image/", GetVersionImage(thumbnail: false)).WithSummary("The image of one version");
        session.MapGet("/versions/{versionId:guid}/thumbnail/", GetVersionImage(thumbnail: true)).WithSummary("A thumbnail (long side 256 px) of one version");
        session.MapGet("/versions/{versionId:guid}/mask/", GetVersionMask).WithSummary("A region edit's mask: a greyscale PNG, white where the edit could change the image");

        session.MapPost("/jobs/", StartJob).WithMetadata(Security.TakesImageInJson.Instance).WithSummary("Start a generate or edit job (answers 202 at once)")
            .RequireRateLimiting(RateLimitPolicies.ImageGeneration)
            .Produces<ImageJobResponse>(StatusCodes.Status202Accepted).WithImageErrors();
        session.MapGet("/jobs/", ListJobs).WithSummary("The owner's jobs, newest first (?status= filters)");
        session.MapGet("/jobs/{jobId:guid}/", GetJob).WithSummary("One job").ProducesProblem(StatusCodes.Status404NotFound);
        session.MapDelete("/jobs/{jobId:guid}/", CancelJob).WithSummary("Cancel a queued or running job; the session stays as it was")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        session.MapGet("/jobs/{jobId:guid}/events/", GetJobEvents)
            .WithSummary("The job's live events (Server-Sent Events: stage, thought, preview, notice, variant, succeeded, failed, cancelled)")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        session.MapGet("/jobs/{jobId:guid}/previews/{eventId:long}/", GetJobPreview).WithSummary("An interim image the model drew");
        session.MapImageSessionLibrary();
        return session;
    }

    // The plan's endpoints: start a job, then wait for it (or answer 202 at once with Prefer: respond-async).

    private static Task<IResult> AdminGenerateImage(
        AdminGenerateImageRequest request, ImageJobs jobs, IImageModelCatalog catalog, HttpContext http, CancellationToken ct) =>
        Generate(SessionOwner.ForUser(RequiredId(request.UserId, "user_id")), request.IdentityId, request.AdditionalPrompt,
            GenerateChoices.Of(catalog, request.Model, request.EditMode, request.AspectRatio, request.Resolution), request.Variants,
            jobs, http, ct);

    private static Task<IResult> GenerateImage(
        GenerateImageRequest request, ImageJobs jobs, IImageModelCatalog catalog, HttpContext http, CancellationToken ct) =>
        Generate(SessionOwner.Self(http.User), request.IdentityId, request.AdditionalPrompt,
            GenerateChoices.Of(catalog, request.Model, request.EditMode, request.AspectRatio, request.Resolution), request.Variants,
            jobs, http, ct);

    private static Task<IResult> AdminEditImage(
        AdminEditImageRequest request, ImageJobs jobs, ImageGenerationOrchestrator orchestrator, HttpContext http, CancellationToken ct) =>
        Edit(SessionOwner.ForUser(RequiredId(request.UserId, "user_id")), request.EditPrompt, request.IdentityId, request.MaskPngBase64,
            request.Variants, jobs, orchestrator, http, ct);

    private static Task<IResult> EditImage(
        EditImageRequest request, ImageJobs jobs, ImageGenerationOrchestrator orchestrator, HttpContext http, CancellationToken ct) =>
        Edit(SessionOwner.Self(http.User), request.EditPrompt, request.IdentityId, request.MaskPngBase64, request.Variants,
            jobs, orchestrator, http, ct);

    private static async Task<IResult> Generate(
        SessionOwner owner, string? identityId, string? additionalPrompt, Func<GenerateChoices> choices, int? variants,
        ImageJobs jobs, HttpContext http, CancellationToken ct)
    {
        var id = RequiredId(identityId, "identity_id");
        var chosen = choices();
        var job = await jobs.StartGenerate(owner.UserId, id, additionalPrompt, chosen.AspectRatio, chosen.Resolution, ct,
            chosen.Model, chosen.EditMode, variants);
        return await Answer(job, owner, jobs, http, ct);
    }

    private static async Task<IResult> Edit(SessionOwner owner, string? editPrompt, string? identityId, string? maskPngBase64,
        int? variants, ImageJobs jobs, ImageGenerationOrchestrator orchestrator, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(maskPngBase64) && await VersionMove(owner, editPrompt, orchestrator, ct) is { } moved)
            return moved;
        var job = await jobs.StartEdit(owner.UserId, editPrompt, OptionalId(identityId, "identity_id"), ct, maskPngBase64, variants);
        return await Answer(job, owner, jobs, http, ct);
    }

    /// <summary>
    /// "undo", "go back" or "redo" as the edit prompt: the undo or redo route's move, answered at once (200, the
    /// plan's edit response with the image) whatever <c>Prefer</c> says, since there is nothing to wait for.
    /// </summary>
    private static async Task<IResult?> VersionMove(
        SessionOwner owner, string? editPrompt, ImageGenerationOrchestrator orchestrator, CancellationToken ct)
    {
        var command = ImagePrompts.AsVersionCommand(editPrompt);
        if (command == VersionCommand.None)
            return null;
        var view = await orchestrator.ApplyVersionCommand(owner.UserId, command, ct);
        return TypedResults.Ok(ImageSessionResponses.From(view, owner.Prefix, includeImage: true));
    }

    /// <summary>The job at once (202) when the client prefers it; otherwise the plan's answer once the job ends.</summary>
    private static async Task<IResult> Answer(ImageJob job, SessionOwner owner, ImageJobs jobs, HttpContext http, CancellationToken ct)
    {
        if (PrefersAsync(http.Request))
            return Accepted(job, owner, http);
        var (finished, view) = await jobs.WaitAsync(job.Id, ct);
        return finished.Status switch
        {
            ImageJobStatus.Succeeded when view is not null => TypedResults.Ok(ImageSessionResponses.From(view, owner.Prefix, includeImage: true)),
            ImageJobStatus.Cancelled => throw ApiProblem.Conflict(ImageJobs.JobCancelled),
            _ => throw new ApiProblem(finished.ErrorStatus ?? StatusCodes.Status500InternalServerError,
                finished.ErrorDetail ?? ProblemExceptionHandler.ImageGenerationFailed)
            {
                RetryAfter = finished.ErrorRetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            },
        };
    }

    private static IResult Accepted(ImageJob job, SessionOwner owner, HttpContext http)
    {
        http.Response.Headers["Preference-Applied"] = "respond-async";
        return TypedResults.Accepted(ImageSessionResponses.JobUrl(owner.Prefix, job.Id), ImageSessionResponses.Job(job, owner.Prefix));
    }

    /// <summary>RFC 7240: <c>Prefer: respond-async</c>, possibly among other preferences.</summary>
    internal static bool PrefersAsync(HttpRequest request) =>
        request.Headers["Prefer"].SelectMany(v => (v ?? "").Split(','))
            .Any(p => p.Split(';')[0].Trim().Equals("respond-async", StringComparison.OrdinalIgnoreCase));

    // The session routes.

    private static async Task<Ok<ImageSessionResponse>> GetStatus(SessionOwner owner, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
        TypedResults.Ok(ImageSessionResponses.From(await orchestrator.GetSessionStatus(owner.UserId, ct), owner.Prefix, includeImage: false));

    private static async Task<Ok<ImageSessionHistoryResponse>> GetHistory(SessionOwner owner, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
        TypedResults.Ok(ImageSessionResponses.History(await orchestrator.GetHistory(owner.UserId, ct), owner.Prefix));

    private static async Task<Ok<ImageSessionResponse>> Undo(SessionOwner owner, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
        TypedResults.Ok(ImageSessionResponses.From(await orchestrator.Undo(owner.UserId, ct), owner.Prefix, includeImage: false));

    private static async Task<Ok<ImageSessionResponse>> Redo(SessionOwner owner, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
        TypedResults.Ok(ImageSessionResponses.From(await orchestrator.Redo(owner.UserId, ct), owner.Prefix, includeImage: false));

    private static async Task<Ok<ImageSessionResponse>> Select(
        SelectVersionRequest request, SessionOwner owner, ImageGenerationOrchestrator orchestrator, CancellationToken ct) =>
        TypedResults.Ok(ImageSessionResponses.From(
            await orchestrator.SelectVersion(owner.UserId, RequiredId(request.VersionId, "version_id"), ct), owner.Prefix, includeImage: false));

    /// <summary>A version's image or its thumbnail, served as stored.</summary>
    private static Delegate GetVersionImage(bool thumbnail) => async (
        Guid versionId, SessionOwner owner, ImageGenerationOrchestrator orchestrator, IImageStore store, HttpContext http, CancellationToken ct) =>
    {
        var (key, mimeType) = await orchestrator.GetVersionImageKey(owner.UserId, versionId, thumbnail, ct);
        return await StoredImageResults.Serve(http, store, key, mimeType, ImageGenerationOrchestrator.VersionNotFound, ct);
    };

    private static async Task<IResult> GetVersionMask(
        Guid versionId, SessionOwner owner, ImageGenerationOrchestrator orchestrator, IImageStore store, HttpContext http, CancellationToken ct)
    {
        var key = await orchestrator.GetVersionMaskKey(owner.UserId, versionId, ct);
        return await StoredImageResults.Serve(http, store, key, "image/png", ImageGenerationOrchestrator.MaskNotFound, ct);
    }

    private static async Task<IResult> StartJob(StartImageJobRequest request, SessionOwner owner, ImageJobs jobs,
        IImageModelCatalog catalog, ImageGenerationOrchestrator orchestrator, HttpContext http, CancellationToken ct)
    {
        if (request.Kind?.Trim().ToLowerInvariant() == "edit" && string.IsNullOrEmpty(request.MaskPngBase64)
            && await VersionMove(owner, request.EditPrompt, orchestrator, ct) is { } moved)
            return moved;
        var job = request.Kind?.Trim().ToLowerInvariant() switch
        {
            "generate" => await StartGenerateJob(owner, request, jobs, catalog, ct),
            "edit" => await jobs.StartEdit(owner.UserId, request.EditPrompt, OptionalId(request.IdentityId, "identity_id"), ct,
                request.MaskPngBase64, request.Variants),
            _ => throw ApiProblem.Invalid("kind", "kind must be generate or edit."),
        };
        return Accepted(job, owner, http);
    }

    private static async Task<Ok<List<ImageJobResponse>>> ListJobs(
        SessionOwner owner, ImageJobs jobs, [FromQuery] string? status, CancellationToken ct)
    {
        ImageJobStatus? filter = null;
        if (!string.IsNullOrWhiteSpace(status))
            filter = Enum.TryParse<ImageJobStatus>(status.Trim(), ignoreCase: true, out var parsed) && !int.TryParse(status, out _)
                ? parsed
                : throw ApiProblem.Invalid("status", "status must be one of queued, running, succeeded, failed, cancelled.");
        var list = await jobs.List(owner.UserId, filter, ct);
        return TypedResults.Ok(list.Select(j => ImageSessionResponses.Job(j, owner.Prefix)).ToList());
    }

    private static async Task<Ok<ImageJobResponse>> GetJob(Guid jobId, SessionOwner owner, ImageJobs jobs, CancellationToken ct) =>
        TypedResults.Ok(ImageSessionResponses.Job(await jobs.Get(owner.UserId, jobId, ct), owner.Prefix));

    private static async Task<NoContent> CancelJob(Guid jobId, SessionOwner owner, ImageJobs jobs, CancellationToken ct)
    {
        await jobs.Cancel(owner.UserId, jobId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> GetJobEvents(
        Guid jobId, SessionOwner owner, ImageJobs jobs, ImageJobEventStream stream, HttpContext http, CancellationToken ct)
    {
        var job = await jobs.Get(owner.UserId, jobId, ct);
        var after = long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), out var lastId) ? lastId : 0;
        // An EventSource reconnects when a stream ends; 204 tells it there is nothing more, ever.
        if (job.IsFinished && !await stream.AnyAfter(jobId, after, ct))
            return TypedResults.NoContent();
        return TypedResults.ServerSentEvents(stream.Read(jobId, after, owner, ct));
    }

    private static async Task<IResult> GetJobPreview(
        Guid jobId, long eventId, SessionOwner owner, ImageJobs jobs, ImageJobEventStream stream, IImageStore store,
        HttpContext http, CancellationToken ct)
    {
        await jobs.Get(owner.UserId, jobId, ct);
        var (key, mimeType) = await stream.PreviewKey(jobId, eventId, ct);
        return await StoredImageResults.Serve(http, store, key, mimeType, ImageJobEventStream.PreviewNotFound, ct);
    }

    private static Task<ImageJob> StartGenerateJob(
        SessionOwner owner, StartImageJobRequest request, ImageJobs jobs, IImageModelCatalog catalog, CancellationToken ct)
    {
        var id = RequiredId(request.IdentityId, "identity_id");
        var chosen = GenerateChoices.Of(catalog, request.Model, request.EditMode, request.AspectRatio, request.Resolution)();
        return jobs.StartGenerate(owner.UserId, id, request.AdditionalPrompt, chosen.AspectRatio, chosen.Resolution, ct,
            chosen.Model, chosen.EditMode, request.Variants);
    }

    /// <summary>A generate's model, edit mode, aspect ratio and size, checked against the model's rules (400s name what is allowed).</summary>
    private sealed record GenerateChoices(string Model, string EditMode, string AspectRatio, string Resolution)
    {
        /// <summary>Deferred, so the identity is checked first, as before the catalogue.</summary>
        public static Func<GenerateChoices> Of(IImageModelCatalog catalog, string? model, string? editMode, string? aspectRatio, string? resolution) => () =>
        {
            var info = catalog.Resolve(model);
            return new GenerateChoices(info.Id, catalog.ResolveEditMode(editMode),
                ImageGenerationApi.AspectRatio(aspectRatio, info), ImageGenerationApi.Resolution(resolution, info));
        };
    }

    internal static Guid RequiredId(string? value, string field) =>
        OptionalId(value, field) ?? throw ApiProblem.Invalid(field, $"{field} is required.");

    internal static Guid? OptionalId(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        return Guid.TryParse(value, out var id) ? id : throw ApiProblem.Invalid(field, $"{field} must be a UUID.");
    }

    private static string AspectRatio(string? value, ImageModelInfo model)
    {
        if (string.IsNullOrWhiteSpace(value))
            return model.AspectRatios.Contains(ImageFormats.DefaultAspectRatio) ? ImageFormats.DefaultAspectRatio : model.AspectRatios[0];
        return model.AspectRatios.Contains(value.Trim())
            ? value.Trim()
            : throw ApiProblem.Invalid("aspect_ratio", $"aspect_ratio must be one of {string.Join(", ", model.AspectRatios)}.");
    }

    private static string Resolution(string? value, ImageModelInfo model)
    {
        if (string.IsNullOrWhiteSpace(value))
            return model.Resolutions.Contains(ImageFormats.DefaultResolution) ? ImageFormats.DefaultResolution : model.Resolutions[^1];
        var normalized = value.Trim().ToUpperInvariant();
        return model.Resolutions.Contains(normalized)
            ? normalized
            : throw ApiProblem.Invalid("resolution", $"resolution must be one of {string.Join(", ", model.Resolutions)}.");
    }

    private static RouteHandlerBuilder WithSessionErrors(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);

    private static RouteHandlerBuilder WithImageErrors(this RouteHandlerBuilder builder) => builder
        .Produces<ImageSessionResponse>()
        .Produces<ImageJobResponse>(StatusCodes.Status202Accepted)
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status500InternalServerError);
}
