using Likeness.Api.Problems;
using SkiaSharp;

namespace Likeness.Api.ImageGeneration;

/// <summary>
/// A region edit's mask over the current image: white pixels may change, black ones must stay. Its edge is
/// feathered outwards, so that an edit blends in; beyond the painted region and its feather every pixel of
/// the result is the previous image's own (see <see cref="Composite"/>).
/// </summary>
public sealed class RegionMask
{
    public const string NotBase64 = "mask_png_base64 is not valid base64.";
    public const string NotPng = "The mask must be a PNG image (white = may change, black = keep).";
    public const string Empty = "The mask is empty: paint the area to change in white.";
    public const string CoversAll = "The mask covers the whole image; send the edit without a mask to change everything.";

    public static string WrongSize(int width, int height, int imageWidth, int imageHeight) =>
        $"The mask is {width}×{height}; it must be the size of the current image, {imageWidth}×{imageHeight}.";

    /// <summary>A pixel counts as painted when it is at least this light (and opaque enough).</summary>
    private const int PaintedThreshold = 128;

    private readonly bool[] _painted;

    /// <summary>How much of the edit each pixel takes: 255 inside the painted region, falling to 0 across the feather.</summary>
    private readonly byte[] _weights;

    private RegionMask(int width, int height, bool[] painted, int featherPixels)
    {
        Width = width;
        Height = height;
        _painted = painted;
        FeatherPixels = featherPixels;
        _weights = Feather(width, height, painted, featherPixels);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>How far beyond the painted region the edit fades out, in pixels of this image.</summary>
    public int FeatherPixels { get; }

    /// <summary>The share of the image's pixels that were painted, 0 to 1.</summary>
    public double PaintedFraction => (double)_painted.Count(p => p) / _painted.Length;

    /// <summary>The feather for an image of this size: <paramref name="featherPixelsAt1K"/> at a 1024-pixel long side, scaled with it.</summary>
    public static int FeatherFor(int width, int height, int featherPixelsAt1K) =>
        featherPixelsAt1K <= 0 ? 0 : Math.Max(1, (int)Math.Round(featherPixelsAt1K * Math.Max(width, height) / 1024.0));

    /// <summary>
    /// Reads <c>mask_png_base64</c> for an image of <paramref name="imageWidth"/>×<paramref name="imageHeight"/>:
    /// a 400 naming <c>mask_png_base64</c> when it is not base64, not a PNG, the wrong size, empty or all white.
    /// </summary>
    public static RegionMask Parse(string base64, int imageWidth, int imageHeight, int featherPixelsAt1K)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw Invalid(NotBase64);
        }
        if (Storage.ImageInspector.SniffMimeType(bytes) != "image/png")
            throw Invalid(NotPng);
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw Invalid(NotPng);
        if (codec.Info.Width != imageWidth || codec.Info.Height != imageHeight)
            throw Invalid(WrongSize(codec.Info.Width, codec.Info.Height, imageWidth, imageHeight));

        var info = new SKImageInfo(imageWidth, imageHeight, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw Invalid(NotPng);

        var pixels = bitmap.GetPixelSpan();
        var painted = new bool[imageWidth * imageHeight];
        var count = 0;
        for (var i = 0; i < painted.Length; i++)
        {
            var p = pixels.Slice(i * 4, 4);
            // Luma of the pixel over black: a transparent pixel is black (keep).
            var luma = (p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000 * p[3] / 255;
            if (luma >= PaintedThreshold)
            {
                painted[i] = true;
                count++;
            }
        }
        if (count == 0)
            throw Invalid(Empty);
        if (count == painted.Length)
            throw Invalid(CoversAll);
        return new RegionMask(imageWidth, imageHeight, painted, FeatherFor(imageWidth, imageHeight, featherPixelsAt1K));
    }

    private static ApiProblem Invalid(string message) => ApiProblem.Invalid("mask_png_base64", message);

    /// <summary>Whether the pixel at (x, y) was painted.</summary>
    public bool IsPainted(int x, int y) => _painted[y * Width + x];

    /// <summary>How much of the edit the pixel at (x, y) takes, 0 (none: the previous pixel exactly) to 255.</summary>
    public byte WeightAt(int x, int y) => _weights[y * Width + x];

    /// <summary>
    /// The result of a region edit: <paramref name="edited"/> (scaled to the previous image's size first when the
    /// engine answered another size) inside the painted region, blended across the feather, and outside them
    /// <paramref name="previous"/>'s pixels, unchanged.
    /// </summary>
    public SKBitmap Composite(SKBitmap previous, SKBitmap edited)
    {
        if (previous.Width != Width || previous.Height != Height)
            throw new InvalidOperationException($"The mask is {Width}×{Height} but the previous image is {previous.Width}×{previous.Height}.");
        var result = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var before = ToRgba(previous);
        using var after = edited.Width == Width && edited.Height == Height ? ToRgba(edited) : Scaled(edited);
        var source = before.GetPixelSpan();
        var change = after.GetPixelSpan();
        var target = result.GetPixelSpan();
        for (var i = 0; i < _weights.Length; i++)
        {
            var w = _weights[i];
            var o = i * 4;
            if (w == 0)
                source.Slice(o, 4).CopyTo(target.Slice(o, 4));
            else if (w == 255)
                change.Slice(o, 4).CopyTo(target.Slice(o, 4));
            else
                for (var c = 0; c < 4; c++)
                    target[o + c] = (byte)((source[o + c] * (255 - w) + change[o + c] * w + 127) / 255);
        }
        result.NotifyPixelsChanged();
        return result;
    }

    /// <summary>
    /// A copy of <paramref name="image"/> with the painted region tinted a clearly visible magenta and outlined,
    /// to show a prompt-only model which region to change.
    /// </summary>
    public SKBitmap DrawOverlay(SKBitmap image)
    {
        var overlay = ToRgba(image);
        var pixels = overlay.GetPixelSpan();
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++)
            {
                if (!IsPainted(x, y))
                    continue;
                var o = (y * Width + x) * 4;
                var edge = x == 0 || y == 0 || x == Width - 1 || y == Height - 1
                    || !IsPainted(x - 1, y) || !IsPainted(x + 1, y) || !IsPainted(x, y - 1) || !IsPainted(x, y + 1);
                // Magenta, half over the image inside; solid on the outline.
                pixels[o] = edge ? (byte)255 : (byte)((pixels[o] + 255) / 2);
                pixels[o + 1] = edge ? (byte)0 : (byte)(pixels[o + 1] / 2);
                pixels[o + 2] = edge ? (byte)255 : (byte)((pixels[o + 2] + 255) / 2);
                pixels[o + 3] = 255;
            }
        overlay.NotifyPixelsChanged();
        return overlay;
    }

