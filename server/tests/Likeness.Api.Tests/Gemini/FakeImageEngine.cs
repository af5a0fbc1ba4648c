using Likeness.Api.Providers;
using SkiaSharp;

namespace Likeness.Api.Tests.Gemini;

/// <summary>
/// Stand-in for the Local provider behind the emulator until it lands: generate paints a canvas of the
/// requested size in a colour taken from the prompt, with the references as a strip of thumbnails;
/// edit darkens the previous image and adds a bar, so every edit visibly builds on the last one.
/// </summary>
public sealed class FakeImageEngine : IImageProvider
{
    public string Name => "fake";

    public Task<ProviderImage> GenerateImage(string prompt, IReadOnlyList<ProviderImage> referenceImages, string aspectRatio, string resolution, CancellationToken cancellationToken = default)
    {
        var (width, height) = ImageFormats.PixelSize(aspectRatio, resolution);
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var hash = (uint)StringComparer.Ordinal.GetHashCode(prompt);
        surface.Canvas.Clear(new SKColor((byte)(64 + hash % 128), (byte)(64 + (hash >> 8) % 128), (byte)(64 + (hash >> 16) % 128)));
        var thumb = height / 6;
        for (var i = 0; i < referenceImages.Count; i++)
        {
            using var reference = SKBitmap.Decode(referenceImages[i].Bytes);
            surface.Canvas.DrawBitmap(reference, new SKRect(i * thumb, height - thumb, (i + 1) * thumb, height));
        }
        return Task.FromResult(Encode(surface));
    }

    public Task<ProviderImage> EditImage(string editPrompt, ProviderImage previousImage, IReadOnlyList<ProviderImage> referenceImages, string aspectRatio, string resolution, CancellationToken cancellationToken = default)
    {
        if (editPrompt.Contains("unknown instruction", StringComparison.OrdinalIgnoreCase))
            throw new ImageRequestDeclinedException("The fake engine does not understand that instruction.");
        var (width, height) = ImageFormats.PixelSize(aspectRatio, resolution);
        using var previous = SKBitmap.Decode(previousImage.Bytes);
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.DrawBitmap(previous, new SKRect(0, 0, width, height));
        using var shade = new SKPaint { Color = new SKColor(0, 0, 0, 40) };
        surface.Canvas.DrawRect(0, 0, width, height, shade);
        using var bar = new SKPaint { Color = SKColors.White };
        surface.Canvas.DrawRect(0, 0, width, height / 40f, bar);
        return Task.FromResult(Encode(surface));
    }

    private static ProviderImage Encode(SKSurface surface)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return new ProviderImage(data.ToArray(), "image/png");
    }
}
