using Microsoft.Extensions.Options;

namespace Likeness.Api.Providers.Gemini;

/// <summary>The enabled Gemini models with their rules and prices; chat-mode edits by default.</summary>
internal sealed class GeminiModelCatalog(IOptions<GeminiOptions> options) : IImageModelCatalog
{
    private readonly GeminiOptions _options = options.Value;

    public IReadOnlyList<ImageModelInfo> Models => field ??= _options.Enabled.Select(m => new ImageModelInfo(
        m.Id, "gemini", m.Label, m.AspectRatios, m.Resolutions, m.MaxInputImages, m.Id == _options.EffectiveDefaultModel,
        m.Resolutions.ToDictionary(r => r, r => _options.PricePerImage(m, r) ?? 0m))).ToList();

    public IReadOnlyList<string> EditModes { get; } = [IImageModelCatalog.Chat, IImageModelCatalog.Single];
    public string DefaultEditMode => IImageModelCatalog.Chat;
    public int ChatTurns => _options.ChatTurns;
}
