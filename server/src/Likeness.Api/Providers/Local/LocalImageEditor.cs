using SkiaSharp;

namespace Likeness.Api.Providers.Local;

/// <summary>Applies parsed <see cref="EditInstruction"/>s to a bitmap, in order (consecutive colour operations in one pass).</summary>
public static class LocalImageEditor
{
    /// <summary>
    /// Applies <paramref name="instructions"/> in order. Takes ownership of <paramref name="image"/> and returns the
    /// result, which may be the same bitmap modified in place.
    /// </summary>
    public static SKBitmap ApplyAll(SKBitmap image, IReadOnlyList<EditInstruction> instructions, CancellationToken cancellationToken = default)
    {
        var current = image;
        try
        {
            float[]? pending = null; // consecutive colour operations, fused into one matrix and one pass
            foreach (var instruction in instructions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (ColorMatrixFor(instruction) is { } matrix)
                {
                    pending = pending is null ? matrix : Compose(matrix, pending);
                    continue;
                }
                if (pending is not null)
                {
                    current = ColorMatrix(current, pending);
                    pending = null;
                }
                var next = Apply(current, instruction);
                if (!ReferenceEquals(next, current))
                    current.Dispose();
                current = next;
            }
            return pending is null ? current : ColorMatrix(current, pending);
        }
        catch
        {
            current.Dispose();
            throw;
        }
    }

    /// <summary>The colour matrix of a pure colour operation, or null for any other operation.</summary>
    internal static float[]? ColorMatrixFor(EditInstruction instruction)
    {
        var s = instruction.Strength;
        return instruction.Operation switch
        {
            EditOperation.Grayscale => Partly(Grayscale(), instruction.Amount),
            EditOperation.Sepia => Partly(Sepia(), instruction.Amount),
            EditOperation.Brighter => Brighter(Math.Min(0.22f * s, 0.6f)),
            EditOperation.Darker => Scale(1f - Math.Min(0.22f * s, 0.6f)),
            EditOperation.MoreContrast => Contrast(1f + 0.35f * s),
            EditOperation.LessContrast => Contrast(1f / (1f + 0.35f * s)),
            EditOperation.MoreSaturation => Saturation(1f + 0.5f * s),
            EditOperation.LessSaturation => Saturation(1f / (1f + 0.6f * s)),
            EditOperation.Warmer => Warmth(0.08f * s),
            EditOperation.Cooler => Warmth(-0.08f * s),
            EditOperation.Invert => Partly(Invert(), instruction.Amount),
            EditOperation.Tint => Tint(instruction.Color!.Value, Math.Min(0.25f * s, 0.7f)),
            _ => null,
        };
    }

    /// <summary>The matrix <paramref name="amount"/> of the way from the identity to <paramref name="matrix"/> (1: the matrix itself).</summary>
    private static float[] Partly(float[] matrix, float amount)
    {
        if (amount >= 1f)
            return matrix;
        var identity = Matrix(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0);
        return matrix.Select((value, i) => identity[i] + (value - identity[i]) * amount).ToArray();
    }

    /// <summary>The 4x5 colour matrix that applies <paramref name="first"/> and then <paramref name="second"/>.</summary>
    private static float[] Compose(float[] second, float[] first)
    {
        var result = new float[20];
        for (var row = 0; row < 4; row++)
        {
            for (var col = 0; col < 5; col++)
            {
                float sum = col == 4 ? second[row * 5 + 4] : 0;
                for (var k = 0; k < 4; k++)
                    sum += second[row * 5 + k] * first[k * 5 + col];
                result[row * 5 + col] = sum;
            }
        }
        return result;
    }

