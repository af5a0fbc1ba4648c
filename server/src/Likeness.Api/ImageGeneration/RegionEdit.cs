using Likeness.Api.Providers;
using SkiaSharp;

namespace Likeness.Api.ImageGeneration;

/// <summary>
/// One region edit in progress: the previous image decoded once, its mask, the overlay a prompt-only engine
/// is shown, and the compositing of whatever the engine answers back into the previous image.
/// </summary>
public sealed class RegionEdit
{
    private readonly RegionMask _mask;
    private readonly byte[] _previous;

    private RegionEdit(RegionMask mask, byte[] previous, ProviderImage overlay)
    {
        _mask = mask;
        _previous = previous;
        Overlay = overlay;
        MaskPng = mask.ToPng();
    }

    /// <summary>The previous image with the region tinted and outlined (PNG).</summary>
    public ProviderImage Overlay { get; }

    /// <summary>The mask as stored with the version.</summary>
    public byte[] MaskPng { get; }

    public static RegionEdit Prepare(string maskPngBase64, byte[] previous, int width, int height, int featherPixelsAt1K)
    {
        var mask = RegionMask.Parse(maskPngBase64, width, height, featherPixelsAt1K);
        using var image = Decode(previous, "previous image");
        using var overlay = mask.DrawOverlay(image);
        return new RegionEdit(mask, previous, new ProviderImage(Encode(overlay), "image/png"));
    }

    /// <summary>The engine's image inside the region (and its feather), the previous image's own pixels outside: a PNG.</summary>
    public ProviderImage Composite(ProviderImage made)
    {
        using var previous = Decode(_previous, "previous image");
        using var edited = Decode(made.Bytes, "engine's image");
        using var result = _mask.Composite(previous, edited);
        return new ProviderImage(Encode(result), "image/png");
    }

    private static SKBitmap Decode(byte[] bytes, string what) =>
        SKBitmap.Decode(bytes) ?? throw new ImageProviderFailedException($"The {what} of a region edit could not be decoded.");

    private static byte[] Encode(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
