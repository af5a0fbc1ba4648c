using Likeness.Api.Providers;
using SkiaSharp;

namespace Likeness.Api.Tests.Gemini;

/// <summary>Small images made in memory for the Gemini tests.</summary>
public static class GeminiTestImages
{
    public static ProviderImage Solid(int width, int height, SKColor color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(color);
        using var paint = new SKPaint { Color = new SKColor((byte)(255 - color.Red), color.Green, (byte)(255 - color.Blue)) };
        surface.Canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 4f, paint);
        return Encode(surface, format);
    }

    /// <summary>Random pixels: the worst case for every codec, so the size budget has work to do.</summary>
    public static ProviderImage Noise(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 4];
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(pixels.AsSpan());
        var state = (uint)seed * 2654435761u | 1;
        for (var i = 0; i < words.Length; i++)
        {
            state ^= state << 13; state ^= state >> 17; state ^= state << 5; // xorshift32: fast, seeded
            words[i] = state | 0xFF000000; // opaque
        }
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        // zlib level 0 (stored): random pixels do not compress anyway, and storing keeps the tests fast.
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.NoFilters, 0))!;
        return new ProviderImage(data.ToArray(), "image/png");
    }

    public static IReadOnlyList<ProviderImage> References(int count, int width = 256, int height = 256) =>
        Enumerable.Range(0, count)
            .Select(i => Solid(width, height, new SKColor((byte)(20 * i), (byte)(255 - 15 * i), 128)))
            .ToList();

    public static (int Width, int Height) Size(ProviderImage image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image.Bytes));
        return (codec.Info.Width, codec.Info.Height);
    }

    private static ProviderImage Encode(SKSurface surface, SKEncodedImageFormat format)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(format, 90);
        var mime = format switch
        {
            SKEncodedImageFormat.Jpeg => "image/jpeg",
            SKEncodedImageFormat.Webp => "image/webp",
            _ => "image/png",
        };
        return new ProviderImage(data.ToArray(), mime);
    }
}
