namespace Likeness.Emulators.Gemini;

/// <summary>Something the <see cref="GeminiEmulator"/> does instead of (or before) answering normally.</summary>
public abstract record GeminiFault
{
    /// <summary>Waits, then answers normally (or not at all, when the client gives up first).</summary>
    public static GeminiFault Slow(TimeSpan delay) => new SlowFault(delay);

    /// <summary>An error status in Google's shape <c>{error:{code,message,status}}</c>, optionally with Retry-After (seconds).</summary>
    public static GeminiFault Status(int code, int? retryAfterSeconds = null) => new StatusFault(code, retryAfterSeconds);

    public static GeminiFault TooManyRequests(int retryAfterSeconds) => new StatusFault(429, retryAfterSeconds);

    /// <summary>200 with a body cut off in the middle of the JSON (when streaming: an event whose JSON is cut off).</summary>
    public static GeminiFault MalformedBody { get; } = new MalformedBodyFault();

    /// <summary>Drops the connection without answering (a transient network error).</summary>
    public static GeminiFault ConnectionDrop { get; } = new ConnectionDropFault();

    /// <summary>The prompt itself is blocked: <c>promptFeedback.blockReason</c>, no candidates.</summary>
    public static GeminiFault PromptBlocked(string blockReason = "SAFETY") => new PromptBlockedFault(blockReason);

    /// <summary>A candidate that stopped for <paramref name="finishReason"/> (IMAGE_SAFETY, RECITATION, …) with no image.</summary>
    public static GeminiFault Finish(string finishReason, string? modelText = null) => new FinishFault(finishReason, modelText);

    /// <summary>finishReason STOP, but only text parts: the model chose not to draw.</summary>
    public static GeminiFault NoImage(string modelText = "I can't make that image, but I can describe it instead.") => new NoImageFault(modelText);

    /// <summary>
    /// A normal answer in which every image, the final one included, is marked <c>thought: true</c> (and so carries
    /// no signature). Google documents that the last image within Thinking is also the final rendered image.
    /// </summary>
    public static GeminiFault OnlyThoughtImages { get; } = new OnlyThoughtImagesFault();

    /// <summary>A normal answer whose connection is dropped after <paramref name="afterChunks"/> chunks were sent.</summary>
    public static GeminiFault StreamBreak(int afterChunks = 2) => new StreamBreakFault(afterChunks);
}

public sealed record SlowFault(TimeSpan Delay) : GeminiFault;
public sealed record StatusFault(int Code, int? RetryAfterSeconds) : GeminiFault;
public sealed record MalformedBodyFault : GeminiFault;
public sealed record ConnectionDropFault : GeminiFault;
public sealed record PromptBlockedFault(string BlockReason) : GeminiFault;
public sealed record FinishFault(string FinishReason, string? ModelText) : GeminiFault;
public sealed record NoImageFault(string ModelText) : GeminiFault;
public sealed record OnlyThoughtImagesFault : GeminiFault;
public sealed record StreamBreakFault(int AfterChunks) : GeminiFault;
