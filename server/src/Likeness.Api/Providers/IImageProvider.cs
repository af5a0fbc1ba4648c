namespace Likeness.Api.Providers;

/// <summary>
/// The image engine behind generate and edit (the plan's GeminiImageService). Implementations:
/// <c>LocalImageProvider</c> (offline, embedded default) and <c>GeminiImageProvider</c>.
/// </summary>
public interface IImageProvider
{
    /// <summary>Short name stored with every image version ("local", "gemini").</summary>
    string Name { get; }

    /// <summary>Whether <see cref="EditImage"/> looks at the reference images (if not, they are not read for edits).</summary>
    bool EditsUseReferenceImages => true;

    /// <summary>
    /// Checks an edit prompt before any work starts and throws <c>ApiProblem</c> (400) for one the engine
    /// will not take at all (more instructions, or more work, than one request may run on an image of
    /// <paramref name="width"/>×<paramref name="height"/>).
    /// </summary>
    void CheckEditPrompt(string editPrompt, int width, int height) { }

    /// <summary>
    /// Checks a region edit's prompt before any work starts: an engine throws <c>ApiProblem</c> (400) for
    /// instructions that change the image's size or orientation, which a region cannot hold.
    /// </summary>
    void CheckRegionEditPrompt(string editPrompt) { }

    /// <summary>
    /// How many calls one job may run at once when it makes several variants of a turn (each still waits for
    /// the engine's own limits: the Local engine's render slots, Gemini's <c>Gemini:MaxConcurrentCalls</c>).
    /// </summary>
    int MaxParallelVariants => 4;

    /// <summary>Makes a new image from the prompt and the identity's reference images.</summary>
    Task<ProviderImage> GenerateImage(
        string prompt,
        IReadOnlyList<ProviderImage> referenceImages,
        string aspectRatio,
        string resolution,
        CancellationToken cancellationToken = default,
        IImageProgress? progress = null);

    /// <summary>Edits <paramref name="previousImage"/> as the prompt says, with the reference images as context.</summary>
    Task<ProviderImage> EditImage(
        string editPrompt,
        ProviderImage previousImage,
        IReadOnlyList<ProviderImage> referenceImages,
        string aspectRatio,
        string resolution,
        CancellationToken cancellationToken = default,
        IImageProgress? progress = null);

    /// <summary>
    /// Makes one image for <paramref name="request"/>: a generate (no previous image), a stateless edit, or
    /// (engines that keep conversations) a chat-mode edit. Returns the image with what the engine can say
    /// about it (its answer's parts, usage, cost). The default runs <see cref="GenerateImage"/> or
    /// <see cref="EditImage"/>.
    /// </summary>
    async Task<ImageResult> MakeImage(ImageRequest request, CancellationToken cancellationToken = default, IImageProgress? progress = null)
    {
        var references = request.References.Select(r => r.Image).ToList();
        var image = request.PreviousImage is { } previous
            ? await EditImage(request.Prompt, previous, references, request.AspectRatio, request.Resolution, cancellationToken, progress)
            : await GenerateImage(request.Prompt, references, request.AspectRatio, request.Resolution, cancellationToken, progress);
        return new ImageResult(image);
    }
}

/// <summary>What the orchestrator asks an engine for (see <see cref="IImageProvider.MakeImage"/>).</summary>
public sealed record ImageRequest
{
    public required string Prompt { get; init; }
    /// <summary>The image to edit; null for a generate.</summary>
    public ProviderImage? PreviousImage { get; init; }
    public required IReadOnlyList<ReferenceInput> References { get; init; }
    public required string AspectRatio { get; init; }
    public required string Resolution { get; init; }
    /// <summary>The model the session uses (null: the engine's default).</summary>
    public string? Model { get; init; }
    /// <summary>Chat mode: the conversation so far along the version path (null: the stateless request).</summary>
    public ChatHistory? Chat { get; init; }

    /// <summary>
    /// A region edit: a copy of the previous image with the region to change tinted and outlined in magenta,
    /// for engines that take no mask (the orchestrator keeps everything outside the region as it was).
    /// </summary>
    public ProviderImage? RegionOverlay { get; init; }

