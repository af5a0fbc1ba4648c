using Likeness.Api.Providers.Gemini;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Tests.Gemini;

public sealed class GeminiOptionsTests
{
    private static async Task<Exception?> StartHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddGeminiImageProvider(builder.Configuration);
        using var host = builder.Build();
        try
        {
            await host.StartAsync();
            await host.StopAsync();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    [Fact]
    public async Task Start_up_without_a_key_fails_naming_the_setting()
    {
        var failure = await StartHost([]);

        var validation = Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains("Gemini:ApiKey is missing", validation.Message);
        Assert.Contains("GEMINI_API_KEY", validation.Message);
    }

    [Fact]
    public async Task GEMINI_API_KEY_supplies_the_key()
    {
        Assert.Null(await StartHost(new() { ["GEMINI_API_KEY"] = "from-the-environment" }));

        var services = new ServiceCollection().AddLogging();
        services.AddGeminiImageProvider(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GEMINI_API_KEY"] = "from-the-environment",
        }).Build());
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<GeminiOptions>>().Value;
        Assert.Equal("from-the-environment", options.ApiKey);
        Assert.Equal("https://generativelanguage.googleapis.com", options.BaseUrl);
        Assert.Equal("gemini-3-pro-image", options.Model);
        Assert.Equal((180, 120, 600), (options.TimeoutSeconds, options.StreamIdleTimeoutSeconds, options.TotalTimeoutSeconds));
        Assert.IsType<GeminiImageProvider>(provider.GetRequiredService<IImageProvider>());
    }

    [Fact]
    public async Task Gemini_ApiKey_wins_over_GEMINI_API_KEY()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddGeminiImageProvider(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gemini:ApiKey"] = "from-settings",
            ["GEMINI_API_KEY"] = "from-the-environment",
        }).Build());
        await using var provider = services.BuildServiceProvider();
        Assert.Equal("from-settings", provider.GetRequiredService<IOptions<GeminiOptions>>().Value.ApiKey);
    }

    [Theory]
    [InlineData("Gemini:BaseUrl", "not a url", "Gemini:BaseUrl must be an absolute http(s) URL")]
    [InlineData("Gemini:Model", "models/x", "Gemini:Model must be a model name")]
    [InlineData("Gemini:TimeoutSeconds", "0", "Gemini:TimeoutSeconds must be between")]
    [InlineData("Gemini:StreamIdleTimeoutSeconds", "0", "Gemini:StreamIdleTimeoutSeconds must be between 0.05 and 3600")]
    [InlineData("Gemini:TotalTimeoutSeconds", "9000", "Gemini:TotalTimeoutSeconds must be between 0.1 and 7200")]
    [InlineData("Gemini:MaxAttempts", "0", "Gemini:MaxAttempts must be between 1 and 10")]
    [InlineData("Gemini:MaxRequestBytes", "130000000", "Gemini:MaxRequestBytes must be between")]
    public async Task Wrong_settings_fail_at_start_up_naming_the_setting(string key, string value, string message)
    {
        var failure = await StartHost(new() { ["Gemini:ApiKey"] = "k", [key] = value });

        Assert.Contains(message, Assert.IsType<OptionsValidationException>(failure).Message);
    }
}
