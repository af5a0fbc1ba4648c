using Likeness.Api.Providers;
using Likeness.Api.Providers.Local;

namespace Likeness.Api.Tests.Gemini;

/// <summary>A fresh emulator (and provider pointed at it) for every test.</summary>
public abstract class GeminiTestBase : IAsyncLifetime
{
    protected GeminiEmulator Emulator { get; private set; } = null!;

    /// <summary>The engine that really makes the emulator's images: the offline Local provider.</summary>
    public static IImageProvider CreateEngine() => new LocalImageProvider();

    public async Task InitializeAsync() => Emulator = await GeminiEmulator.Start(CreateEngine());

    public async Task DisposeAsync() => await Emulator.DisposeAsync();

    protected GeminiProviderHost Host(params (string Key, string? Value)[] settings) =>
        new(Emulator, settings.ToDictionary(s => s.Key, s => s.Value));
}
