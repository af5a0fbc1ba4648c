using Likeness.Api.Problems;

namespace Likeness.Api.Providers;

/// <summary>A model users may pick, as <c>GET /api/v1/image-options</c> shows it.</summary>
public sealed record ImageModelInfo(
    string Id,
    string Engine,
    string Label,
    IReadOnlyList<string> AspectRatios,
    IReadOnlyList<string> Resolutions,
    int MaxInputImages,
    bool IsDefault,
    IReadOnlyDictionary<string, decimal>? PricePerImageUsd);

/// <summary>
/// The models and edit modes of the configured engine: the Local engine's one model, or the enabled Gemini
/// models (admin settings <c>Gemini:EnabledModels</c> and <c>Gemini:DefaultModel</c>).
/// </summary>
public interface IImageModelCatalog
{
    public const string Chat = "chat";
    public const string Single = "single";

    IReadOnlyList<ImageModelInfo> Models { get; }
    IReadOnlyList<string> EditModes { get; }
    string DefaultEditMode { get; }
    /// <summary>The most model turns a chat-mode edit sends.</summary>
    int ChatTurns { get; }

    ImageModelInfo Default => Models.First(m => m.IsDefault);

    /// <summary>The model named, or the default; a 400 naming the allowed ones otherwise.</summary>
    ImageModelInfo Resolve(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
            return Default;
        return Models.FirstOrDefault(m => m.Id == model.Trim())
               ?? throw ApiProblem.Invalid("model", $"model must be one of {string.Join(", ", Models.Select(m => m.Id))}.");
    }

    /// <summary>The edit mode named, or the default; a 400 naming the allowed ones otherwise.</summary>
    string ResolveEditMode(string? editMode)
    {
        if (string.IsNullOrWhiteSpace(editMode))
            return DefaultEditMode;
        var value = editMode.Trim().ToLowerInvariant();
        return EditModes.Contains(value)
            ? value
            : throw ApiProblem.Invalid("edit_mode", $"edit_mode must be one of {string.Join(", ", EditModes)}.");
    }
}

/// <summary>The Local engine: one model, stateless edits only.</summary>
public sealed class LocalModelCatalog : IImageModelCatalog
{
    public const string ModelId = "local";

    public IReadOnlyList<ImageModelInfo> Models { get; } =
    [
        new(ModelId, "local", "Offline engine", ImageFormats.AspectRatios, ImageFormats.Resolutions, MaxInputImages: 14, IsDefault: true, null),
    ];

    public IReadOnlyList<string> EditModes { get; } = [IImageModelCatalog.Single];
    public string DefaultEditMode => IImageModelCatalog.Single;
    public int ChatTurns => 0;
}
