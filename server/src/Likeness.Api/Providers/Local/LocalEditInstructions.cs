using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Likeness.Api.Providers.Local;

/// <summary>One entry of the documented edit vocabulary.</summary>
public sealed record VocabularyEntry(string Name, string Description, IReadOnlyList<string> Examples);

/// <summary>
/// The pure parser of the local image engine: turns an edit prompt such as
/// <c>make it black and white, then rotate 90 and add a red border</c> into an ordered list of
/// <see cref="EditInstruction"/>s. It knows nothing about pixels.
/// </summary>
public static partial class LocalEditInstructions
{
    /// <summary>Where the vocabulary is documented, relative to the repository root.</summary>
    public const string DocsPath = "docs/local-provider.md";

    /// <summary>Everything the engine understands, in the order the docs and the error message list it.</summary>
    public static readonly IReadOnlyList<VocabularyEntry> Vocabulary =
    [
        new("black and white", "Removes all colour (every pixel gets R = G = B).",
            ["black and white", "make it grayscale", "monochrome", "remove the colour"]),
        new("sepia", "An old-photo brown tone.", ["sepia", "make it vintage"]),
        new("brighter", "Lifts the brightness.", ["brighter", "lighten it a bit", "increase brightness"]),
        new("darker", "Lowers the brightness.", ["darker", "darken", "decrease the brightness"]),
        new("more contrast", "Stretches tones away from mid-grey.", ["more contrast", "increase contrast", "punchier"]),
        new("less contrast", "Pulls tones towards mid-grey.", ["less contrast", "lower the contrast", "flatter"]),
        new("more saturated", "Stronger colours.", ["more saturated", "more vivid", "boost saturation"]),
        new("less saturated", "Weaker colours.", ["less saturated", "desaturate", "muted"]),
        new("warmer", "Shifts colours towards orange.", ["warmer", "warm it up"]),
        new("cooler", "Shifts colours towards blue.", ["cooler", "make it colder"]),
        new("blur", "Softens the whole image.", ["blur", "make it blurry", "soften"]),
        new("sharpen", "Crisper edges (unsharp mask).", ["sharpen", "sharper", "more detail"]),
        new("rotate 90/180/270/left/right", "Rotates clockwise by a right angle (left = 270); 90 and 270 swap width and height.",
            ["rotate 90", "rotate left", "rotate 180 degrees", "turn it upside down"]),
        new("flip", "Flips top to bottom.", ["flip", "flip vertically"]),
        new("mirror", "Flips left to right.", ["mirror", "flip horizontally"]),
        new("zoom in / crop", "Crops the centre and scales it back to the same size (1.25x unless a factor is given).",
            ["zoom in", "zoom in 2x", "crop", "crop 20%"]),
        new("invert", "Photographic negative.", ["invert", "invert the colours", "negative"]),
        new("pixelate", "Large square pixels.", ["pixelate", "pixel art"]),
        new("<colour> border", "A frame painted over the image's edges (white if no colour is named).",
            ["add a red border", "blue frame", "thick gold border"]),
        new("<colour> tint", "Washes the image with a colour.", ["tint it green", "green tint", "more blue"]),
        new("<colour> background", "Repaints the plain area connected to the image's edges (inside a border, never the border itself).",
            ["make the background blue", "light grey background"]),
        new("add text \"...\"", "Writes the quoted text on a banner at the bottom.",
            ["add text \"Happy birthday\"", "caption \"Summer 2026\""]),
    ];

    /// <summary>
    /// The message of the exception thrown for instructions the engine does not understand: what was not
    /// understood and three close instructions. It stays short (a toast, a line of a script's log); the
    /// whole vocabulary is <see cref="Vocabulary"/>, served by <c>GET /api/v1/local-engine/instructions</c>.
    /// </summary>
    public static string UnknownInstructionMessage(IReadOnlyList<string> phrases)
    {
        // A phrase is quoted whole up to 80 characters, then cut: a 4000-character prompt is not repeated back.
        var quoted = phrases.Select(p => $"\"{p.Shorten(80)}\"").ToList();
        var list = quoted.Count == 1 ? quoted[0] : string.Join(", ", quoted.Take(quoted.Count - 1)) + " or " + quoted[^1];
        var suggestions = Suggest(phrases[0]).Select(s => $"\"{s}\"").ToList();
        return $"Could not understand {list}. Try {string.Join(", ", suggestions.Take(suggestions.Count - 1))} or {suggestions[^1]}.";
    }

