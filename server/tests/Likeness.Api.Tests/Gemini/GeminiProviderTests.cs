using Likeness.Api.Providers.Gemini;
using Microsoft.Extensions.Logging;

namespace Likeness.Api.Tests.Gemini;

public sealed class GeminiProviderTests : GeminiTestBase
{
    [Fact]
    public async Task Generate_sends_the_prompt_then_the_references_as_Gemini_expects()
    {
        using var host = Host();
        var references = TestImages.References(3);

        var image = await host.Provider.GenerateImage("A portrait of Ada in a garden", references, "16:9", "1K");

        var call = Assert.Single(Emulator.Calls);
        Assert.Equal(200, call.StatusCode);
        Assert.Null(call.Error);
        Assert.Equal("POST", call.Method);
        Assert.Equal("/v1beta/models/gemini-3-pro-image:streamGenerateContent", call.Path);
        Assert.Equal("?alt=sse", call.QueryString);
        Assert.True(call.ServerSentEvents);
        Assert.True(call.IncludeThoughts); // asks for the thoughts and interim images that feed the progress
        Assert.Equal(Emulator.ApiKey, call.ApiKeyHeader);
        Assert.StartsWith("application/json", call.ContentType);
        Assert.Equal("text, image, image, image", call.Shape);
        Assert.Equal("A portrait of Ada in a garden", call.Parts[0].Text);
        Assert.Equal(references.Select(r => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(r.Bytes))),
            call.Images.Select(i => i.Sha256));
        Assert.Equal(["TEXT", "IMAGE"], call.ResponseModalities);
        Assert.Equal("16:9", call.AspectRatio);
        Assert.Equal("1K", call.ImageSize);
        Assert.Equal(EmulatorMode.Generate, call.Mode);

        Assert.Equal("image/png", image.MimeType);
        Assert.Equal(call.ResponseImage!.Sha256, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(image.Bytes)));
        Assert.Equal((1376, 768), TestImages.Size(image)); // Gemini 3 Pro Image's 16:9 1K
    }

    [Fact]
    public async Task Edit_sends_the_edit_prompt_the_previous_image_then_the_references_and_edits_compound()
    {
        using var host = Host();
        var references = TestImages.References(2);

        var first = await host.Provider.GenerateImage("Ada on a beach", references, "1:1", "1K");
        var second = await host.Provider.EditImage("warmer", first, references, "1:1", "1K");
        var third = await host.Provider.EditImage("add a red border", second, references, "1:1", "1K");

        var calls = Emulator.Calls;
        Assert.Equal(3, calls.Count);
        Assert.Equal([EmulatorMode.Generate, EmulatorMode.Edit, EmulatorMode.Edit], calls.Select(c => c.Mode));
        Assert.Equal("text, image, image, image", calls[1].Shape);
        Assert.Equal("warmer", calls[1].Parts[0].Text);
        Assert.Equal(Sha(first), calls[1].Parts[1].Sha256);
        Assert.Equal(references.Select(Sha), calls[1].Images.Skip(1).Select(i => i.Sha256));
        Assert.Equal("add a red border", calls[2].Parts[0].Text);
        Assert.Equal(Sha(second), calls[2].Parts[1].Sha256);
        // Edits compound: each edit's input is the previous answer, and the answer is what the engine made.
        Assert.Equal(calls[2].ResponseImage!.Sha256, Sha(third));
    }

    [Fact]
    public async Task Every_call_logs_its_usage_metadata_and_the_models_text()
    {
        using var host = Host();
        await host.Provider.GenerateImage("Ada reading", TestImages.References(1), "4:3", "1K");

        var usage = Assert.Single(host.Logs.Entries, e => e.Message.Contains("usage:"));
        Assert.Equal(LogLevel.Information, usage.Level);
        Assert.Contains("model gemini-3-pro-image,", usage.Message);
        Assert.Contains("1 attempt(s), 8 chunk(s)", usage.Message);
        Assert.Contains("tokens: prompt 562", usage.Message); // 11 characters / 4 = 2 text tokens + 560 for the image
        Assert.Contains("output 1132 (image 1120, text 12), thoughts 180", usage.Message);
        Assert.Contains("finish STOP", usage.Message);
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("text: Here is the generated image."));
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("thought: **Planning the image**"));
    }

    [Fact]
    public async Task Estimated_cost_is_logged_when_prices_are_configured()
    {
        using var host = Host(
            ("Gemini:Pricing:InputPerMillionTokens", "2"),
            ("Gemini:Pricing:TextOutputPerMillionTokens", "12"),
            ("Gemini:Pricing:ImageOutputPerMillionTokens", "120"));
        await host.Provider.GenerateImage("Ada reading", TestImages.References(1), "4:3", "1K");

        // 562 input x 2 + (12 text + 180 thoughts) x 12 + 1120 image x 120, per million tokens.
        var expected = (562m * 2 + 192m * 12 + 1120m * 120) / 1_000_000m;
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains($"estimated cost {expected:0.0000} USD"));
    }

    [Fact]
    public async Task The_registered_IImageProvider_is_the_Gemini_provider()
    {
        using var host = Host();
        var provider = host.ResolveImageProvider();
        Assert.IsType<GeminiImageProvider>(provider);
        Assert.Equal("gemini", provider.Name);
    }

    [Fact]
    public async Task Cancelling_the_caller_cancels_the_HTTP_call()
    {
        using var host = Host();
        Emulator.Inject(GeminiFault.Slow(TimeSpan.FromSeconds(90)));
        using var cts = new CancellationTokenSource();

        var generate = host.Provider.GenerateImage("Ada", TestImages.References(1), "1:1", "1K", cts.Token);
        await Wait.UntilAsync(() => Emulator.CallCount == 1, "the emulator to receive the call");
        cts.Cancel();
        // Within the wait's deadline: far less than the 90 s the emulator would take.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Wait.ForAsync(generate, "the cancelled call to end"));

        var call = Assert.Single(Emulator.Calls);
        await Wait.UntilAsync(() => call.ClientAborted, "the emulator to see the client abort the call");
    }

    [Fact]
    public async Task Arguments_outside_the_contract_are_refused_before_any_call()
    {
        using var host = Host();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Provider.GenerateImage("Ada", TestImages.References(1), "7:5", "1K"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Provider.GenerateImage("Ada", TestImages.References(1), "1:1", "8K"));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Provider.GenerateImage(" ", TestImages.References(1), "1:1", "1K"));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Provider.GenerateImage("Ada", TestImages.References(15, 16, 16), "1:1", "1K"));
        Assert.Empty(Emulator.Calls);
    }

    internal static string Sha(ProviderImage image) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(image.Bytes));

}
