using Likeness.Api.Providers;

namespace Likeness.Api.Tests.Gemini;

/// <summary>A fresh emulator (and provider pointed at it) for every test.</summary>
public abstract class GeminiTestBase : IAsyncLifetime
{
    protected GeminiEmulator Emulator { get; private set; } = null!;

    /// <summary>The engine that really makes the emulator's images.</summary>
    public static IImageProvider CreateEngine() => new FakeImageEngine();

    public async Task InitializeAsync() => Emulator = await GeminiEmulator.Start(CreateEngine());

    public async Task DisposeAsync() => await Emulator.DisposeAsync();

    protected GeminiProviderHost Host(params (string Key, string? Value)[] settings) =>
        new(Emulator, settings.ToDictionary(s => s.Key, s => s.Value));
}
