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
    private static readonly Dictionary<string, (int W, int H)[]> Table = new()
    {
        //            1K             2K             4K
        ["1:1"] = [(1024, 1024), (2048, 2048), (4096, 4096)],
        ["2:3"] = [(848, 1264), (1696, 2528), (3392, 5056)],
        ["3:2"] = [(1264, 848), (2528, 1696), (5056, 3392)],
        ["3:4"] = [(896, 1200), (1792, 2400), (3584, 4800)],
        ["4:3"] = [(1200, 896), (2400, 1792), (4800, 3584)],
        ["4:5"] = [(928, 1152), (1856, 2304), (3712, 4608)],
        ["5:4"] = [(1152, 928), (2304, 1856), (4608, 3712)],
        ["9:16"] = [(768, 1376), (1536, 2752), (3072, 5504)],
        ["16:9"] = [(1376, 768), (2752, 1536), (5504, 3072)],
        ["21:9"] = [(1584, 672), (3168, 1344), (6336, 2688)],
    };

    public static IReadOnlyCollection<string> AspectRatios => Table.Keys;

    public static readonly IReadOnlyList<string> ImageSizes = ["1K", "2K", "4K"];

    /// <summary>Width and height of the image Gemini returns for <paramref name="aspectRatio"/> at <paramref name="imageSize"/>.</summary>
    public static (int Width, int Height) PixelSize(string aspectRatio, string imageSize)
    {
        if (!Table.TryGetValue(aspectRatio, out var sizes))
            throw new ArgumentOutOfRangeException(nameof(aspectRatio), aspectRatio, "Not an aspect ratio of Gemini 3 Pro Image.");
        var index = ImageSizes.ToList().IndexOf(imageSize);
        if (index < 0)
            throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, "Not an image size of Gemini 3 Pro Image.");
        return sizes[index];
    }

    /// <summary>Output tokens billed for one image: 1120 for 1K and 2K, 2000 for 4K.</summary>
    public static int OutputTokens(string imageSize) => imageSize == "4K" ? 2000 : 1120;
}
