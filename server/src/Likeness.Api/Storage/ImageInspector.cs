using SkiaSharp;

namespace Likeness.Api.Storage;

/// <summary>What a fully decoded image is: its type (from its bytes, not from what a client claimed) and size.</summary>
public sealed record ImageFacts(string MimeType, int Width, int Height);

/// <summary>Recognises PNG, JPEG and WebP by their signatures and decodes them to prove they are whole.</summary>
public static class ImageInspector
{
    public static readonly IReadOnlyList<string> AcceptedMimeTypes = ["image/png", "image/jpeg", "image/webp"];

    /// <summary>The MIME type the bytes' signature says, or null when they are not PNG, JPEG or WebP.</summary>
    public static string? SniffMimeType(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 8 && bytes[..8].SequenceEqual((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            return "image/png";
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
            return "image/jpeg";
        if (bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
            return "image/webp";
        return null;
    }

    /// <summary>Reads the header only: the size, or null when it is not a readable image.</summary>
    public static (int Width, int Height)? ReadSize(byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        return codec is null ? null : (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>
    /// Decodes every pixel (refusing more than <paramref name="maxPixels"/> before allocating) and returns
    /// the facts, or null when the bytes are not a whole PNG, JPEG or WebP image.
    /// </summary>
    public static ImageFacts? Decode(byte[] bytes, long maxPixels, out bool tooManyPixels)
    {
        tooManyPixels = false;
        var mimeType = SniffMimeType(bytes);
        if (mimeType is null)
            return null;
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
            return null;
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
            return null;
        if ((long)info.Width * info.Height > maxPixels)
        {
            tooManyPixels = true;
            return new ImageFacts(mimeType, info.Width, info.Height);
        }
        using var bitmap = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        return result == SKCodecResult.Success ? new ImageFacts(mimeType, info.Width, info.Height) : null;
    }

    /// <summary>A PNG whose long side is at most <paramref name="longSide"/> pixels.</summary>
    public static byte[] Thumbnail(byte[] bytes, int longSide = 256)
    {
        using var source = SKBitmap.Decode(bytes)
            ?? throw new InvalidOperationException("The image could not be decoded for its thumbnail.");
        var scale = Math.Min(1.0, (double)longSide / Math.Max(source.Width, source.Height));
        var width = Math.Max(1, (int)Math.Round(source.Width * scale));
        var height = Math.Max(1, (int)Math.Round(source.Height * scale));
        using var resized = source.Resize(new SKImageInfo(width, height), new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var image = SKImage.FromBitmap(resized);
        using var encoded = image.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }
}
