namespace Likeness.Api.Providers.Gemini;

/// <summary>
/// One Gemini image model and its rules: the aspect ratios and sizes it takes, the pixel size it returns for
/// each, how many input images one request may hold, whether <c>imageConfig.imageSize</c> is sent, and its
/// list prices (USD; the operator may override them, see <see cref="GeminiOptions.Prices"/>).
/// </summary>
public sealed record GeminiModel(
    string Id,
    string Label,
    IReadOnlyList<string> AspectRatios,
    IReadOnlyList<string> Resolutions,
    int MaxInputImages,
    bool SendsImageSize,
    IReadOnlyDictionary<string, decimal> PricePerImageUsd,
    decimal InputPricePerMillionTokensUsd,
    Func<string, string, (int Width, int Height)> OutputSize)
{
    public bool Takes(string aspectRatio, string resolution) => AspectRatios.Contains(aspectRatio) && Resolutions.Contains(resolution);
}

/// <summary>
/// The supported Gemini image models (Google's image-generation guide and pricing page, November 2026).
/// The emulator answers with these sizes too, so the tests and the app agree on one table.
/// </summary>
public static class GeminiModels
{
    public const string Pro = "gemini-3-pro-image";
    public const string ProPreview = "gemini-3-pro-image-preview";
    public const string Flash31 = "gemini-3.1-flash-image";
    public const string Flash25 = "gemini-2.5-flash-image";
    public const string DefaultModel = Pro;

    private static readonly string[] ProRatios = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];
    private static readonly string[] Flash31Ratios = [.. ProRatios, "1:4", "4:1", "1:8", "8:1"];

    /// <summary>Gemini 3 Pro Image at 1K (Google's table); 2K and 4K are twice and four times the sides.</summary>
    private static readonly Dictionary<string, (int W, int H)> Pro1K = new()
    {
        ["1:1"] = (1024, 1024), ["2:3"] = (848, 1264), ["3:2"] = (1264, 848), ["3:4"] = (896, 1200),
        ["4:3"] = (1200, 896), ["4:5"] = (928, 1152), ["5:4"] = (1152, 928), ["9:16"] = (768, 1376),
        ["16:9"] = (1376, 768), ["21:9"] = (1584, 672),
        // Gemini 3.1 Flash Image's extreme ratios (same pixel budget as the others at 1K).
        ["1:4"] = (512, 2048), ["4:1"] = (2048, 512), ["1:8"] = (384, 3072), ["8:1"] = (3072, 384),
    };

    /// <summary>Gemini 2.5 Flash Image always returns about one megapixel.</summary>
    private static readonly Dictionary<string, (int W, int H)> Flash25Sizes = new()
    {
        ["1:1"] = (1024, 1024), ["2:3"] = (832, 1248), ["3:2"] = (1248, 832), ["3:4"] = (864, 1184),
        ["4:3"] = (1184, 864), ["4:5"] = (896, 1152), ["5:4"] = (1152, 896), ["9:16"] = (768, 1344),
        ["16:9"] = (1344, 768), ["21:9"] = (1536, 672),
    };

    private static (int, int) Scaled(string aspectRatio, string resolution)
    {
        if (!Pro1K.TryGetValue(aspectRatio, out var size))
            throw new ArgumentOutOfRangeException(nameof(aspectRatio), aspectRatio, ImageFormats.UnknownAspectRatio);
        return resolution switch
        {
            "512" => (size.W / 2, size.H / 2),
            "1K" => (size.W, size.H),
            "2K" => (size.W * 2, size.H * 2),
            "4K" => (size.W * 4, size.H * 4),
            _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "Unknown image size."),
        };
    }

    private static GeminiModel ProModel(string id, string label) => new(
        id, label, ProRatios, ["1K", "2K", "4K"], MaxInputImages: 14, SendsImageSize: true,
        new Dictionary<string, decimal> { ["1K"] = 0.134m, ["2K"] = 0.134m, ["4K"] = 0.24m },
        InputPricePerMillionTokensUsd: 2.00m, Scaled);

    public static readonly IReadOnlyList<GeminiModel> All =
    [
        ProModel(Pro, "Gemini 3 Pro Image"),
        ProModel(ProPreview, "Gemini 3 Pro Image (preview)"),
        new(Flash31, "Gemini 3.1 Flash Image", Flash31Ratios, ["512", "1K", "2K", "4K"], MaxInputImages: 14, SendsImageSize: true,
            new Dictionary<string, decimal> { ["512"] = 0.045m, ["1K"] = 0.067m, ["2K"] = 0.101m, ["4K"] = 0.151m },
            InputPricePerMillionTokensUsd: 0.50m, Scaled),
        new(Flash25, "Gemini 2.5 Flash Image", ProRatios, ["1K"], MaxInputImages: 3, SendsImageSize: false,
            new Dictionary<string, decimal> { ["1K"] = 0.039m },
            InputPricePerMillionTokensUsd: 0.30m,
            (ratio, _) => Flash25Sizes.TryGetValue(ratio, out var s) ? s
                : throw new ArgumentOutOfRangeException(nameof(ratio), ratio, ImageFormats.UnknownAspectRatio)),
    ];

    public static GeminiModel? Find(string? id) => All.FirstOrDefault(m => m.Id == id);
}