    /// <summary>
    /// The <paramref name="count"/> instructions closest to <paramref name="phrase"/>: one example from each of the
    /// best matching vocabulary entries (shared words first, then shared letter pairs). A colour the phrase names
    /// is put into the colour instructions ("make the jacket red" suggests "red tint").
    /// </summary>
    public static IReadOnlyList<string> Suggest(string phrase, int count = 3)
    {
        var words = Words(phrase);
        var color = words.Select((_, i) => i).SelectMany(i => new[] { 2, 1 }.Where(n => i + n <= words.Count)
                .Select(n => string.Join(' ', words.Skip(i).Take(n))))
            .FirstOrDefault(w => NamedColors.TryParse(w, out _));
        var pairs = LetterPairs(string.Join(' ', words));
        return Vocabulary
            .Select((entry, order) =>
            {
                var examples = color is not null && entry.Name.StartsWith("<colour>", StringComparison.Ordinal)
                    ? ColorExamples(entry.Name, color)
                    : entry.Examples;
                var best = examples.Select(example =>
                {
                    var exampleWords = Words(example);
                    var shared = exampleWords.Count(words.Contains);
                    var examplePairs = LetterPairs(string.Join(' ', exampleWords));
                    var dice = pairs.Count + examplePairs.Count == 0 ? 0
                        : 2.0 * examplePairs.Count(pairs.Contains) / (pairs.Count + examplePairs.Count);
                    return (Example: example, Score: shared + dice);
                }).MaxBy(x => x.Score);
                return (best.Example, best.Score, Order: order);
            })
            .OrderByDescending(x => x.Score).ThenBy(x => x.Order)
            .Take(count).Select(x => x.Example).ToList();
    }

    private static IReadOnlyList<string> ColorExamples(string entryName, string color) => entryName switch
    {
        "<colour> border" => [$"add a {color} border"],
        "<colour> tint" => [$"{color} tint"],
        _ => [$"make the background {color}"],
    };

    private static List<string> Words(string phrase) =>
        [.. TokenRegex().Matches(phrase.ToLowerInvariant()).Select(m => m.Value).Where(w => !Filler.Contains(w))];

    private static HashSet<string> LetterPairs(string text) =>
        [.. Enumerable.Range(0, Math.Max(0, text.Length - 1)).Select(i => text.Substring(i, 2)).Where(p => !p.Contains(' '))];

    /// <summary>The most instructions one edit may chain (each can cost about a second at 4K).</summary>
    public const int MaxInstructions = 20;

    /// <summary>The most estimated rendering one edit may ask for (<see cref="EstimateRenderMs"/>).</summary>
    public const int RenderBudgetMs = 5000;

    /// <summary>
    /// Rendering time an edit will take, from costs measured on the 2-core development machine (a 4K image,
    /// 9.4 MP: a blur about 250 ms, a sharpen about 200 ms, most other instructions under 50 ms): milliseconds
    /// per megapixel, times the instruction's strength for the blurs and sharpens whose radius grows with it.
    /// </summary>
    public static double EstimateRenderMs(IEnumerable<EditInstruction> instructions, int width, int height)
    {
        var megapixels = (double)width * height / 1_000_000;
        return instructions.Sum(i => megapixels * i.Operation switch
        {
            EditOperation.Blur => 27 * Math.Max(1, i.Strength),
            EditOperation.Sharpen => 22 * Math.Max(1, i.Strength),
            _ => 5,
        });
    }

