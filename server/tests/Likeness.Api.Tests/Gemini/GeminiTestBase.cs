using Likeness.Api.Providers.Local;

namespace Likeness.Api.Tests.Gemini;

/// <summary>A fresh emulator (and provider pointed at it) for every test.</summary>
public abstract class GeminiTestBase : IAsyncLifetime
{
    protected GeminiEmulator Emulator { get; private set; } = null!;

    /// <summary>The engine that really makes the emulator's images: the offline Local provider.</summary>
    public static IImageProvider CreateEngine() => new LocalImageProvider();

    /// <summary>
    /// Set <c>LIKENESS_GEMINI_TURN_SECONDS</c> (e.g. 30) to run the Gemini tests with turns as slow as real
    /// ones (<see cref="EmulatorDelays.Realistic"/>); unset, the emulator answers at once. Tests that set their
    /// own delays keep them.
    /// </summary>
    public static EmulatorDelays DefaultDelays { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("LIKENESS_GEMINI_TURN_SECONDS"),
            System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? EmulatorDelays.Realistic(TimeSpan.FromSeconds(seconds))
            : EmulatorDelays.None;

    public static async Task<GeminiEmulator> StartEmulator()
    {
        var emulator = await GeminiEmulator.Start(CreateEngine());
        emulator.Delays = DefaultDelays;
        return emulator;
    }

    public async Task InitializeAsync() => Emulator = await StartEmulator();

    public async Task DisposeAsync() => await Emulator.DisposeAsync();

    protected GeminiProviderHost Host(params (string Key, string? Value)[] settings) =>
        new(Emulator, settings.ToDictionary(s => s.Key, s => s.Value));
}