    /// <summary>
    /// Applies one instruction. Colour operations, borders, text and background work in place and return
    /// <paramref name="source"/>; geometric operations and filters return a new bitmap and leave it unchanged.
    /// </summary>
    public static SKBitmap Apply(SKBitmap source, EditInstruction instruction)
    {
        if (ColorMatrixFor(instruction) is { } matrix)
            return ColorMatrix(source, matrix);
        var s = instruction.Strength;
        return instruction.Operation switch
        {
            EditOperation.Blur => Blur(source, s),
            EditOperation.Sharpen => Sharpen(source, s),
            EditOperation.Rotate => Rotate(source, instruction.Degrees),
            EditOperation.FlipVertical => LocalImaging.Transform(source,
                LocalImaging.OrientationTransform(SKEncodedOrigin.BottomLeft, source.Width, source.Height).Matrix, source.Width, source.Height),
            EditOperation.FlipHorizontal => LocalImaging.Transform(source,
                LocalImaging.OrientationTransform(SKEncodedOrigin.TopRight, source.Width, source.Height).Matrix, source.Width, source.Height),
            EditOperation.Zoom => Zoom(source, instruction.ZoomFactor),
            EditOperation.Pixelate => Pixelate(source, s),
            EditOperation.Border => Border(source, instruction.Color!.Value, instruction.Thickness),
            EditOperation.Background => Background(source, instruction.Color!.Value),
            EditOperation.Text => TextBanner(source, instruction.Text!),
            _ => throw new ArgumentOutOfRangeException(nameof(instruction), instruction.Operation, "Unknown edit operation."),
        };
    }

    // ---- colour matrices (Skia's 4x5 row-major matrix, translation in 0..1) ----

    private static float[] Matrix(float rr, float rg, float rb, float rt, float gr, float gg, float gb, float gt,
        float br, float bg, float bb, float bt) =>
        [rr, rg, rb, 0, rt, gr, gg, gb, 0, gt, br, bg, bb, 0, bt, 0, 0, 0, 1, 0];

    private const float LumaR = 0.299f, LumaG = 0.587f, LumaB = 0.114f;

    private static float[] Grayscale() => Matrix(LumaR, LumaG, LumaB, 0, LumaR, LumaG, LumaB, 0, LumaR, LumaG, LumaB, 0);

    private static float[] Sepia() =>
        Matrix(0.393f, 0.769f, 0.189f, 0, 0.349f, 0.686f, 0.168f, 0, 0.272f, 0.534f, 0.131f, 0);

    private static float[] Scale(float k) => Matrix(k, 0, 0, 0, 0, k, 0, 0, 0, 0, k, 0);

    /// <summary>Moves every channel a fraction <paramref name="k"/> of the way to white (never clips).</summary>
    private static float[] Brighter(float k) => Matrix(1 - k, 0, 0, k, 0, 1 - k, 0, k, 0, 0, 1 - k, k);

    private static float[] Contrast(float c)
    {
        var t = 0.5f * (1 - c);
        return Matrix(c, 0, 0, t, 0, c, 0, t, 0, 0, c, t);
    }

    private static float[] Saturation(float s)
    {
        float r = (1 - s) * LumaR, g = (1 - s) * LumaG, b = (1 - s) * LumaB;
        return Matrix(r + s, g, b, 0, r, g + s, b, 0, r, g, b + s, 0);
    }

    private static float[] Warmth(float w) => w >= 0
        ? Matrix(1 + w, 0, 0, 0.25f * w, 0, 1 + 0.15f * w, 0, 0, 0, 0, 1 - 1.5f * w, 0)
        : Matrix(1 + 1.5f * w, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 - w, -0.25f * w);

    private static float[] Invert() => Matrix(-1, 0, 0, 1, 0, -1, 0, 1, 0, 0, -1, 1);

    private static float[] Tint(NamedColor c, float a) =>
        Matrix(1 - a, 0, 0, a * c.R / 255f, 0, 1 - a, 0, a * c.G / 255f, 0, 0, 1 - a, a * c.B / 255f);

