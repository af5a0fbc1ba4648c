using SkiaSharp;

namespace Likeness.Api.Providers.Local;

/// <summary>
/// Generate for the local engine: composes the reference images into a styled canvas — a gradient
/// background from the references' colours, the references as rounded, shadowed cards in a layout that adapts
/// to their count and shapes, the prompt in a caption panel and a discreet "Likeness · local engine" mark.
/// </summary>
public static class LocalImageCompositor
{
    public const string Mark = "Likeness \u00B7 local engine";

    private static readonly SKColor DefaultFrom = new(0x3B, 0x3F, 0x8F);
    private static readonly SKColor DefaultTo = new(0x1F, 0x6F, 0x78);

    /// <summary>
    /// Renders the canvas. The caller keeps ownership of the references. <paramref name="variant"/> (0–3) lays
    /// out a variant of the same turn (<see cref="LocalVariants"/>): the cards start at another reference, odd
    /// variants swap the background's colours, variants 2 and 3 mirror its glow.
    /// </summary>
    public static SKBitmap Compose(string prompt, IReadOnlyList<SKBitmap> references, int width, int height, int variant = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var result = LocalImaging.NewBitmap(width, height);
        using var canvas = new SKCanvas(result);
        float m = Math.Min(width, height);
        var pad = m * 0.05f;

        variant = Math.Max(0, variant) % LocalVariants.Max;
        DrawBackground(canvas, references, width, height, swapColours: variant % 2 == 1, mirrorGlow: variant >= 2);
        if (variant > 0 && references.Count > 1)
            references = references.Skip(variant % references.Count).Concat(references.Take(variant % references.Count)).ToList();

        var captionTop = DrawCaption(canvas, prompt ?? "", width, height, pad, m);
        var area = new SKRect(pad, pad, width - pad, captionTop - pad * 0.6f);
        if (references.Count == 0)
            DrawPlaceholder(canvas, area, m);
        else if (area.Width > 4 && area.Height > 4)
            DrawCards(canvas, references, area, pad, m);

        using (var markFont = new SKFont(LocalImaging.Regular, Math.Max(8f, m * 0.02f)) { Edging = SKFontEdging.Antialias })
        using (var markInk = new SKPaint { Color = new SKColor(255, 255, 255, 150), IsAntialias = true })
        {
            canvas.DrawText(Mark, width - pad * 0.5f, pad * 0.5f - markFont.Metrics.Ascent * 0.5f, SKTextAlign.Right, markFont, markInk);
        }
        return result;
    }

    // ---- background ----

