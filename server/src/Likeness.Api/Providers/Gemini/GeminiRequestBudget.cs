using SkiaSharp;

namespace Likeness.Api.Providers.Gemini;

/// <summary>
/// Keeps a generateContent request under Gemini's inline size limit (20 MiB for the whole JSON body,
/// base64 images included). When the inputs do not fit, it first re-encodes the largest ones as JPEG
/// (no visible change, usually a fraction of a PNG's size) and only if that is not enough downsizes the
/// largest ones step by step. Every change is reported so the caller can log it.
/// </summary>
internal static class GeminiRequestBudget
{
    public const int ReencodeQuality = 90;
    public const int DownsizeQuality = 85;
    /// <summary>Largest scale of one downsizing step (a quarter of the side at least).</summary>
    public const double DownsizeStep = 0.75;
    public const int MinLongSide = 256;

    /// <summary>An input image with the name used in the log ("previous image", "reference image 3").</summary>
    public sealed record Input(string Label, ProviderImage Image);

    public sealed record Result(IReadOnlyList<ProviderImage> Images, long RequestBytes, IReadOnlyList<string> Actions);

    /// <summary>Base64 length of <paramref name="byteCount"/> bytes.</summary>
    public static long Base64Length(long byteCount) => 4 * ((byteCount + 2) / 3);

    /// <param name="overheadBytes">Size of the JSON body with every image's data left empty.</param>
    /// <exception cref="ImageProviderFailedException">The inputs cannot be made to fit.</exception>
    public static Result Fit(IReadOnlyList<Input> inputs, long overheadBytes, long maxBytes)
    {
        var images = inputs.Select(i => i.Image).ToArray();
        var actions = new List<string>();
        long Size() => overheadBytes + images.Sum(i => Base64Length(i.Bytes.Length));

        var size = Size();
        if (size <= maxBytes)
            return new Result(images, size, actions);
        actions.Add($"request would be {Mb(size)}, over the {Mb(maxBytes)} budget");

        // 1. Re-encode, largest first, keeping a result only when it is smaller.
        var reencoded = new bool[images.Length];
        while (size > maxBytes)
        {
            var i = Largest(images, k => !reencoded[k] && images[k].MimeType != "image/jpeg");
            if (i < 0) break;
            reencoded[i] = true;
            using var bitmap = Decode(inputs[i].Label, images[i]);
            var jpeg = EncodeJpeg(bitmap, ReencodeQuality);
            if (jpeg.Length < images[i].Bytes.Length)
            {
                actions.Add($"re-encoded {inputs[i].Label} ({bitmap.Width}x{bitmap.Height}) from {images[i].MimeType} " +
                            $"{Mb(images[i].Bytes.Length)} to image/jpeg {Mb(jpeg.Length)}");
                images[i] = new ProviderImage(jpeg, "image/jpeg");
                size = Size();
            }
        }

        // 2. Downsize, largest first, by about as much as the excess asks (at most halving the side per step).
        while (size > maxBytes)
        {
            var i = Largest(images, k => true);
            using var bitmap = Decode(inputs[i].Label, images[i]);
            var longSide = Math.Max(bitmap.Width, bitmap.Height);
            if (longSide <= MinLongSide)
                throw new ImageProviderFailedException(
                    $"The request cannot be brought under {Mb(maxBytes)}: it is {Mb(size)} with every image at " +
                    $"{MinLongSide} px or less. Actions so far: {string.Join("; ", actions)}");
            var current = (double)Base64Length(images[i].Bytes.Length);
            var wanted = Math.Max(current - (size - maxBytes), current / 4);
            var scale = Math.Clamp(Math.Sqrt(wanted / current) * 0.95, 0.5, DownsizeStep);
            var width = Math.Max(1, (int)Math.Round(bitmap.Width * scale));
            var height = Math.Max(1, (int)Math.Round(bitmap.Height * scale));
            using var smaller = bitmap.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul),
                new SKSamplingOptions(SKCubicResampler.Mitchell));
            var jpeg = EncodeJpeg(smaller, DownsizeQuality);
            actions.Add($"downsized {inputs[i].Label} from {bitmap.Width}x{bitmap.Height} {Mb(images[i].Bytes.Length)} " +
                        $"to {width}x{height} image/jpeg {Mb(jpeg.Length)}");
            images[i] = new ProviderImage(jpeg, "image/jpeg");
            size = Size();
        }

        actions.Add($"request is now {Mb(size)}");
        return new Result(images, size, actions);
    }

    private static int Largest(ProviderImage[] images, Func<int, bool> eligible)
    {
        var best = -1;
        for (var k = 0; k < images.Length; k++)
            if (eligible(k) && (best < 0 || images[k].Bytes.Length > images[best].Bytes.Length))
                best = k;
        return best;
    }

    private static SKBitmap Decode(string label, ProviderImage image) =>
        SKBitmap.Decode(image.Bytes)
        ?? throw new ImageProviderFailedException($"The {label} ({image.MimeType}, {image.Bytes.Length} bytes) could not be decoded.");

    /// <summary>JPEG has no transparency: transparent pixels become white rather than black.</summary>
    private static byte[] EncodeJpeg(SKBitmap bitmap, int quality)
    {
        using var surface = SKSurface.Create(new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.White);
        surface.Canvas.DrawBitmap(bitmap, 0, 0);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    internal static string Mb(long bytes) => $"{bytes / 1_000_000.0:0.0#} MB";
}