    private static SKBitmap ColorMatrix(SKBitmap source, float[] matrix)
    {
        using var filter = SKColorFilter.CreateColorMatrix(matrix);
        using var paint = new SKPaint { ColorFilter = filter, BlendMode = SKBlendMode.Src };
        // In place: a per-pixel filter reads each pixel before it writes it, so source and target may be one bitmap.
        using (var canvas = new SKCanvas(source))
        using (var image = LocalImaging.AsImage(source))
            canvas.DrawImage(image, 0, 0, LocalImaging.Nearest, paint);
        return source;
    }

    private static SKBitmap Redraw(SKBitmap source, SKPaint paint)
    {
        var result = LocalImaging.NewBitmap(source.Width, source.Height, source.AlphaType);
        using var canvas = new SKCanvas(result);
        using var image = LocalImaging.AsImage(source);
        canvas.DrawImage(image, 0, 0, LocalImaging.Nearest, paint);
        return result;
    }

    // ---- filters ----

    private static float Sigma(SKBitmap b, float fraction, float min) => Math.Max(min, Math.Max(b.Width, b.Height) * fraction);

    /// <summary>
    /// Gaussian blur with a radius relative to the image size. Large radii are blurred on a smaller copy and
    /// scaled back up (indistinguishable for a blur, and many times faster at 4K).
    /// </summary>
    private static SKBitmap Blur(SKBitmap source, float strength)
    {
        var sigma = Sigma(source, 0.005f * strength, 1.5f * strength);
        var factor = Math.Clamp((int)(sigma / 3), 1, 8);
        if (factor == 1)
        {
            using var filter = SKImageFilter.CreateBlur(sigma, sigma, SKShaderTileMode.Clamp);
            using var paint = new SKPaint { ImageFilter = filter, BlendMode = SKBlendMode.Src };
            return Redraw(source, paint);
        }

        int sw = Math.Max(1, source.Width / factor), sh = Math.Max(1, source.Height / factor);
        using var small = LocalImaging.NewBitmap(sw, sh, source.AlphaType);
        using (var canvas = new SKCanvas(small))
        using (var image = LocalImaging.AsImage(source))
        using (var filter = SKImageFilter.CreateBlur(sigma / factor, sigma / factor, SKShaderTileMode.Clamp))
        using (var paint = new SKPaint { BlendMode = SKBlendMode.Src })
        using (var blurPaint = new SKPaint { ImageFilter = filter, BlendMode = SKBlendMode.Src })
        using (var scaled = LocalImaging.NewBitmap(sw, sh, source.AlphaType))
        {
            using (var scaledCanvas = new SKCanvas(scaled))
                scaledCanvas.DrawImage(image, SKRect.Create(source.Width, source.Height), SKRect.Create(sw, sh), LocalImaging.Downscale, paint);
            using var scaledImage = LocalImaging.AsImage(scaled);
            canvas.DrawImage(scaledImage, 0, 0, LocalImaging.Nearest, blurPaint);
        }
        var result = LocalImaging.NewBitmap(source.Width, source.Height, source.AlphaType);
        using (var canvas = new SKCanvas(result))
        using (var image = LocalImaging.AsImage(small))
        using (var paint = new SKPaint { BlendMode = SKBlendMode.Src })
            canvas.DrawImage(image, SKRect.Create(sw, sh), SKRect.Create(source.Width, source.Height), LocalImaging.Linear, paint);
        return result;
    }