    /// <summary>The mask as stored with its version: a greyscale PNG, white where painted.</summary>
    public byte[] ToPng()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Gray8, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (var i = 0; i < _painted.Length; i++)
            pixels[i] = _painted[i] ? (byte)255 : (byte)0;
        bitmap.NotifyPixelsChanged();
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private SKBitmap Scaled(SKBitmap edited)
    {
        using var rgba = ToRgba(edited);
        var scaled = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        rgba.ScalePixels(scaled, new SKSamplingOptions(SKCubicResampler.Mitchell));
        return scaled;
    }

    /// <summary>The bitmap's pixels as unpremultiplied RGBA (the same values for opaque images, whatever the source's layout).</summary>
    private static SKBitmap ToRgba(SKBitmap bitmap)
    {
        var copy = new SKBitmap(new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var source = bitmap.PeekPixels();
        if (!source.ReadPixels(copy.Info, copy.GetPixels(), copy.RowBytes, 0, 0))
            throw new InvalidOperationException("The image could not be read as RGBA.");
        copy.NotifyPixelsChanged();
        return copy;
    }

    /// <summary>
    /// Weights from a chamfer (3-4) distance transform: a pixel at distance d outside the painted region takes
    /// 255·(1 − d/(feather+1)), none beyond the feather. Two passes over the image, whatever the feather.
    /// </summary>
    private static byte[] Feather(int width, int height, bool[] painted, int feather)
    {
        var weights = new byte[painted.Length];
        if (feather == 0)
        {
            for (var i = 0; i < painted.Length; i++)
                weights[i] = painted[i] ? (byte)255 : (byte)0;
            return weights;
        }
        var far = (ushort)Math.Min(ushort.MaxValue, (feather + 2) * 3);
        var distance = new ushort[painted.Length];
        for (var i = 0; i < painted.Length; i++)
            distance[i] = painted[i] ? (ushort)0 : far;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = y * width + x;
                var d = (int)distance[i];
                if (d == 0) continue;
                if (x > 0) d = Math.Min(d, distance[i - 1] + 3);
                if (y > 0)
                {
                    d = Math.Min(d, distance[i - width] + 3);
                    if (x > 0) d = Math.Min(d, distance[i - width - 1] + 4);
                    if (x < width - 1) d = Math.Min(d, distance[i - width + 1] + 4);
                }
                distance[i] = (ushort)Math.Min(d, far);
            }
        for (var y = height - 1; y >= 0; y--)
            for (var x = width - 1; x >= 0; x--)
            {
                var i = y * width + x;
                var d = (int)distance[i];
                if (d == 0) continue;
                if (x < width - 1) d = Math.Min(d, distance[i + 1] + 3);
                if (y < height - 1)
                {
                    d = Math.Min(d, distance[i + width] + 3);
                    if (x < width - 1) d = Math.Min(d, distance[i + width + 1] + 4);
                    if (x > 0) d = Math.Min(d, distance[i + width - 1] + 4);
                }
                distance[i] = (ushort)Math.Min(d, far);
            }
        for (var i = 0; i < painted.Length; i++)
        {
            var pixels = distance[i] / 3.0;
            weights[i] = pixels > feather ? (byte)0 : (byte)Math.Round(255 * (1 - pixels / (feather + 1)));
        }
        return weights;
    }
}