    private static void DrawBackground(SKCanvas canvas, IReadOnlyList<SKBitmap> references, int width, int height,
        bool swapColours = false, bool mirrorGlow = false)
    {
        var (from, to) = Palette(references);
        if (swapColours)
            (from, to) = (to, from);
        var rect = SKRect.Create(width, height);
        using (var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height), [from, to], SKShaderTileMode.Clamp))
        using (var paint = new SKPaint { Shader = shader })
            canvas.DrawRect(rect, paint);

        var longSide = Math.Max(width, height);
        using (var glow = SKShader.CreateRadialGradient(new SKPoint(width * (mirrorGlow ? 0.78f : 0.22f), height * 0.18f), longSide * 0.75f,
                   [Lighten(from, 0.35f).WithAlpha(90), Lighten(from, 0.35f).WithAlpha(0)], SKShaderTileMode.Clamp))
        using (var paint = new SKPaint { Shader = glow })
            canvas.DrawRect(rect, paint);

        var radius = (float)Math.Sqrt((double)width * width + (double)height * height) / 2;
        using (var vignette = SKShader.CreateRadialGradient(new SKPoint(width / 2f, height / 2f), radius,
                   [SKColors.Black.WithAlpha(0), SKColors.Black.WithAlpha(0), SKColors.Black.WithAlpha(120)], [0f, 0.55f, 1f],
                   SKShaderTileMode.Clamp))
        using (var paint = new SKPaint { Shader = vignette })
            canvas.DrawRect(rect, paint);
    }

    /// <summary>Two background colours: the average colour of the first and of the second half of the references, restyled.</summary>
    internal static (SKColor From, SKColor To) Palette(IReadOnlyList<SKBitmap> references)
    {
        if (references.Count == 0)
            return (DefaultFrom, DefaultTo);
        var averages = references.Select(AverageColor).ToList();
        var half = (averages.Count + 1) / 2;
        var first = Mean(averages.Take(half));
        first.ToHsv(out var h1, out var s1, out _);
        float h2, s2;
        if (averages.Count == 1)
        {
            (h2, s2) = ((h1 + 35) % 360, s1);
        }
        else
        {
            Mean(averages.Skip(half)).ToHsv(out h2, out s2, out _);
        }
        return (Styled(h1, s1, 44), Styled(h2, s2, 20));
    }

    private static SKColor Styled(float hue, float saturation, float value)
    {
        var s = saturation < 8 ? saturation : Math.Clamp(saturation, 30, 70);
        return SKColor.FromHsv(hue, s, value);
    }

    private static SKColor Mean(IEnumerable<SKColor> colors)
    {
        var list = colors.ToList();
        return new SKColor((byte)list.Average(c => c.Red), (byte)list.Average(c => c.Green), (byte)list.Average(c => c.Blue));
    }

    internal static SKColor AverageColor(SKBitmap bitmap)
    {
        const int size = 16;
        using var small = LocalImaging.NewBitmap(size, size, bitmap.AlphaType);
        using (var canvas = new SKCanvas(small))
        using (var image = LocalImaging.AsImage(bitmap))
            canvas.DrawImage(image, SKRect.Create(bitmap.Width, bitmap.Height), SKRect.Create(size, size), LocalImaging.Downscale);
        var span = small.GetPixelSpan();
        long r = 0, g = 0, b = 0, a = 0;
        for (var i = 0; i < span.Length; i += 4)
        {
            r += span[i];
            g += span[i + 1];
            b += span[i + 2];
            a += span[i + 3];
        }
        if (a == 0)
            return DefaultFrom;
        // premultiplied sums divided by total alpha = alpha-weighted average colour
        return new SKColor((byte)Math.Min(255, r * 255 / a), (byte)Math.Min(255, g * 255 / a), (byte)Math.Min(255, b * 255 / a));
    }

    private static SKColor Lighten(SKColor c, float k) => new(
        (byte)(c.Red + (255 - c.Red) * k), (byte)(c.Green + (255 - c.Green) * k), (byte)(c.Blue + (255 - c.Blue) * k));

    // ---- caption and placeholder ----

    /// <summary>Draws the prompt panel at the bottom and returns its top (the canvas height without a prompt).</summary>
    private static float DrawCaption(SKCanvas canvas, string prompt, int width, int height, float pad, float m)
    {
        var text = prompt.Trim();
        if (text.Length == 0)
            return height;
        using var font = new SKFont(LocalImaging.Regular, Math.Max(9f, m * 0.038f)) { Edging = SKFontEdging.Antialias, Subpixel = true };
        var inner = font.Size * 0.9f;
        var panelWidth = width - 2 * pad;
        var lines = LocalImaging.WrapText(text, font, panelWidth - 2 * inner, 3);
        if (lines.Count == 0)
            return height;
        var panelHeight = lines.Count * font.Spacing + 2 * inner * 0.8f;
        var panel = SKRect.Create(pad, height - pad - panelHeight, panelWidth, panelHeight);
        var radius = font.Size * 0.7f;
        using (var fill = new SKPaint { Color = new SKColor(0, 0, 0, 96), IsAntialias = true })
            canvas.DrawRoundRect(panel, radius, radius, fill);
        using (var stroke = new SKPaint { Color = new SKColor(255, 255, 255, 48), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = Math.Max(1f, m * 0.0015f) })
            canvas.DrawRoundRect(panel, radius, radius, stroke);

        using var ink = new SKPaint { Color = new SKColor(255, 255, 255, 235), IsAntialias = true };
        var y = panel.Top + inner * 0.8f - font.Metrics.Ascent;
        foreach (var line in lines)
        {
            canvas.DrawText(line, panel.MidX, y, SKTextAlign.Center, font, ink);
            y += font.Spacing;
        }
        return panel.Top;
    }

    private static void DrawPlaceholder(SKCanvas canvas, SKRect area, float m)
    {
        using var font = new SKFont(LocalImaging.Regular, Math.Max(9f, m * 0.035f)) { Edging = SKFontEdging.Antialias };
        using var ink = new SKPaint { Color = new SKColor(255, 255, 255, 120), IsAntialias = true };
        canvas.DrawText("No reference images", area.MidX, area.MidY - font.Metrics.Ascent / 2, SKTextAlign.Center, font, ink);
    }

    // ---- reference cards ----

    private static void DrawCards(SKCanvas canvas, IReadOnlyList<SKBitmap> references, SKRect area, float pad, float m)
    {
        var gap = pad * 0.6f;
        var rects = Layout(references.Select(r => new SKSize(r.Width, r.Height)).ToList(), area, gap);
        for (var i = 0; i < references.Count; i++)
            DrawCard(canvas, references[i], rects[i], m);
    }

    /// <summary>
    /// Places the items in rows: tries every column count, keeps the one where the aspect-preserving items cover
    /// the most area, then centres each row and the block of rows in <paramref name="area"/>.
    /// </summary>
    internal static IReadOnlyList<SKRect> Layout(IReadOnlyList<SKSize> items, SKRect area, float gap)
    {
        var n = items.Count;
        List<SKRect>? best = null;
        double bestArea = -1;
        for (var cols = 1; cols <= n; cols++)
        {
            var rows = (n + cols - 1) / cols;
            var cellW = (area.Width - (cols - 1) * gap) / cols;
            var cellH = (area.Height - (rows - 1) * gap) / rows;
            if (cellW <= 1 || cellH <= 1)
                continue;
            var sizes = items.Select(s =>
            {
                var scale = Math.Min(cellW / s.Width, cellH / s.Height);
                return new SKSize(s.Width * scale, s.Height * scale);
            }).ToList();
            var covered = sizes.Sum(s => (double)s.Width * s.Height);
            if (covered <= bestArea + 1e-6)
                continue;
            bestArea = covered;

            var rowHeights = Enumerable.Range(0, rows)
                .Select(r => sizes.Skip(r * cols).Take(cols).Max(s => s.Height)).ToList();
            var totalHeight = rowHeights.Sum() + (rows - 1) * gap;
            var y = area.MidY - totalHeight / 2;
            var rects = new List<SKRect>(n);
            for (var r = 0; r < rows; r++)
            {
                var row = sizes.Skip(r * cols).Take(cols).ToList();
                var rowWidth = row.Sum(s => s.Width) + (row.Count - 1) * gap;
                var x = area.MidX - rowWidth / 2;
                foreach (var s in row)
                {
                    rects.Add(SKRect.Create(x, y + (rowHeights[r] - s.Height) / 2, s.Width, s.Height));
                    x += s.Width + gap;
                }
                y += rowHeights[r] + gap;
            }
            best = rects;
        }
        return best ?? items.Select(_ => SKRect.Create(area.MidX, area.MidY, 0, 0)).ToList();
    }

    private static void DrawCard(SKCanvas canvas, SKBitmap reference, SKRect rect, float m)
    {
        if (rect.Width < 1 || rect.Height < 1)
            return;
        var radius = Math.Min(rect.Width, rect.Height) * 0.045f;
        using var rrect = new SKRoundRect(rect, radius);

        using (var shadow = SKImageFilter.CreateDropShadowOnly(0, m * 0.008f, m * 0.012f, m * 0.012f, SKColors.Black.WithAlpha(150)))
        using (var paint = new SKPaint { ImageFilter = shadow, IsAntialias = true, Color = SKColors.Black })
            canvas.DrawRoundRect(rrect, paint);

        canvas.Save();
        canvas.ClipRoundRect(rrect, SKClipOperation.Intersect, antialias: true);
        using (var image = LocalImaging.AsImage(reference))
        {
            var shrinking = rect.Width < reference.Width;
            canvas.DrawImage(image, SKRect.Create(reference.Width, reference.Height), rect,
                shrinking ? LocalImaging.Downscale : LocalImaging.Smooth);
        }
        canvas.Restore();

        using var stroke = new SKPaint
        {
            Color = new SKColor(255, 255, 255, 70), IsAntialias = true, Style = SKPaintStyle.Stroke,
            StrokeWidth = Math.Max(1f, m * 0.0015f),
        };
        canvas.DrawRoundRect(rrect, stroke);
    }
}