    /// <summary>How many instructions (understood or not) the prompt chains.</summary>
    public static int CountInstructions(string prompt)
    {
        if (string.IsNullOrWhiteSpace(prompt))
            return 0;
        var text = QuoteRegex().Replace(prompt.Normalize(NormalizationForm.FormKC), " q ");
        text = BlackAndWhiteRegex().Replace(text, $" {BlackAndWhite} ");
        return SeparatorRegex().Split(text).Count(segment => Tokenize(segment, out _).Count > 0);
    }

    /// <summary>
    /// Parses an edit prompt into instructions, in order. Throws <see cref="ArgumentException"/> for an empty
    /// prompt and <see cref="ImageRequestDeclinedException"/> naming every part it does not understand.
    /// </summary>
    public static IReadOnlyList<EditInstruction> Parse(string prompt)
    {
        if (string.IsNullOrWhiteSpace(prompt))
            throw new ArgumentException("Edit prompt is required.", nameof(prompt));

        var quotes = new List<string>();
        var text = QuoteRegex().Replace(prompt.Normalize(NormalizationForm.FormKC), m =>
        {
            var value = m.Groups.Cast<Group>().Skip(1).First(g => g.Success).Value;
            quotes.Add(value);
            return $" {QuoteOpen}{quotes.Count - 1}{QuoteClose} ";
        });
        text = text.Replace('\u2019', '\'').Replace('\u2018', '\'');
        text = BlackAndWhiteRegex().Replace(text, $" {BlackAndWhite} ");

        var instructions = new List<EditInstruction>();
        var unknown = new List<string>();
        foreach (var rawSegment in SeparatorRegex().Split(text))
        {
            var tokens = Tokenize(rawSegment, out var strength);
            if (tokens.Count == 0)
                continue;
            var phrase = RestoreQuotes(rawSegment, quotes).Trim().Trim(':', '-', '\'', ' ');
            var instruction = Interpret(tokens, quotes, phrase, strength);
            if (instruction is null)
                unknown.Add(phrase);
            else
                instructions.Add(instruction);
        }

        if (unknown.Count > 0)
            throw new ImageRequestDeclinedException(UnknownInstructionMessage(unknown));
        if (instructions.Count == 0)
            throw new ImageRequestDeclinedException(UnknownInstructionMessage([prompt.Trim()]));
        return instructions;
    }

    private const char QuoteOpen = '\uE000';
    private const char QuoteClose = '\uE001';

    /// <summary>Stands for "black and white" (and "b&amp;w") so that its "and" is not taken for a separator.</summary>
    private const char BlackAndWhite = '\uE002';

    private static string RestoreQuotes(string segment, List<string> quotes)
    {
        var spaced = WhitespaceRegex().Replace(segment, " ").Replace(BlackAndWhite.ToString(), "black and white");
        return QuotePlaceholderRegex().Replace(spaced, m => $"\"{quotes[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)]}\"");
    }

    private static List<string> Tokenize(string segment, out float strength)
    {
        var lower = segment.ToLowerInvariant();
        strength = StrongRegex().IsMatch(lower) ? 2f : SlightRegex().IsMatch(lower) ? 0.5f : 1f;
        var tokens = new List<string>();
        foreach (Match m in TokenRegex().Matches(lower))
        {
            var token = m.Value[0] == BlackAndWhite ? "black-and-white" : m.Value.TrimEnd('\u00B0');
            if (!Filler.Contains(token))
                tokens.Add(token);
        }
        return tokens;
    }

    private static EditInstruction? Interpret(List<string> tokens, List<string> quotes, string phrase, float strength)
    {
        var result = MatchWithAmount(tokens, quotes, phrase, strength);
        if (result is null && tokens.Count > 1 && LeadingVerbs.Contains(tokens[0]))
            result = MatchWithAmount(tokens.Skip(1).ToList(), quotes, phrase, strength);
        return result;
    }

