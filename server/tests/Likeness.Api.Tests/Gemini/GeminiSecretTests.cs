namespace Likeness.Api.Tests.Gemini;

/// <summary>The key goes to Gemini in its header and nowhere else: not in the URL, logs or exceptions.</summary>
public sealed class GeminiSecretTests : GeminiTestBase
{
    [Fact]
    public async Task The_key_travels_only_in_the_header_and_never_reaches_the_logs()
    {
        using var host = Host();
        Emulator.Inject(GeminiFault.Status(503));
        Emulator.Inject(GeminiFault.Status(400));

        await Assert.ThrowsAsync<ImageProviderFailedException>(() =>
            host.Provider.GenerateImage("Ada", TestImages.References(1), "1:1", "1K"));
        await host.Provider.GenerateImage("Ada", TestImages.References(1), "1:1", "1K");

        Assert.All(Emulator.Calls, c =>
        {
            Assert.Equal(Emulator.ApiKey, c.ApiKeyHeader);
            Assert.DoesNotContain(Emulator.ApiKey, c.Path + c.QueryString);
        });
        // IHttpClientFactory logs the request headers at Trace level: the header is there, its value is not.
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("x-goog-api-key: *"));
        Assert.DoesNotContain(Emulator.ApiKey, host.Logs.All);
    }

    [Fact]
    public async Task A_wrong_key_is_a_failure_that_does_not_echo_the_key()
    {
        const string wrongKey = "wrong-key-0f9e8d7c6b5a";
        using var host = Host(("Gemini:ApiKey", wrongKey));

        var failure = await Assert.ThrowsAsync<ImageProviderFailedException>(() =>
            host.Provider.GenerateImage("Ada", TestImages.References(1), "1:1", "1K"));

        Assert.Equal(1, Emulator.CallCount); // 400 is not retried
        Assert.Contains("400 INVALID_ARGUMENT after 1 attempt(s): API key not valid. Please pass a valid API key.", failure.Message);
        Assert.DoesNotContain(wrongKey, failure.ToString());
        Assert.DoesNotContain(wrongKey, host.Logs.All);
    }
}
