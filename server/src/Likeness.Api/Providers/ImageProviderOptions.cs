namespace Likeness.Api.Providers;

/// <summary>The <c>ImageProvider</c> configuration section: which engine makes the images.</summary>
public sealed class ImageProviderOptions
{
    public const string SectionName = "ImageProvider";

    /// <summary><c>Local</c> (default: the offline engine) or <c>Gemini</c> (the <c>Gemini</c> section configures it).</summary>
    public string Kind { get; set; } = ImageProviderKinds.Local;

    public bool IsLocal => Kind.Equals(ImageProviderKinds.Local, StringComparison.OrdinalIgnoreCase);

    public bool IsGemini => Kind.Equals(ImageProviderKinds.Gemini, StringComparison.OrdinalIgnoreCase);
}

public static class ImageProviderKinds
{
    public const string Local = "Local";
    public const string Gemini = "Gemini";
}