    /// <summary>"brighter by 20%", "increase the contrast 40%": a percentage sets the strength (20% = normal).</summary>
    private static EditInstruction? MatchWithAmount(List<string> tokens, List<string> quotes, string phrase, float strength)
    {
        var result = Match(tokens, quotes, phrase, strength);
        if (result is not null || tokens.Count < 2 || !tokens[^1].EndsWith('%')
            || !float.TryParse(tokens[^1].AsSpan(0, tokens[^1].Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent)
            || percent <= 0)
            return result;
        result = Match(tokens.Take(tokens.Count - 1).ToList(), quotes, phrase, Math.Clamp(percent / 20f, 0.1f, 3f));
        return result?.Operation is EditOperation.Rotate or EditOperation.FlipHorizontal or EditOperation.FlipVertical
            or EditOperation.Invert or EditOperation.Grayscale or EditOperation.Sepia or EditOperation.Text or EditOperation.Background
            or EditOperation.Border or EditOperation.Zoom
            ? null
            : result;
    }

    private static EditInstruction? Match(List<string> t, List<string> quotes, string phrase, float strength)
    {
        EditInstruction Make(EditOperation op) => new(op, phrase) { Strength = strength };

        // add text "..."
        var quoted = t.Where(x => x[0] == QuoteOpen).ToList();
        if (quoted.Count > 0)
        {
            if (quoted.Count != 1 || t.Any(x => x[0] != QuoteOpen && !TextWords.Contains(x)))
                return null;
            var value = quotes[int.Parse(quoted[0].AsSpan(1, quoted[0].Length - 2), CultureInfo.InvariantCulture)].Trim();
            return value.Length == 0 ? null : Make(EditOperation.Text) with { Text = value };
        }

        var p = string.Join(' ', t);
        if (Phrases.TryGetValue(p, out var op))
            return op == EditOperation.Rotate ? Make(op) with { Degrees = 180 } : Make(op);
        if (t.Count > 1 && Intensifiers.Contains(t[0]) && Phrases.TryGetValue(string.Join(' ', t.Skip(1)), out op))
            return op == EditOperation.Rotate ? null : Make(op);

        if (t.Count == 2)
        {
            var (verb, noun) = Quantities.ContainsKey(t[1]) ? (t[0], t[1]) : (t[1], t[0]);
            if (Quantities.TryGetValue(noun, out var ops))
            {
                if (Increase.Contains(verb))
                    return Make(ops.Up);
                if (Decrease.Contains(verb))
                    return Make(ops.Down);
            }
        }

        return MatchRotate(t, phrase)
            ?? MatchZoom(t, phrase)
            ?? MatchColored(t, BorderWords, BorderExtras, allowNoColor: true, EditOperation.Border, phrase, strength)
            ?? MatchColored(t, TintWords, TintExtras, allowNoColor: false, EditOperation.Tint, phrase, strength)
            ?? MatchColored(t, BackgroundWords, BackgroundExtras, allowNoColor: false, EditOperation.Background, phrase, strength)
            ?? MatchBareColor(t, phrase, strength);
    }

    private static EditInstruction? MatchRotate(List<string> t, string phrase)
    {
        if (!RotateWords.Contains(t[0]) || (t[0] == "turn" && t.Count == 1))
            return null;
        int? degrees = null;
        var direction = 1;
        foreach (var x in t.Skip(1))
        {
            if (int.TryParse(x, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                degrees = n;
            else if (Clockwise.Contains(x))
                direction = 1;
            else if (CounterClockwise.Contains(x))
                direction = -1;
            else if (x is "upside" or "down" or "upside-down" or "around" or "half")
                degrees = 180;
            else if (x is "quarter")
                degrees = 90;
            else
                return null;
        }
        var d = degrees ?? 90;
        if (d % 90 != 0)
            return null;
        return new EditInstruction(EditOperation.Rotate, phrase) { Degrees = ((direction * d % 360) + 360) % 360 };
    }

    private static EditInstruction? MatchZoom(List<string> t, string phrase)
    {
        if (!ZoomWords.Contains(t[0]))
            return null;
        var isCrop = t[0].StartsWith("crop", StringComparison.Ordinal);
        float factor = 1.25f;
        foreach (var x in t.Skip(1))
        {
            if (ZoomExtras.Contains(x))
                continue;
            if (x.EndsWith('x') && float.TryParse(x.AsSpan(0, x.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var f))
                factor = f;
            else if (x.EndsWith('%') && float.TryParse(x.AsSpan(0, x.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var pct))
                factor = isCrop ? (pct < 100 ? 1f / (1f - pct / 100f) : 0f) : (pct > 100 ? pct / 100f : 1f + pct / 100f);
            else if (float.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare))
                factor = bare;
            else
                return null;
        }
        if (!(factor > 1f && factor <= 8f))
            return null;
        return new EditInstruction(EditOperation.Zoom, phrase) { ZoomFactor = factor };
    }

    private static EditInstruction? MatchColored(List<string> t, HashSet<string> keywords, HashSet<string> extras,
        bool allowNoColor, EditOperation op, string phrase, float strength)
    {
        if (t.Count(keywords.Contains) != 1)
            return null;
        var thickness = BorderThickness.Normal;
        var rest = new List<string>();
        foreach (var x in t)
        {
            if (keywords.Contains(x) || extras.Contains(x))
                continue;
            if (op == EditOperation.Border && ThinWords.Contains(x))
                thickness = BorderThickness.Thin;
            else if (op == EditOperation.Border && ThickWords.Contains(x))
                thickness = BorderThickness.Thick;
            else
                rest.Add(x);
        }
        NamedColor color;
        if (rest.Count == 0)
        {
            if (!allowNoColor)
                return null;
            color = new NamedColor("white", 255, 255, 255);
        }
        else if (!NamedColors.TryParse(string.Join(' ', rest), out color))
        {
            return null;
        }
        return new EditInstruction(op, phrase) { Color = color, Thickness = thickness, Strength = strength };
    }

    private static EditInstruction? MatchBareColor(List<string> t, string phrase, float strength)
    {
        var words = t.Count > 1 && Intensifiers.Contains(t[0]) ? t.Skip(1).ToList() : t;
        var text = string.Join(' ', words);
        if (ComparativeColors.TryGetValue(text, out var name))
            text = name;
        return NamedColors.TryParse(text, out var color)
            ? new EditInstruction(EditOperation.Tint, phrase) { Color = color, Strength = strength }
            : null;
    }

    private static readonly Dictionary<string, EditOperation> Phrases = BuildPhrases();

    private static Dictionary<string, EditOperation> BuildPhrases()
    {
        var map = new Dictionary<string, EditOperation>(StringComparer.Ordinal);
        void Add(EditOperation op, params string[] phrases)
        {
            foreach (var phrase in phrases)
                map.Add(phrase, op);
        }

        Add(EditOperation.Grayscale, "black-and-white", "grayscale", "greyscale", "gray-scale", "grey-scale", "monochrome",
            "monochromatic", "mono", "bw", "gray", "grey", "noir", "no colour", "no color", "no colours", "no colors",
            "remove colour", "remove color", "remove colours", "remove colors", "without colour", "without color",
            "without colours", "without colors", "colourless", "colorless", "decolorize", "decolourise", "decolourize",
            "desaturate completely", "desaturate fully", "fully desaturate", "completely desaturate", "grayscale colours",
            "grayscale colors");
        Add(EditOperation.Sepia, "sepia", "vintage", "antique", "old", "old-fashioned", "old fashioned", "aged", "retro");
        Add(EditOperation.Brighter, "brighter", "brighten", "bright", "lighter", "lighten", "light", "brighten up",
            "lighten up", "light up", "less dark", "less darker", "not so dark", "not as dark", "more exposed", "overexpose");
        Add(EditOperation.Darker, "darker", "darken", "dark", "dim", "dimmer", "dimmed", "dim down", "less bright",
            "less light", "less brighter", "not so bright", "not as bright", "underexpose", "moodier", "moody");
        Add(EditOperation.MoreContrast, "contrast", "high contrast", "higher contrast", "contrasty", "punchy", "punchier",
            "stronger contrast", "strong contrast", "crisper contrast", "deeper contrast");
        Add(EditOperation.LessContrast, "low contrast", "lower contrast", "flat", "flatter", "softer contrast",
            "weaker contrast", "soft contrast", "weak contrast");
        Add(EditOperation.MoreSaturation, "saturated", "saturate", "vivid", "vivider", "vibrant", "colorful", "colourful",
            "richer colours", "rich colours", "richer colors", "rich colors", "colours pop", "colors pop", "pop",
            "oversaturate", "oversaturated", "supersaturate", "intense colours", "intense colors", "stronger colours",
            "stronger colors");
        Add(EditOperation.LessSaturation, "desaturate", "desaturated", "unsaturated", "undersaturated", "muted",
            "mute", "muted colours", "muted colors", "duller", "dull", "washed out", "washed-out", "faded", "fade",
            "less saturated", "less vivid", "less vibrant", "less colorful", "less colourful", "softer colours",
            "softer colors", "weaker colours", "weaker colors");
        Add(EditOperation.Warmer, "warmer", "warm", "warm up", "warmer tones", "warm tones", "warmer colours",
            "warmer colors", "warm colours", "warm colors", "less cool", "less cold", "warm glow", "golden hour", "warmer light");
        Add(EditOperation.Cooler, "cooler", "cool", "colder", "cold", "cool down", "cooler tones", "cool tones",
            "cooler colours", "cooler colors", "cool colours", "cool colors", "less warm", "cooler light", "icy");
        Add(EditOperation.Blur, "blur", "blurry", "blurred", "blurrier", "blur out", "soften", "softer", "soft",
            "soft focus", "out focus", "out-of-focus", "unfocused", "defocus", "gaussian blur", "less sharp", "fuzzy",
            "blurred out");
        Add(EditOperation.Sharpen, "sharpen", "sharper", "sharp", "sharpened", "crisp", "crisper", "crispen", "detailed",
            "more detailed", "clearer", "less blurry", "unblur", "deblur", "focus", "sharpen up", "enhance details",
            "enhance detail", "sharpen details", "sharpen edges");
        Add(EditOperation.Invert, "invert", "inverted", "inverse", "negative", "invert colours", "invert colors",
            "inverted colours", "inverted colors", "reverse colours", "reverse colors", "invert colour", "invert color");
        Add(EditOperation.Pixelate, "pixelate", "pixelated", "pixelize", "pixelise", "pixelized", "pixelised", "pixel",
            "pixel art", "pixels", "8-bit", "8bit", "mosaic", "blocky", "pixelation");
        Add(EditOperation.FlipVertical, "flip", "flipped", "flip vertically", "flip vertical", "vertical flip",
            "vertically flip", "flip upside down", "flip upside-down", "flip top bottom", "flip top-to-bottom",
            "flip top-bottom", "mirror vertically", "vertical mirror", "flip y", "flip over", "flipped vertically");
        Add(EditOperation.FlipHorizontal, "mirror", "mirrored", "mirror horizontally", "horizontally mirror",
            "horizontal mirror", "flip horizontally", "flip horizontal", "horizontal flip", "horizontally flip",
            "flip sideways", "flip left right", "flip left-right", "flip left-to-right", "flip right-to-left",
            "flip x", "flipped horizontally", "mirror left right");
        Add(EditOperation.Rotate, "upside down", "upside-down");
        return map;
    }

    private static readonly Dictionary<string, (EditOperation Up, EditOperation Down)> Quantities = new(StringComparer.Ordinal)
    {
        ["brightness"] = (EditOperation.Brighter, EditOperation.Darker),
        ["exposure"] = (EditOperation.Brighter, EditOperation.Darker),
        ["lightness"] = (EditOperation.Brighter, EditOperation.Darker),
        ["light"] = (EditOperation.Brighter, EditOperation.Darker),
        ["contrast"] = (EditOperation.MoreContrast, EditOperation.LessContrast),
        ["saturation"] = (EditOperation.MoreSaturation, EditOperation.LessSaturation),
        ["vibrance"] = (EditOperation.MoreSaturation, EditOperation.LessSaturation),
        ["vibrancy"] = (EditOperation.MoreSaturation, EditOperation.LessSaturation),
        ["vividness"] = (EditOperation.MoreSaturation, EditOperation.LessSaturation),
        ["colour"] = (EditOperation.MoreSaturation, EditOperation.LessSaturation),
        ["color"] = (EditOperation.MoreSaturation, EditOperation.LessSaturation),
        ["colours"] = (EditOperation.MoreSaturation, EditOperation.LessSaturation),
        ["colors"] = (EditOperation.MoreSaturation, EditOperation.LessSaturation),
        ["warmth"] = (EditOperation.Warmer, EditOperation.Cooler),
        ["sharpness"] = (EditOperation.Sharpen, EditOperation.Blur),
        ["detail"] = (EditOperation.Sharpen, EditOperation.Blur),
        ["details"] = (EditOperation.Sharpen, EditOperation.Blur),
        ["clarity"] = (EditOperation.Sharpen, EditOperation.Blur),
        ["definition"] = (EditOperation.Sharpen, EditOperation.Blur),
        ["blur"] = (EditOperation.Blur, EditOperation.Sharpen),
        ["blurriness"] = (EditOperation.Blur, EditOperation.Sharpen),
    };

    private static readonly HashSet<string> Increase =
    [
        "increase", "raise", "boost", "up", "more", "higher", "enhance", "crank", "pump", "bump", "amplify", "intensify",
        "maximize", "maximise", "heighten", "strengthen", "improve", "extra", "max", "stronger", "greater",
    ];

    private static readonly HashSet<string> Decrease =
    [
        "decrease", "reduce", "lower", "less", "down", "lessen", "cut", "drop", "weaken", "minimize", "minimise",
        "diminish", "remove", "fewer", "weaker", "soften",
    ];

    private static readonly HashSet<string> Intensifiers = ["more", "extra", "bit", "even", "further"];

    private static readonly HashSet<string> LeadingVerbs =
    [
        "turn", "change", "convert", "set", "go", "become", "switch", "transform", "render", "do", "get", "have",
        "replace", "paint", "recolor", "recolour", "fill", "show", "looks", "shift", "push", "bring",
    ];

    private static readonly HashSet<string> RotateWords = ["rotate", "rotated", "rotation", "rotating", "turn", "spin"];
    private static readonly HashSet<string> Clockwise = ["clockwise", "cw", "right", "rightward", "rightwards"];

    private static readonly HashSet<string> CounterClockwise =
        ["counterclockwise", "counter-clockwise", "anticlockwise", "anti-clockwise", "ccw", "left", "leftward", "leftwards"];

    private static readonly HashSet<string> ZoomWords =
        ["zoom", "zoomed", "crop", "cropped", "closer", "enlarge", "magnify", "tighter", "punch", "close-up", "closeup"];

    private static readonly HashSet<string> ZoomExtras =
    [
        "closer", "tighter", "tight", "center", "centre", "middle", "centered", "centred", "crop", "cropped", "close",
        "up", "close-up", "edges", "edge", "sides", "more", "bit", "slightly",
    ];

    private static readonly HashSet<string> BorderWords = ["border", "frame", "framed", "outline", "bordered", "edging"];

    private static readonly HashSet<string> BorderExtras =
        ["around", "colored", "coloured", "color", "colour", "solid", "nice", "simple", "plain", "picture", "round"];

    private static readonly HashSet<string> ThinWords = ["thin", "narrow", "slim", "fine", "small", "thinner", "subtle"];
    private static readonly HashSet<string> ThickWords = ["thick", "wide", "heavy", "fat", "big", "thicker", "wider", "bold", "broad"];

    private static readonly HashSet<string> TintWords = ["tint", "tinted", "tinge", "tinged", "wash", "cast", "hue", "overlay", "shade"];
    private static readonly HashSet<string> TintExtras = ["colored", "coloured", "color", "colour", "slight", "subtle", "whole"];
    private static readonly HashSet<string> BackgroundWords = ["background", "backdrop", "bg", "backgrounds"];
    private static readonly HashSet<string> BackgroundExtras = ["colored", "coloured", "color", "colour", "solid", "plain"];

    private static readonly HashSet<string> TextWords =
    [
        "text", "caption", "label", "title", "write", "writing", "words", "word", "saying", "says", "say", "banner",
        "subtitle", "heading", "headline", "message", "bottom", "written", "reads", "reading", "captioned", "titled",
        "tagline", "slogan", "quote", "line",
    ];

    private static readonly Dictionary<string, string> ComparativeColors = new(StringComparer.Ordinal)
    {
        ["redder"] = "red", ["reddish"] = "red", ["greener"] = "green", ["greenish"] = "green",
        ["bluer"] = "blue", ["bluish"] = "blue", ["blueish"] = "blue", ["yellower"] = "yellow",
        ["yellowish"] = "yellow", ["pinker"] = "pink", ["pinkish"] = "pink", ["oranger"] = "orange",
        ["orangey"] = "orange", ["orangish"] = "orange", ["purpler"] = "purple", ["purplish"] = "purple",
        ["browner"] = "brown", ["brownish"] = "brown",
    };

    private static readonly HashSet<string> Filler =
    [
        "please", "pls", "kindly", "can", "could", "would", "will", "you", "make", "makes", "it", "its", "s", "this",
        "that", "the", "image", "picture", "photo", "photograph", "pic", "img", "shot", "a", "an", "bit", "little",
        "slightly", "somewhat", "lot", "lots", "much", "very", "really", "quite", "tad", "touch", "some", "to", "into",
        "of", "now", "also", "just", "effect", "filter", "look", "looks", "looking", "tone", "toned", "tones", "style",
        "styled", "version", "again", "degrees", "degree", "deg", "by", "me", "i", "want", "like", "id", "d", "lets",
        "let", "us", "go", "ahead", "try", "should", "be", "is", "way", "too", "overall", "whole", "entire", "so",
        "significantly", "dramatically", "strongly", "heavily", "extremely", "super", "subtly", "gently", "marginally",
        "considerably", "far", "add", "give", "apply", "put", "draw", "create", "in", "on", "at", "for", "with", "and",
        "then", "hey", "ok", "okay", "instead", "one", "thanks", "thank", "finally", "next", "afterwards", "after",
        "first", "lastly", "mode", "all", "everything", "scene", "result", "output", "current", "same",
    ];

    [GeneratedRegex("\"([^\"]*)\"|\u201C([^\u201D]*)\u201D|\u00AB([^\u00BB]*)\u00BB|(?<![\\p{L}\\p{N}])'([^']*)'(?![\\p{L}\\p{N}])|\u2018([^\u2019]*)\u2019")]
    private static partial Regex QuoteRegex();

    [GeneratedRegex("\uE000(\\d+)\uE001")]
    private static partial Regex QuotePlaceholderRegex();

    [GeneratedRegex(@"\b(?:black\s*(?:and|&|n|'n'|-and-|/)\s*white|b\s*[&/]\s*w)\b", RegexOptions.IgnoreCase)]
    private static partial Regex BlackAndWhiteRegex();

    [GeneratedRegex(@"[,;!?\r\n]|(?<!\d)\.|\.(?!\d)|&|\b(?:and|then|also|plus|afterwards|finally|next|after that|followed by)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SeparatorRegex();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();

    [GeneratedRegex("\uE002|\uE000\\d+\uE001|#[0-9a-f]{6}\\b|[0-9]+-[a-z]+|[+-]?\\d+(?:\\.\\d+)?(?:x|%|\u00B0)?|[a-z0-9]+(?:-[a-z0-9]+)*")]
    private static partial Regex TokenRegex();

    [GeneratedRegex(@"\b(?:a\s+lot|much|very|way|lots|significantly|dramatically|strongly|heavily|extremely|really|super|considerably|far)\b")]
    private static partial Regex StrongRegex();

    [GeneratedRegex(@"\b(?:a\s+(?:little\s+)?bit|a\s+little|slightly|somewhat|a\s+tad|a\s+touch|subtly|gently|marginally)\b")]
    private static partial Regex SlightRegex();
}
