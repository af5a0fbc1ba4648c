namespace Likeness.Api.Tests.Infrastructure;

// Test-side shapes of a job's event data (docs/API.md, "Events"): the server writes them from anonymous objects
// (ImageJobRunner, ImageJobEventStream), so there is no production record to read them as. Read with
// Event.DataAs<T>(); a failed event's data ({status, detail}) is the production ImageJobError, a cancelled one's is {}.

/// <summary><c>stage</c>: the job's stage, which only moves forward.</summary>
public sealed record StageEvent(ImageJobStage Stage);

/// <summary><c>thought</c>: a thought summary from the model.</summary>
public sealed record ThoughtEvent(string Text);

/// <summary><c>notice</c>: something the user should know about this image.</summary>
public sealed record NoticeEvent(string Message);

/// <summary><c>preview</c>: an interim image the model drew, served at <see cref="ImageUrl"/>.</summary>
public sealed record PreviewEvent(string ImageUrl, int Width, int Height);

/// <summary>
/// <c>variant</c>: one of several variants made (<see cref="Error"/> null) or failed (the others null). The
/// server writes every field, nulls included: <see cref="Fields"/> names them for tests of that wire shape.
/// </summary>
public sealed record VariantEvent(int Index, int Variants, Guid? VersionId, string? ImageUrl, int? Width, int? Height, ImageJobError? Error)
{
    public static readonly string[] Fields = ["index", "variants", "version_id", "image_url", "width", "height", "error"];
}

/// <summary><c>succeeded</c>: the version made current, every version the job made (by index), and the status.</summary>
public sealed record SucceededEvent(Guid VersionId, List<Guid> VersionIds, ImageSessionResponse Session);
