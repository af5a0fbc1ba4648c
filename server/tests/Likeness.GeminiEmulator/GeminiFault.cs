namespace Likeness.Emulators.Gemini;

/// <summary>Something the <see cref="GeminiEmulator"/> does instead of (or before) answering normally.</summary>
public abstract record GeminiFault
{
    /// <summary>Waits, then answers normally (or not at all, when the client gives up first).</summary>
    public static GeminiFault Slow(TimeSpan delay) => new SlowFault(delay);

    /// <summary>An error status in Google's shape <c>{error:{code,message,status}}</c>, optionally with Retry-After (seconds).</summary>
    public static GeminiFault Status(int code, int? retryAfterSeconds = null) => new StatusFault(code, retryAfterSeconds);

    public static GeminiFault TooManyRequests(int retryAfterSeconds) => new StatusFault(429, retryAfterSeconds);

    /// <summary>
    /// Gemini's 429 RESOURCE_EXHAUSTED as it really comes: no <c>Retry-After</c> header, a <c>google.rpc.QuotaFailure</c>
    /// (a per-minute or, with <paramref name="perDay"/>, a per-day quota id) and a <c>google.rpc.RetryInfo</c> with
    /// <c>retryDelay</c> (left out when <paramref name="retryDelaySeconds"/> is null).
    /// </summary>
    public static GeminiFault Quota(double? retryDelaySeconds, bool perDay = false) => new QuotaFault(retryDelaySeconds, perDay);

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

    /// <summary>
    /// A normal answer that stops after <paramref name="afterChunks"/> chunks: the connection is dropped, or with
    /// <paramref name="cleanly"/> the response simply ends there (no last chunk, no finish reason).
    /// </summary>
    public static GeminiFault StreamBreak(int afterChunks = 2, bool cleanly = false) => new StreamBreakFault(afterChunks, cleanly);

    /// <summary>
    /// A normal answer that, after <paramref name="afterChunks"/> chunks, sends an error in Google's shape as its
    /// next event (<c>data: {"error": {"code": 500, …}}</c>) and ends: the service failed in the middle.
    /// </summary>
    public static GeminiFault ErrorInStream(int afterChunks = 3) => new ErrorInStreamFault(afterChunks);
}

public sealed record SlowFault(TimeSpan Delay) : GeminiFault;
public sealed record StatusFault(int Code, int? RetryAfterSeconds) : GeminiFault;
public sealed record MalformedBodyFault : GeminiFault;
public sealed record QuotaFault(double? RetryDelaySeconds, bool PerDay) : GeminiFault;
public sealed record ConnectionDropFault : GeminiFault;
public sealed record PromptBlockedFault(string BlockReason) : GeminiFault;
public sealed record FinishFault(string FinishReason, string? ModelText) : GeminiFault;
public sealed record NoImageFault(string ModelText) : GeminiFault;
public sealed record OnlyThoughtImagesFault : GeminiFault;
public sealed record StreamBreakFault(int AfterChunks, bool Cleanly) : GeminiFault;
public sealed record ErrorInStreamFault(int AfterChunks) : GeminiFault;