    /// <summary>
    /// Which of the turn's variants this call makes (0 for the first, up to 3). Engines that sample (Gemini)
    /// differ by themselves; the Local engine, which is deterministic, varies its layout or strength by it.
    /// </summary>
    public int Variant { get; init; }
}

/// <summary>A reference image and the store key it came from (the Files API remembers uploads by it).</summary>
public sealed record ReferenceInput(string StorageKey, ProviderImage Image);

/// <summary>
/// The conversation before a chat-mode edit. The first user turn is <see cref="Turns"/>[0]'s prompt, then
/// <see cref="StartImage"/> (when the window does not reach the root: the image that turn edited), then the
/// references; each turn's model answer follows its prompt.
/// </summary>
public sealed record ChatHistory(ProviderImage? StartImage, IReadOnlyList<ChatTurn> Turns);

/// <summary>One exchange: the user's prompt, the model's stored answer and the image it refers to (original bytes).</summary>
public sealed record ChatTurn(string UserPrompt, ModelAnswer Answer, ProviderImage Image);

/// <summary>
/// A model's answer as stored with its version: its parts in order, each thought flag and signature exactly
/// as received; the image part refers to the version's stored image.
/// </summary>
public sealed record ModelAnswer(IReadOnlyList<AnswerPart> Parts)
{
    /// <summary>Whether it can be sent back as a model turn: its image part is there, and signed.</summary>
    public bool CanReplay => Parts.Count(p => p.Image) == 1 && Parts.Where(p => p.Image).All(p => p.ThoughtSignature is { Length: > 0 })
                             && !Parts.Any(p => p.OtherImage && !p.Thought);
}

/// <summary>
/// One stored part: <see cref="Text"/>, or <see cref="Image"/> (the version's image), or an image that was
/// not kept (<see cref="OtherImage"/>: a thought image, or a second image).
/// </summary>
public sealed record AnswerPart
{
    public string? Text { get; init; }
    public bool Image { get; init; }
    public bool OtherImage { get; init; }
    public bool Thought { get; init; }
    public string? ThoughtSignature { get; init; }
}

/// <summary>Tokens of one call (Gemini's <c>usageMetadata</c>) and the estimated cost from the catalogue's prices.</summary>
public sealed record ImageUsage(
    int PromptTokens, int OutputTokens, int ThoughtsTokens, int CachedTokens, int TotalTokens, int OutputImageTokens,
    decimal? EstimatedCostUsd);

/// <summary>An engine's answer: the image and what it can tell about it.</summary>
public sealed record ImageResult(ProviderImage Image)
{
    public ModelAnswer? Answer { get; init; }
    public ImageUsage? Usage { get; init; }
    /// <summary>The model that made it (null: not a model, e.g. the Local engine).</summary>
    public string? Model { get; init; }
}

/// <summary>The model's quota is used up (429). The user is told when to try again.</summary>
public sealed class ImageQuotaExceededException(string message, TimeSpan retryAfter, bool daily)
    : ImageProviderFailedException(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
    public bool Daily { get; } = daily;

    public string UserMessage => Daily
        ? "The image model's quota is used up. Try again tomorrow."
        : $"The image model's quota is used up. Try again in {Minutes} {(Minutes == 1 ? "minute" : "minutes")}.";

    private int Minutes => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalMinutes));
}

/// <summary>Encoded image bytes and their MIME type (image/png, image/jpeg or image/webp).</summary>
public sealed record ProviderImage(byte[] Bytes, string MimeType);

/// <summary>
/// The provider understood the request and declined it (an edit instruction it does not know, a safety
/// block, no image in the answer). The message is shown to the user as is; the API answers 422.
/// </summary>
public class ImageRequestDeclinedException(string message) : Exception(message);

/// <summary>
/// The provider could not be reached or failed. The user sees the plan's
/// "Image generation failed. Please try again." (500); the message and inner exception go to the log.
/// </summary>
public class ImageProviderFailedException(string message, Exception? innerException = null)
    : Exception(message, innerException);
