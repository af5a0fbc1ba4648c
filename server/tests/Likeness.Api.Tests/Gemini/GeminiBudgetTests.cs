using Likeness.Api.Providers.Gemini;

namespace Likeness.Api.Tests.Gemini;

/// <summary>An inline limit (Gemini's is 100 MB; 20 MB here): re-encode, then downsize the largest inputs, and say so in the log.</summary>
public sealed class GeminiBudgetTests : GeminiTestBase
{
    [Fact]
    public async Task A_4K_previous_image_and_14_references_are_brought_under_the_limit()
    {
        using var host = Host(("Gemini:TimeoutSeconds", "120"), ("Gemini:MaxRequestBytes", "20000000"));
        // Random pixels defeat every codec: 4096x2304 is ~28 MB as PNG, each 1024x1024 reference ~3 MB.
        var previous = TestImages.Noise(4096, 2304, seed: 1);
        var references = Enumerable.Range(0, 14).Select(i => TestImages.Noise(1024, 1024, seed: 100 + i)).ToList();
        var inputBytes = previous.Bytes.Length + references.Sum(r => r.Bytes.Length);
        Assert.True(inputBytes > 60_000_000, $"inputs are only {inputBytes} bytes");
        // The emulator never made this "previous" image, so it treats every image as a reference and
        // generates (cheap at 1K); what is under test here is the request the provider sent.

        var image = await host.Provider.EditImage("brighter", previous, references, "16:9", "1K");

        var call = Assert.Single(Emulator.Calls);
        Assert.Equal(200, call.StatusCode);
        Assert.True(call.BodyBytes <= 20_000_000, $"request was {call.BodyBytes} bytes");
        // At most 14 input images: the previous image and 13 of the references.
        Assert.Equal("text, " + string.Join(", ", Enumerable.Repeat("image", 14)), call.Shape);
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("so reference image 14 was left out"));
        Assert.Equal(4096.0 / 2304, call.Parts[1].Width / (double)call.Parts[1].Height, 2); // still the previous image, first
        Assert.NotEmpty(image.Bytes);

        var shrink = Assert.Single(host.Logs.Entries, e => e.Message.Contains("shrank the inputs"));
        Assert.Contains("re-encoded previous image (4096x2304) from image/png", shrink.Message);
        Assert.Contains("downsized", shrink.Message);
        Assert.Contains("request is now", shrink.Message);
    }

    [Fact]
    public async Task Re_encoding_alone_is_used_when_it_is_enough()
    {
        using var host = Host(("Gemini:MaxRequestBytes", "3000000"));
        // A smooth 2K picture: big as PNG with the noise strip, small as JPEG.
        var previous = TestImages.Noise(1200, 700, seed: 7); // ~2.5 MB PNG, ~3.4 MB as base64
        var references = TestImages.References(3);
        // The emulator never made this "previous" image, so it treats every image as a reference and
        // generates (cheap at 1K); what is under test here is the request the provider sent.

        await host.Provider.EditImage("warmer", previous, references, "16:9", "1K");

        var call = Assert.Single(Emulator.Calls);
        Assert.True(call.BodyBytes <= 3_000_000);
        Assert.Equal("image/jpeg", call.Parts[1].MimeType);
        Assert.Equal((1200, 700), (call.Parts[1].Width, call.Parts[1].Height));
        var shrink = Assert.Single(host.Logs.Entries, e => e.Message.Contains("shrank the inputs"));
        Assert.DoesNotContain("downsized", shrink.Message);
        Assert.Equal(references.Select(GeminiProviderTests.Sha), call.Images.Skip(1).Select(i => i.Sha256)); // untouched
    }

    [Fact]
    public async Task A_request_under_the_limit_is_sent_as_is()
    {
        using var host = Host();
        var references = TestImages.References(14);

        await host.Provider.GenerateImage("Ada", references, "1:1", "1K");

        var call = Assert.Single(Emulator.Calls);
        Assert.Equal(references.Select(GeminiProviderTests.Sha), call.Images.Select(i => i.Sha256));
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains("shrank"));
    }

    [Fact]
    public void The_request_body_is_exactly_the_size_the_budget_counts()
    {
        var bytes = new byte[300_000];
        new Random(3).NextBytes(bytes);
        var data = Convert.ToBase64String(bytes);
        Assert.Contains('+', data);
        GenerateContentRequest Request(string d) => new(
            [new Content("user", [new Part { Text = "Ada \"quoted\" <b>&</b> café" }, new Part { InlineData = new InlineData("image/png", d) }])],
            new GenerationConfig(["TEXT", "IMAGE"], new ImageConfig("1:1", "1K")));

        var overhead = GeminiClient.Serialize(Request("")).LongLength;
        var body = GeminiClient.Serialize(Request(data));

        Assert.Equal(overhead + GeminiRequestBudget.Base64Length(bytes.Length), body.LongLength);
    }

    [Fact]
    public void Base64_length_is_exact()
    {
        foreach (var n in new[] { 0, 1, 2, 3, 4, 5, 1000, 1001, 1002 })
            Assert.Equal(Convert.ToBase64String(new byte[n]).Length, GeminiRequestBudget.Base64Length(n));
    }
}
