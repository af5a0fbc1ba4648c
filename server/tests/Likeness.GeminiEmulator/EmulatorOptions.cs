namespace Likeness.Emulators.Gemini;

/// <summary>
/// Settings of a <see cref="GeminiEmulator"/>. Standalone, they come from the <c>Emulator</c> configuration
/// section: command line (<c>--api-key</c>, <c>--thinking-seconds</c>, … or <c>--Emulator:ApiKey=…</c>) or
/// environment (<c>Emulator__ApiKey</c>, …). docs/gemini.md lists them.
/// </summary>
public sealed class EmulatorOptions
{
    public const string SectionName = "Emulator";

    /// <summary>Command-line switches and the settings they set.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--api-key"] = $"{SectionName}:{nameof(ApiKey)}",
        ["--model"] = $"{SectionName}:{nameof(Model)}",
        ["--thinking-seconds"] = $"{SectionName}:{nameof(ThinkingSeconds)}",
        ["--preview-seconds"] = $"{SectionName}:{nameof(PreviewSeconds)}",
        ["--drawing-seconds"] = $"{SectionName}:{nameof(DrawingSeconds)}",
        ["--previews"] = $"{SectionName}:{nameof(Previews)}",
    };

    /// <summary>The key the emulator accepts in <c>x-goog-api-key</c>; any other key is Google's 400.</summary>
    public string ApiKey { get; set; } = GeminiEmulator.DefaultApiKey;

    /// <summary>The only model it serves; another model in the path is Google's 404.</summary>
    public string Model { get; set; } = GeminiEmulator.DefaultModel;

    /// <summary>Time spent thinking, spread evenly over the thought chunks (before the first one, between the others).</summary>
    public double ThinkingSeconds { get; set; }

    /// <summary>Time before each interim (thought) image.</summary>
    public double PreviewSeconds { get; set; }

    /// <summary>Time before the final image.</summary>
    public double DrawingSeconds { get; set; }

    /// <summary>Interim thought images before the final one: 0, 1 or 2.</summary>
    public int Previews { get; set; } = 2;

    public EmulatorDelays ToDelays() => new(
        TimeSpan.FromSeconds(ThinkingSeconds), TimeSpan.FromSeconds(PreviewSeconds), TimeSpan.FromSeconds(DrawingSeconds));

    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ApiKey))
            throw new ArgumentException("Emulator:ApiKey (--api-key) must not be empty.");
        if (string.IsNullOrWhiteSpace(Model) || Model.Any(c => char.IsWhiteSpace(c) || c is '/' or ':'))
            throw new ArgumentException($"Emulator:Model (--model) must be a model name, not '{Model}'.");
        foreach (var (name, value) in new[] { ("ThinkingSeconds", ThinkingSeconds), ("PreviewSeconds", PreviewSeconds), ("DrawingSeconds", DrawingSeconds) })
            if (!(value is >= 0 and <= 600))
                throw new ArgumentException($"Emulator:{name} must be between 0 and 600 seconds, not {value}.");
        if (Previews is < 0 or > 2)
            throw new ArgumentException($"Emulator:Previews (--previews) must be 0, 1 or 2, not {Previews}.");
    }
}

/// <summary>How long each stage of an answer takes: thinking (over all thought chunks), each preview, drawing.</summary>
public sealed record EmulatorDelays(TimeSpan Thinking, TimeSpan Preview, TimeSpan Drawing)
{
    public static readonly EmulatorDelays None = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    public TimeSpan Total(int previews) => Thinking + Preview * previews + Drawing;
}
