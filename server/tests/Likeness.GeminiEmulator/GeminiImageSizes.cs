using Likeness.Api.Providers.Gemini;

namespace Likeness.Emulators.Gemini;

/// <summary>
/// What Gemini 3 Pro Image (<c>gemini-3-pro-image-preview</c>) returns for each <c>imageConfig</c>: the pixel
/// size per aspect ratio and image size, and the output tokens billed for it. Copied from the table
/// "Gemini 3 Pro Image" in Google's image-generation guide
/// (https://ai.google.dev/gemini-api/docs/image-generation, "Aspect ratios and image size"). The emulator's
/// only size table; the Local engine keeps its own sizes and the emulator scales its render to these.
/// </summary>
public static class GeminiImageSizes
{
    public static IReadOnlyCollection<string> AspectRatios => GeminiModels.Find(GeminiModels.Pro)!.AspectRatios;

    public static IReadOnlyList<string> ImageSizes => GeminiModels.Find(GeminiModels.Pro)!.Resolutions;

    /// <summary>Width and height of the image Gemini 3 Pro Image returns for <paramref name="aspectRatio"/> at <paramref name="imageSize"/>.</summary>
    public static (int Width, int Height) PixelSize(string aspectRatio, string imageSize) => PixelSize(GeminiModels.Pro, aspectRatio, imageSize);

    /// <summary>The size <paramref name="model"/> returns (the app's catalogue, <see cref="GeminiModels"/>).</summary>
    public static (int Width, int Height) PixelSize(string model, string aspectRatio, string imageSize)
    {
        var rules = GeminiModels.Find(model) ?? throw new ArgumentOutOfRangeException(nameof(model), model, "Not a catalogue model.");
        if (!rules.AspectRatios.Contains(aspectRatio))
            throw new ArgumentOutOfRangeException(nameof(aspectRatio), aspectRatio, $"Not an aspect ratio of {model}.");
        if (!rules.Resolutions.Contains(imageSize))
            throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, $"Not an image size of {model}.");
        return rules.OutputSize(aspectRatio, imageSize);
    }

    /// <summary>Output tokens billed for one image: 1120 up to 2K, 2000 for 4K.</summary>
    public static int OutputTokens(string imageSize) => imageSize == "4K" ? 2000 : 1120;
}
