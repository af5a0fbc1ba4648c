namespace Likeness.Api.Tests.Infrastructure;

/// <summary>
/// Small images made in code (as bytes for uploads, or as <see cref="ProviderImage"/>s for the engines), and the
/// pixel facts tests assert on. The one test-image helper (the Local engine's and the Gemini tests each had their own).
/// </summary>
public static class TestImages
{
    public static byte[] Png(int width, int height, SKColor color) => Encode(width, height, color, SKEncodedImageFormat.Png);

    public static byte[] Jpeg(int width, int height, SKColor color) => Encode(width, height, color, SKEncodedImageFormat.Jpeg);

    public static byte[] Webp(int width, int height, SKColor color) => Encode(width, height, color, SKEncodedImageFormat.Webp);

    /// <summary>A PNG with a distinct colour in each quadrant, so rotations and flips are visible.</summary>
    public static byte[] QuadrantsPng(int width, int height)
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

    // The Local engine's tests: images as the provider takes them, and measures of its output.
    public static ProviderImage Solid(int width, int height, SKColor color, SKEncodedImageFormat format = SKEncodedImageFormat.Png) =>
        Draw(width, height, canvas => canvas.Clear(color), format);

    /// <summary>Four coloured quadrants: red top-left, green top-right, blue bottom-left, yellow bottom-right.</summary>
    public static ProviderImage Quadrants(int width, int height)
    {
        return Draw(width, height, canvas =>
        {
            Fill(canvas, SKRect.Create(0, 0, width / 2f, height / 2f), SKColors.Red);
            Fill(canvas, SKRect.Create(width / 2f, 0, width / 2f, height / 2f), SKColors.Lime);
            Fill(canvas, SKRect.Create(0, height / 2f, width / 2f, height / 2f), SKColors.Blue);
            Fill(canvas, SKRect.Create(width / 2f, height / 2f, width / 2f, height / 2f), SKColors.Yellow);
        });
    }

    /// <summary>A mid-grey image with a single marker block (4x4) at the top-left corner.</summary>
    public static ProviderImage Marked(int width, int height, SKColor background, SKColor marker) =>
        Draw(width, height, canvas =>
        {
            canvas.Clear(background);
            Fill(canvas, SKRect.Create(0, 0, 4, 4), marker);
        });

    /// <summary>A soft photo-like image: a diagonal colour gradient with a few shapes.</summary>
    public static ProviderImage Photo(int width, int height) =>
        Draw(width, height, canvas =>
        {
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [new SKColor(200, 120, 60), new SKColor(60, 110, 170)], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader };
            canvas.DrawRect(SKRect.Create(width, height), paint);
            using var dot = new SKPaint { Color = new SKColor(240, 220, 90), IsAntialias = true };
            canvas.DrawCircle(width * 0.3f, height * 0.4f, Math.Min(width, height) * 0.2f, dot);
            using var bar = new SKPaint { Color = new SKColor(40, 40, 50) };
            canvas.DrawRect(SKRect.Create(width * 0.55f, height * 0.2f, width * 0.1f, height * 0.6f), bar);
        });

    /// <summary>Vertical mid-tone stripes, 4 px wide: lots of edges that can be softened or sharpened.</summary>
    public static ProviderImage Stripes(int width, int height) =>
        Draw(width, height, canvas =>
        {
            canvas.Clear(new SKColor(80, 90, 100));
            using var paint = new SKPaint { Color = new SKColor(170, 160, 150) };
            for (var x = 0; x < width; x += 8)
                canvas.DrawRect(SKRect.Create(x, 0, 4, height), paint);
        });

    // The Gemini tests: references and answers that differ from each other, and a worst case for the codecs.

    /// <summary>A colour with a disc of another colour in the middle (so a re-encode or a crop shows).</summary>
    public static ProviderImage Disc(int width, int height, SKColor color, SKEncodedImageFormat format = SKEncodedImageFormat.Png) =>
        Draw(width, height, canvas =>
        {
            canvas.Clear(color);
            using var paint = new SKPaint { Color = new SKColor((byte)(255 - color.Red), color.Green, (byte)(255 - color.Blue)) };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 4f, paint);
        }, format);

    /// <summary><paramref name="count"/> reference images, each its own colour.</summary>
    public static IReadOnlyList<ProviderImage> References(int count, int width = 256, int height = 256) =>
        Enumerable.Range(0, count)
            .Select(i => Disc(width, height, new SKColor((byte)(20 * i), (byte)(255 - 15 * i), 128)))
            .ToList();

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

    /// <summary>An image's size, read from its header without decoding the pixels.</summary>
    public static (int Width, int Height) Size(ProviderImage image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image.Bytes));
        return (codec.Info.Width, codec.Info.Height);
    }

    public static ProviderImage Draw(int width, int height, Action<SKCanvas> draw, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
            draw(canvas);
        using var data = bitmap.Encode(format, 95);
        var mime = format switch
        {
            SKEncodedImageFormat.Jpeg => "image/jpeg",
            SKEncodedImageFormat.Webp => "image/webp",
            _ => "image/png",
        };
        return new ProviderImage(data.ToArray(), mime);
    }

    private static void Fill(SKCanvas canvas, SKRect rect, SKColor color)
    {
        using var paint = new SKPaint { Color = color };
        canvas.DrawRect(rect, paint);
    }

    public static SKBitmap Decode(ProviderImage image)
    {
        Assert.Equal("image/png", image.MimeType);
        Assert.True(image.Bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "expected PNG bytes");
        return SKBitmap.Decode(image.Bytes) ?? throw new InvalidOperationException("Output does not decode.");
    }

    public static double MeanLuminance(SKBitmap bitmap) => Mean(bitmap, c => 0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue);

    public static double Mean(SKBitmap bitmap, Func<SKColor, double> value, SKRectI? region = null)
    {
        var r = region ?? new SKRectI(0, 0, bitmap.Width, bitmap.Height);
        var pixels = bitmap.Pixels; // one native call instead of one per GetPixel
        double sum = 0;
        for (var y = r.Top; y < r.Bottom; y++)
            for (var x = r.Left; x < r.Right; x++)
                sum += value(pixels[y * bitmap.Width + x]);
        return sum / (r.Width * r.Height);
    }

    /// <summary>Mean HSV saturation in 0..100.</summary>
    public static double MeanSaturation(SKBitmap bitmap) => Mean(bitmap, c =>
    {
        c.ToHsv(out _, out var s, out _);
        return s;
    });

    /// <summary>Mean absolute difference between horizontally adjacent pixels (a sharpness measure).</summary>
    public static double EdgeEnergy(SKBitmap bitmap)
    {
        double sum = 0;
        for (var y = 0; y < bitmap.Height; y++)
            for (var x = 1; x < bitmap.Width; x++)
            {
                SKColor a = bitmap.GetPixel(x - 1, y), b = bitmap.GetPixel(x, y);
                sum += Math.Abs(a.Red - b.Red) + Math.Abs(a.Green - b.Green) + Math.Abs(a.Blue - b.Blue);
            }
        return sum / (bitmap.Height * (bitmap.Width - 1));
    }

    public static bool Near(SKColor actual, SKColor expected, int tolerance = 3) =>
        Math.Abs(actual.Red - expected.Red) <= tolerance
        && Math.Abs(actual.Green - expected.Green) <= tolerance
        && Math.Abs(actual.Blue - expected.Blue) <= tolerance;

    public static void AssertNear(SKColor expected, SKColor actual, int tolerance = 3) =>
        Assert.True(Near(actual, expected, tolerance), $"expected about {expected}, got {actual}");
}
