// TEMPORARY stand-ins so the core builds before the Local and Gemini providers land. Deleted on merge.
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
namespace Likeness.Api.Providers
{
    public static class PendingGemini
    {
        public static IServiceCollection AddGeminiImageProvider(this IServiceCollection services, IConfiguration configuration) =>
            throw new InvalidOperationException("The Gemini provider has not landed yet.");
    }
}
