using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Likeness.Api.Providers;
using Likeness.Api.Providers.Local;
using Likeness.Api.Storage;
using SkiaSharp;

// Speed and memory of the work a request does: the Local engine's generate and edit, and the decode
// every upload goes through. Targets (2-core CI machine): a 4K edit well under 2 s, a 1K edit under 200 ms.
// In process (no second build of a generated project, which on a busy 2-core machine costs minutes) and
// Monitoring (one call per iteration, no pilot: these take 0.1-5 s each): one warm-up, five measured calls.
BenchmarkSwitcher.FromAssembly(typeof(LocalEngineBenchmarks).Assembly)
    .Run(args, DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
        .WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5).AsDefault()));

[MemoryDiagnoser]
public class LocalEngineBenchmarks
{
    private readonly LocalImageProvider _provider = new();
    private List<ProviderImage> _references = [];
    private ProviderImage _previous1K = null!;
    private ProviderImage _previous4K = null!;
    // In process, every benchmark's setup runs in this one process: the inputs are made once.
    private static (List<ProviderImage>, ProviderImage, ProviderImage)? _inputs;

    [GlobalSetup]
    public async Task Setup()
    {
        if (_inputs is null)
        {
            SKColor[] colours = [SKColors.OrangeRed, SKColors.SeaGreen, SKColors.RoyalBlue, SKColors.Gold];
            var references = colours.Select(c => new ProviderImage(Photo(1200, 1600, c), "image/png")).ToList();
            _inputs = (references,
                await _provider.GenerateImage("A bench portrait", references, "16:9", "1K"),
                await _provider.GenerateImage("A bench portrait", references, "16:9", "4K"));
        }
        (_references, _previous1K, _previous4K) = _inputs.Value;
    }

    [Benchmark]
    public Task<ProviderImage> Generate1K() => _provider.GenerateImage("A bench portrait", _references, "16:9", "1K");

    [Benchmark]
    public Task<ProviderImage> Generate4K() => _provider.GenerateImage("A bench portrait", _references, "16:9", "4K");

    [Benchmark]
    public Task<ProviderImage> Edit1K() => _provider.EditImage("black and white, rotate 90", _previous1K, _references, "16:9", "1K");

    [Benchmark]
    public Task<ProviderImage> Edit4K() => _provider.EditImage("black and white, rotate 90", _previous4K, _references, "16:9", "4K");

    [Benchmark]
    public ImageFacts? DecodeUpload() => ImageInspector.Decode(_references[0].Bytes, 40_000_000, out _);

    [Benchmark]
    public byte[] Thumbnail4K() => ImageInspector.Thumbnail(_previous4K.Bytes);

    /// <summary>A photo-like image: a gradient with noise, so PNG cannot compress it to nothing.</summary>
    private static byte[] Photo(int width, int height, SKColor colour)
    {
        using var bitmap = new SKBitmap(width, height);
        var random = new Random(width * height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var n = random.Next(-20, 20);
                bitmap.SetPixel(x, y, new SKColor(
                    (byte)Math.Clamp(colour.Red * x / width + n, 0, 255),
                    (byte)Math.Clamp(colour.Green * y / height + n, 0, 255),
                    (byte)Math.Clamp(colour.Blue + n, 0, 255)));
            }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
