using Likeness.Api.Providers;
using Likeness.Api.Providers.Gemini;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Likeness.Api.Tests.Gemini;

/// <summary>The provider as the app builds it (AddGeminiImageProvider), pointed at an emulator, logs captured.</summary>
public sealed class GeminiProviderHost : IDisposable
{
    private readonly ServiceProvider _services;

    public CapturedLogs Logs { get; } = new();
    public GeminiImageProvider Provider { get; }

    public GeminiProviderHost(GeminiEmulator emulator, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Gemini:ApiKey"] = emulator.ApiKey,
            ["Gemini:BaseUrl"] = emulator.BaseUrl,
            ["Gemini:Model"] = emulator.Model,
            ["Gemini:TimeoutSeconds"] = "30", // generous: a busy machine must not turn a test into a timeout test
            ["Gemini:MaxAttempts"] = "3",
            ["Gemini:RetryBaseDelaySeconds"] = "0.01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddGeminiImageProvider(configuration);
        _services = services.BuildServiceProvider();
        Provider = _services.GetRequiredService<GeminiImageProvider>();
    }

    public IImageProvider ResolveImageProvider() => _services.GetRequiredService<IImageProvider>();

    public void Dispose() => _services.Dispose();
}
