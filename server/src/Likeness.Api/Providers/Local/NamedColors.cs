using System.Globalization;

namespace Likeness.Api.Providers.Local;

/// <summary>The colour names the edit vocabulary understands (CSS basic colours and a few more).</summary>
public static class NamedColors
{
    private static readonly Dictionary<string, (byte R, byte G, byte B)> Table = new(StringComparer.Ordinal)
    {
        ["red"] = (220, 30, 30),
        ["green"] = (30, 160, 60),
        ["blue"] = (30, 80, 220),
        ["yellow"] = (250, 215, 30),
        ["orange"] = (250, 140, 20),
        ["purple"] = (128, 40, 160),
        ["violet"] = (140, 80, 220),
        ["pink"] = (250, 130, 180),
        ["black"] = (0, 0, 0),
        ["white"] = (255, 255, 255),
        ["gray"] = (128, 128, 128),
        ["grey"] = (128, 128, 128),
        ["silver"] = (192, 192, 192),
        ["brown"] = (130, 80, 40),
        ["cyan"] = (0, 200, 220),
        ["aqua"] = (0, 220, 220),
        ["magenta"] = (220, 0, 200),
        ["fuchsia"] = (220, 0, 200),
        ["gold"] = (212, 175, 55),
        ["golden"] = (212, 175, 55),
        ["teal"] = (0, 128, 128),
        ["navy"] = (20, 30, 110),
        ["maroon"] = (128, 0, 0),
        ["olive"] = (128, 128, 0),
        ["lime"] = (120, 230, 40),
        ["indigo"] = (75, 0, 130),
        ["beige"] = (235, 220, 190),
        ["cream"] = (250, 245, 220),
        ["turquoise"] = (64, 224, 208),
        ["lavender"] = (190, 170, 240),
        ["coral"] = (255, 127, 80),
        ["crimson"] = (200, 20, 60),
        ["salmon"] = (250, 128, 114),
        ["tan"] = (210, 180, 140),
        ["khaki"] = (195, 176, 145),
        ["mint"] = (150, 230, 180),
        ["peach"] = (255, 200, 160),
        ["amber"] = (255, 191, 0),
        ["bronze"] = (180, 120, 50),
        ["charcoal"] = (54, 69, 79),
        ["ivory"] = (255, 255, 240),
        ["sky"] = (110, 180, 240),
    };

    /// <summary>The plain colour names, for documentation and error messages.</summary>
    public static IReadOnlyCollection<string> Names => Table.Keys;

    /// <summary>
    /// Parses "red", "dark blue", "light grey", "navy blue", "sky blue" or "#ff8800" (already lower case,
    /// words separated by single spaces). Returns false for anything else.
    /// </summary>
    public static bool TryParse(string text, out NamedColor color)
    {
        color = default;
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            return false;

        if (words.Length == 1 && words[0].Length == 7 && words[0][0] == '#'
            && int.TryParse(words[0].AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex))
        {
            color = new NamedColor(words[0], (byte)(hex >> 16), (byte)(hex >> 8), (byte)hex);
            return true;
        }

        // "navy blue", "sky blue", "lime green", "blood red": the last word names the family, the first the shade.
        if (words.Length == 2 && Table.TryGetValue(words[0], out var shade) && Table.ContainsKey(words[1]))
        {
            color = new NamedColor(text, shade.R, shade.G, shade.B);
            return true;
        }

        var modifier = words.Length == 2 ? words[0] : null;
        var name = words[^1];
        if (words.Length > 2 || !Table.TryGetValue(name, out var rgb))
            return false;

        switch (modifier)
        {
            case null:
                color = new NamedColor(name, rgb.R, rgb.G, rgb.B);
                return true;
            case "dark" or "deep":
                color = new NamedColor(text, Scale(rgb.R, 0.55), Scale(rgb.G, 0.55), Scale(rgb.B, 0.55));
                return true;
            case "light" or "pale" or "pastel":
                color = new NamedColor(text, Lighten(rgb.R), Lighten(rgb.G), Lighten(rgb.B));
                return true;
            case "bright":
                color = new NamedColor(text, Scale(rgb.R, 1.15), Scale(rgb.G, 1.15), Scale(rgb.B, 1.15));
                return true;
            default:
                return false;
        }
    }

    private static byte Scale(byte v, double f) => (byte)Math.Clamp(Math.Round(v * f), 0, 255);

    private static byte Lighten(byte v) => (byte)Math.Round(v + (255 - v) * 0.55);
}
