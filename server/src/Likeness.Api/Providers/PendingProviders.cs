// TEMPORARY stand-in so the core builds before the Local provider lands. Deleted on merge.
// (The Gemini stand-in was deleted when the Gemini provider landed.)
using SkiaSharp;
namespace Likeness.Api.Providers.Local
{
    public sealed class LocalImageProvider : IImageProvider
    {
        public string Name => "local";
        public Task<ProviderImage> GenerateImage(string prompt, IReadOnlyList<ProviderImage> referenceImages, string aspectRatio, string resolution, CancellationToken cancellationToken = default)
        {
            var (w, h) = ImageFormats.PixelSize(aspectRatio, resolution);
            using var bmp = new SKBitmap(w, h);
            using (var c = new SKCanvas(bmp)) c.Clear(SKColors.CornflowerBlue);
            using var img = SKImage.FromBitmap(bmp);
            return Task.FromResult(new ProviderImage(img.Encode(SKEncodedImageFormat.Png, 100).ToArray(), "image/png"));
        }
        public Task<ProviderImage> EditImage(string editPrompt, ProviderImage previousImage, IReadOnlyList<ProviderImage> referenceImages, string aspectRatio, string resolution, CancellationToken cancellationToken = default)
        {
            if (editPrompt.Contains("jacket")) throw new ImageRequestDeclinedException($"Could not understand \"{editPrompt}\".");
            using var src = SKBitmap.Decode(previousImage.Bytes);
            using var rotated = new SKBitmap(src.Height, src.Width);
            using (var c = new SKCanvas(rotated)) { c.Translate(rotated.Width, 0); c.RotateDegrees(90); c.DrawBitmap(src, 0, 0); }
            using var img = SKImage.FromBitmap(rotated);
            return Task.FromResult(new ProviderImage(img.Encode(SKEncodedImageFormat.Png, 100).ToArray(), "image/png"));
        }
    }
}
