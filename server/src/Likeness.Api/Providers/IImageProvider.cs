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
