namespace Likeness.Api.Providers;

/// <summary>The aspect ratios and resolutions the product accepts, and the pixel size they mean.</summary>
public static class ImageFormats
{
    public const string DefaultAspectRatio = "16:9";
    public const string DefaultResolution = "4K";

    /// <summary>The messages of the exceptions a size that got past validation throws (a bug, never a user's error).</summary>
    public const string UnknownAspectRatio = "Unknown aspect ratio.";
    public const string UnknownResolution = "Unknown resolution.";

    public static readonly IReadOnlyList<string> AspectRatios =
        ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];

    public static readonly IReadOnlyList<string> Resolutions = ["1K", "2K", "4K"];

    public static bool IsAspectRatio(string? value) => value is not null && AspectRatios.Contains(value);

    public static bool IsResolution(string? value) => value is not null && Resolutions.Contains(value);

    /// <summary>Length of the long side in pixels: 1K = 1024, 2K = 2048, 4K = 4096.</summary>
    public static int LongSide(string resolution) => resolution switch
    {
        "1K" => 1024,
        "2K" => 2048,
        "4K" => 4096,
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, UnknownResolution),
    };

    /// <summary>Pixel width and height for an aspect ratio at a resolution (the long side is exact).</summary>
    public static (int Width, int Height) PixelSize(string aspectRatio, string resolution)
    {
        if (!IsAspectRatio(aspectRatio))
            throw new ArgumentOutOfRangeException(nameof(aspectRatio), aspectRatio, UnknownAspectRatio);
        var parts = aspectRatio.Split(':');
        int w = int.Parse(parts[0]), h = int.Parse(parts[1]);
        var longSide = LongSide(resolution);
        return w >= h
            ? (longSide, (int)Math.Round(longSide * (double)h / w))
            : ((int)Math.Round(longSide * (double)w / h), longSide);
    }
}
