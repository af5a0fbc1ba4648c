using SkiaSharp;

namespace Likeness.Api.Tests.Infrastructure;

/// <summary>Small images made in code, and the pixel facts tests assert on.</summary>
public static class TestImages
{
    public static byte[] Png(int width, int height, SKColor color) => Encode(width, height, color, SKEncodedImageFormat.Png);

    public static byte[] Jpeg(int width, int height, SKColor color) => Encode(width, height, color, SKEncodedImageFormat.Jpeg);

    public static byte[] Webp(int width, int height, SKColor color) => Encode(width, height, color, SKEncodedImageFormat.Webp);

    /// <summary>A PNG with a distinct colour in each quadrant, so rotations and flips are visible.</summary>
    public static byte[] Quadrants(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Red);
            using var paint = new SKPaint();
            paint.Color = SKColors.Lime; canvas.DrawRect(width / 2, 0, width - width / 2, height / 2, paint);
            paint.Color = SKColors.Blue; canvas.DrawRect(0, height / 2, width / 2, height - height / 2, paint);
            paint.Color = SKColors.Yellow; canvas.DrawRect(width / 2, height / 2, width - width / 2, height - height / 2, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static byte[] Encode(int width, int height, SKColor color, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
            canvas.Clear(color);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    public static SKBitmap Decode(string base64) => Decode(Convert.FromBase64String(base64));

    public static SKBitmap Decode(byte[] bytes) => SKBitmap.Decode(bytes) ?? throw new InvalidOperationException("Not an image.");

    /// <summary>The largest HSV saturation (0..100) over a grid of sample pixels.</summary>
    public static float MaxSaturation(SKBitmap bitmap)
    {
        var max = 0f;
        for (var y = 0; y < bitmap.Height; y += Math.Max(1, bitmap.Height / 40))
            for (var x = 0; x < bitmap.Width; x += Math.Max(1, bitmap.Width / 40))
            {
                bitmap.GetPixel(x, y).ToHsv(out _, out var s, out _);
                max = Math.Max(max, s);
            }
        return max;
    }
}