    /// <summary>
    /// Unsharp mask with a cross-shaped kernel whose reach grows with the image (1 px up to 2K, 2 px at 4K):
    /// each channel moves away from the mean of its four neighbours. A plain loop over the pixel span: it is
    /// many times faster than Skia's generic convolution and arithmetic filters on the CPU.
    /// </summary>
    private static SKBitmap Sharpen(SKBitmap source, float strength)
    {
        int w = source.Width, h = source.Height;
        var reach = Math.Max(1, (int)Math.Round(Math.Max(w, h) / 2048.0));
        var amount = (int)Math.Round(256 * 0.8f * strength); // fixed point, 256 = 1.0
        var result = LocalImaging.NewBitmap(w, h, source.AlphaType);
        ReadOnlySpan<byte> src = source.GetPixelSpan();
        var dst = result.GetPixelSpan();
        var stride = w * 4;
        for (var y = 0; y < h; y++)
        {
            var up = Math.Max(0, y - reach) * stride;
            var down = Math.Min(h - 1, y + reach) * stride;
            var row = y * stride;
            for (var x = 0; x < w; x++)
            {
                var left = Math.Max(0, x - reach) * 4;
                var right = Math.Min(w - 1, x + reach) * 4;
                var o = row + x * 4;
                int alpha = src[o + 3];
                for (var c = 0; c < 3; c++)
                {
                    int centre = src[o + c];
                    var neighbours = src[row + left + c] + src[row + right + c] + src[up + x * 4 + c] + src[down + x * 4 + c];
                    var value = centre + ((centre * 4 - neighbours) * amount >> 10);
                    dst[o + c] = (byte)(value < 0 ? 0 : value > alpha ? alpha : value);
                }
                dst[o + 3] = (byte)alpha;
            }
        }
        return result;
    }

    private static SKBitmap Rotate(SKBitmap source, int degrees)
    {
        var origin = degrees switch
        {
            90 => SKEncodedOrigin.RightTop,
            180 => SKEncodedOrigin.BottomRight,
            270 => SKEncodedOrigin.LeftBottom,
            _ => SKEncodedOrigin.TopLeft,
        };
        var (matrix, width, height) = LocalImaging.OrientationTransform(origin, source.Width, source.Height);
        return LocalImaging.Transform(source, matrix, width, height);
    }

    /// <summary>Crops the centre 1/factor of the image and scales it back to the same size.</summary>
    private static SKBitmap Zoom(SKBitmap source, float factor)
    {
        float w = source.Width, h = source.Height;
        float cw = w / factor, ch = h / factor;
        var crop = SKRect.Create((w - cw) / 2, (h - ch) / 2, cw, ch);
        var result = LocalImaging.NewBitmap(source.Width, source.Height, source.AlphaType);
        using var canvas = new SKCanvas(result);
        using var image = LocalImaging.AsImage(source);
        using var paint = new SKPaint { BlendMode = SKBlendMode.Src };
        canvas.DrawImage(image, crop, SKRect.Create(w, h), LocalImaging.Linear, paint);
        return result;
    }

    private static SKBitmap Pixelate(SKBitmap source, float strength)
    {
        var longSide = Math.Max(source.Width, source.Height);
        var block = Math.Max(2, (int)Math.Round(longSide / (64f / strength)));
        int sw = (source.Width + block - 1) / block, sh = (source.Height + block - 1) / block;
        using var small = LocalImaging.NewBitmap(sw, sh, source.AlphaType);
        using var image = LocalImaging.AsImage(source);
        using (var canvas = new SKCanvas(small))
        using (var paint = new SKPaint { BlendMode = SKBlendMode.Src })
        {
            canvas.DrawImage(image, SKRect.Create(source.Width, source.Height),
                SKRect.Create(source.Width / (float)block, source.Height / (float)block), LocalImaging.Downscale, paint);
        }
        var result = LocalImaging.NewBitmap(source.Width, source.Height, source.AlphaType);
        using (var canvas = new SKCanvas(result))
        using (var smallImage = LocalImaging.AsImage(small))
        using (var paint = new SKPaint { BlendMode = SKBlendMode.Src })
        {
            canvas.DrawImage(smallImage, SKRect.Create(sw, sh), SKRect.Create(sw * block, sh * block), LocalImaging.Nearest, paint);
        }
        return result;
    }

