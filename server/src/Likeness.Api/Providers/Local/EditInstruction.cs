namespace Likeness.Api.Providers.Local;

/// <summary>One operation of the local image engine's edit vocabulary.</summary>
public enum EditOperation
{
    Grayscale,
    Sepia,
    Brighter,
    Darker,
    MoreContrast,
    LessContrast,
    MoreSaturation,
    LessSaturation,
    Warmer,
    Cooler,
    Blur,
    Sharpen,
    Rotate,
    FlipVertical,
    FlipHorizontal,
    Zoom,
    Invert,
    Pixelate,
    Border,
    Tint,
    Background,
    Text,
}

/// <summary>How thick a border is.</summary>
public enum BorderThickness
{
    Thin,
    Normal,
    Thick,
}

/// <summary>An opaque sRGB colour with the name the user gave it.</summary>
public readonly record struct NamedColor(string Name, byte R, byte G, byte B);

/// <summary>
/// One parsed edit instruction. <see cref="Phrase"/> is the part of the prompt it came from.
/// Only the properties that matter for <see cref="Operation"/> are set.
/// </summary>
public sealed record EditInstruction(EditOperation Operation, string Phrase)
{
    /// <summary>0.5 for "a bit"/"slightly", 1 normally, 2 for "a lot"/"much"/"very".</summary>
    public float Strength { get; init; } = 1f;

    /// <summary>
    /// How much of an all-or-nothing colour operation (black and white, sepia, invert) to apply, 0–1: 1 unless a
    /// variant asks for less (<see cref="LocalVariants"/>).
    /// </summary>
    public float Amount { get; init; } = 1f;

    /// <summary>Clockwise rotation for <see cref="EditOperation.Rotate"/>: 0, 90, 180 or 270.</summary>
    public int Degrees { get; init; }

    /// <summary>Zoom factor for <see cref="EditOperation.Zoom"/> (greater than 1).</summary>
    public float ZoomFactor { get; init; } = 1f;

    /// <summary>Colour for <see cref="EditOperation.Border"/>, <see cref="EditOperation.Tint"/> and <see cref="EditOperation.Background"/>.</summary>
    public NamedColor? Color { get; init; }

    /// <summary>Border thickness for <see cref="EditOperation.Border"/>.</summary>
    public BorderThickness Thickness { get; init; } = BorderThickness.Normal;

    /// <summary>The text for <see cref="EditOperation.Text"/>.</summary>
    public string? Text { get; init; }
}
