using Likeness.Api.Providers;

namespace Likeness.Api.ImageGeneration;

public enum ImageJobKind
{
    Generate,
    Edit,
}

public enum ImageJobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>
/// One generate or edit, run in the background by <see cref="ImageJobRunner"/> so it outlives the request
/// that started it. While it is queued or running it holds a runner lease (<see cref="LeaseToken"/>,
/// <see cref="LeaseUntil"/>), renewed by the process that runs it; a lease that runs out means that
/// process died, and the sweep fails the job.
/// </summary>
public class ImageJob
{
    public Guid Id { get; set; }
    /// <summary>The session owner the job works for.</summary>
    public Guid UserId { get; set; }
    /// <summary>The session an edit changes, or the session a generate made (set when it succeeds).</summary>
    public Guid? SessionId { get; set; }
    public ImageJobKind Kind { get; set; }
    public ImageJobStatus Status { get; set; }
    public ImageJobStage? Stage { get; set; }
    /// <summary>The request as JSON (<see cref="ImageJobRequest"/>).</summary>
    public required string Request { get; set; }
    /// <summary>The HTTP status the waiting endpoint answers for a failure, and its <c>detail</c>.</summary>
    public int? ErrorStatus { get; set; }
    public string? ErrorDetail { get; set; }

    /// <summary>The longest <see cref="ErrorDetail"/> the column holds; a longer one is cut to fit, with "…".</summary>
    public const int ErrorDetailMaxLength = 2000;
    /// <summary>For a 429 failure: the <c>Retry-After</c> the waiting endpoint answers (seconds).</summary>
    public int? ErrorRetryAfterSeconds { get; set; }
    /// <summary>The version a succeeded job made current (with several variants: the first that was made).</summary>
    public Guid? VersionId { get; set; }
    /// <summary>How many variants the job makes (1–4): one model call each, saved as sibling versions.</summary>
    public int Variants { get; set; } = 1;
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>
    /// <see cref="UserId"/> while the job is queued or running, null once it ended. A unique index on it
    /// makes "one running generate or edit per user" hold across processes.
    /// </summary>
    public Guid? ActiveUserId { get; set; }
    /// <summary>The runner's owner token: only the holder renews or releases the lease.</summary>
    public Guid? LeaseToken { get; set; }
    public DateTime? LeaseUntil { get; set; }
    /// <summary>Set by a DELETE on any process; the runner sees it and cancels.</summary>
    public bool CancelRequested { get; set; }

    public bool IsFinished => Status is ImageJobStatus.Succeeded or ImageJobStatus.Failed or ImageJobStatus.Cancelled;
}

/// <summary>
/// One live event of a job, kept in the database so that any process can serve a job's event stream
/// and a late subscriber gets every event so far. <see cref="Id"/> increases: it is the SSE event id.
/// </summary>
public class ImageJobEvent
{
    public long Id { get; set; }
    public Guid JobId { get; set; }
    /// <summary><c>stage</c>, <c>thought</c>, <c>preview</c>, <c>notice</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public required string Name { get; set; }
    /// <summary>The event's JSON data, as sent.</summary>
    public required string Data { get; set; }
    /// <summary>A preview's stored image (swept with the job).</summary>
    public string? ImageKey { get; set; }
    public string? MimeType { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>What a job was asked to do (stored as JSON on the job).</summary>
public sealed record ImageJobRequest(
    Guid? IdentityId,
    string? AdditionalPrompt,
    string? AspectRatio,
    string? Resolution,
    string? EditPrompt,
    string? Model = null,
    string? EditMode = null,
    string? MaskPngBase64 = null,
    int Variants = 1);

/// <summary>Several images per turn: <c>variants</c> on generate and edit.</summary>
public static class ImageVariants
{
    public const int Max = 4;
    public const string OutOfRange = "variants must be between 1 and 4.";

    /// <summary>The requested count (1 when not given), or the 400 naming <c>variants</c>.</summary>
    public static int Check(int? variants) =>
        variants switch
        {
            null => 1,
            >= 1 and <= Max => variants.Value,
            _ => throw Problems.ApiProblem.Invalid("variants", OutOfRange),
        };
}

public static class ImageJobEventNames
{
    public const string Stage = "stage";
    public const string Thought = "thought";
    public const string Preview = "preview";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    /// <summary><c>{"message": "…"}</c>: something the user should know about this image (e.g. references left out).</summary>
    public const string Notice = "notice";
    /// <summary>
    /// One of several variants finished: <c>{index, variants, version_id, image_url, width, height, error}</c>, with
    /// <c>error: {status, detail}</c> (and nulls) when it failed.
    /// </summary>
    public const string Variant = "variant";

    public static bool IsTerminal(string name) => name is Succeeded or Failed or Cancelled;
}