    private static SKBitmap Border(SKBitmap source, NamedColor color, BorderThickness thickness)
    {
        var fraction = thickness switch { BorderThickness.Thin => 0.015f, BorderThickness.Thick => 0.07f, _ => 0.035f };
        var width = Math.Max(2, (int)Math.Round(Math.Min(source.Width, source.Height) * fraction));
        var result = source;
        using var canvas = new SKCanvas(result);
        using var paint = new SKPaint { Color = new SKColor(color.R, color.G, color.B), BlendMode = SKBlendMode.Src };
        int w = source.Width, h = source.Height;
        canvas.DrawRect(SKRect.Create(0, 0, w, width), paint);
        canvas.DrawRect(SKRect.Create(0, h - width, w, width), paint);
        canvas.DrawRect(SKRect.Create(0, 0, width, h), paint);
        canvas.DrawRect(SKRect.Create(w - width, 0, width, h), paint);
        return result;
    }

    /// <summary>Writes the text in white on a dark translucent banner across the bottom.</summary>
    private static SKBitmap TextBanner(SKBitmap source, string text)
    {
        int w = source.Width, h = source.Height;
        var minSide = Math.Min(w, h);
        var pad = Math.Max(3f, minSide * 0.03f);
        using var font = new SKFont(LocalImaging.Bold, Math.Max(9f, minSide * 0.06f)) { Edging = SKFontEdging.Antialias, Subpixel = true };
        var lines = LocalImaging.WrapText(text, font, w - 2 * pad, 3);
        var lineHeight = font.Spacing;
        var bannerHeight = Math.Min(h, lines.Count * lineHeight + 2 * pad);
        var result = source;
        using var canvas = new SKCanvas(result);
        using (var band = new SKPaint { Color = new SKColor(0, 0, 0, 160), IsAntialias = false })
            canvas.DrawRect(SKRect.Create(0, h - bannerHeight, w, bannerHeight), band);
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        var metrics = font.Metrics;
        var y = h - bannerHeight + pad - metrics.Ascent;
        foreach (var line in lines)
        {
            canvas.DrawText(line, w / 2f, y, SKTextAlign.Center, font, ink);
            y += lineHeight;
        }
        return result;
    }

    /// <summary>
    /// Repaints the background: the area reachable from the image's edges through small colour steps (a flood
    /// fill seeded with every edge pixel) that also stays close to the colour of the edge pixel it started from,
    /// so it follows gradients but does not leak into the subject through soft edges. Its shading is kept
    /// around the new colour.
    /// </summary>
    private static SKBitmap Background(SKBitmap source, NamedColor color)
    {
        int w = source.Width, h = source.Height, n = w * h;
        var result = source;
        var pixels = result.GetPixelSpan();
        var visited = new bool[n];
        var queue = new int[n];
        var origin = new int[n]; // the edge pixel each region pixel was reached from
        var tail = 0;

        // A border painted earlier is a frame, not background: the background starts inside it, and the frame
        // keeps its colour ("add a gold border, then make the background blue" must not recolour the border).
        var frame = FrameWidth(pixels, w, h);
        for (var k = 0; k < frame; k++)
            foreach (var i in Ring(w, h, k))
                visited[i] = true;
        foreach (var i in Ring(w, h, frame))
            Seed(visited, queue, origin, ref tail, i);

        var seeds = tail;
        var head = 0;
        while (head < tail)
        {
            var i = queue[head++];
            var x = i % w;
            if (x > 0) Visit(pixels, visited, queue, origin, ref tail, i, i - 1);
            if (x < w - 1) Visit(pixels, visited, queue, origin, ref tail, i, i + 1);
            if (i >= w) Visit(pixels, visited, queue, origin, ref tail, i, i - w);
            if (i < n - w) Visit(pixels, visited, queue, origin, ref tail, i, i + w);
        }

        // The edge pixels themselves are always in; a real background spreads well beyond them.
        if (tail < Math.Max(n * 0.03, seeds * 3.0))
        {
            throw new ImageRequestDeclinedException(
                "Could not find a plain background to recolour in this image (the local image engine recolours the plain area touching the image's edges).");
        }

        double sum = 0;
        for (var k = 0; k < tail; k++)
        {
            var o = queue[k] * 4;
            sum += LumaR * pixels[o] + LumaG * pixels[o + 1] + LumaB * pixels[o + 2];
        }
        var mean = sum / tail;
        for (var k = 0; k < tail; k++)
        {
            var o = queue[k] * 4;
            var delta = (LumaR * pixels[o] + LumaG * pixels[o + 1] + LumaB * pixels[o + 2] - mean) * 0.6;
            var a = pixels[o + 3];
            pixels[o] = Premul(color.R + delta, a);
            pixels[o + 1] = Premul(color.G + delta, a);
            pixels[o + 2] = Premul(color.B + delta, a);
        }
        return result;
    }

    /// <summary>The pixel indices of the ring <paramref name="k"/> pixels in from the image's edges.</summary>
    private static IEnumerable<int> Ring(int w, int h, int k)
    {
        int left = k, right = w - 1 - k, top = k, bottom = h - 1 - k;
        if (left > right || top > bottom)
            yield break;
        for (var x = left; x <= right; x++)
        {
            yield return top * w + x;
            if (bottom != top)
                yield return bottom * w + x;
        }
        for (var y = top + 1; y < bottom; y++)
        {
            yield return y * w + left;
            if (right != left)
                yield return y * w + right;
        }
    }

    /// <summary>
    /// How many pixels thick a plain frame around the image is (the rings that all have the corner's colour,
    /// with a ring inside them that mostly does not), or 0 when there is none: a plain background that
    /// reaches the edges is not a frame, since the ring where it ends is still mostly background.
    /// </summary>
    private static int FrameWidth(ReadOnlySpan<byte> pixels, int w, int h)
    {
        var max = Math.Min(w, h) / 4;
        var k = 0;
        while (k < max && CountLikeCorner(pixels, w, h, k, out var total) == total)
            k++;
        if (k == 0 || k >= max)
            return 0;
        return CountLikeCorner(pixels, w, h, k, out var inner) < inner / 2 ? k : 0;
    }

    /// <summary>How many pixels of ring <paramref name="k"/> have the top-left corner's colour (of <paramref name="total"/>).</summary>
    private static int CountLikeCorner(ReadOnlySpan<byte> pixels, int w, int h, int k, out int total)
    {
        int like = 0;
        total = 0;
        foreach (var i in Ring(w, h, k))
        {
            total++;
            var o = i * 4;
            if (Math.Abs(pixels[o] - pixels[0]) + Math.Abs(pixels[o + 1] - pixels[1]) + Math.Abs(pixels[o + 2] - pixels[2]) <= StepTolerance)
                like++;
        }
        return like;
    }

    private static void Seed(bool[] visited, int[] queue, int[] origin, ref int tail, int i)
    {
        if (visited[i])
            return;
        visited[i] = true;
        origin[i] = i;
        queue[tail++] = i;
    }

    /// <summary>Largest colour step (sum of channel differences) between neighbouring background pixels.</summary>
    private const int StepTolerance = 24;

    /// <summary>Largest distance from the edge pixel a background pixel was reached from.</summary>
    private const int DriftTolerance = 120;

    private static void Visit(Span<byte> pixels, bool[] visited, int[] queue, int[] origin, ref int tail, int from, int to)
    {
        if (visited[to])
            return;
        int p = to * 4, q = from * 4, s = origin[from] * 4;
        if (Math.Abs(pixels[p] - pixels[q]) + Math.Abs(pixels[p + 1] - pixels[q + 1]) + Math.Abs(pixels[p + 2] - pixels[q + 2]) > StepTolerance)
            return;
        if (Math.Abs(pixels[p] - pixels[s]) + Math.Abs(pixels[p + 1] - pixels[s + 1]) + Math.Abs(pixels[p + 2] - pixels[s + 2]) > DriftTolerance)
            return;
        visited[to] = true;
        origin[to] = origin[from];
        queue[tail++] = to;
    }

    private static byte Premul(double value, byte alpha) =>
        (byte)Math.Clamp(Math.Round(Math.Clamp(value, 0, 255) * alpha / 255.0), 0, 255);
}
