using System.Text;

namespace Likeness.Api.Tests.Security;

/// <summary>
/// The size limits on the real server (Kestrel on loopback), where Kestrel itself enforces limits before the app:
/// the app's limits sit below Kestrel's, so its answers carry problem bodies; only past Kestrel's are they bare.
/// </summary>
public sealed class KestrelLimitsTests : IAsyncLifetime
{
    private readonly LikenessApiFactory _factory = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Too_long_urls_and_headers_get_problem_bodies_up_to_kestrels_own_limits()
    {
        Assert.NotEqual("localhost", _client.BaseAddress!.Host); // a real socket, not the in-memory server
        Assert.NotEqual(5080, _client.BaseAddress.Port); // a free port, not the default one

        await (await _client.GetAsync("/api/v1/identities/?q=" + new string('u', 10_000)))
            .AssertProblemAsync(HttpStatusCode.RequestUriTooLong, "The request URL is too long.");
        using var headers = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        headers.Headers.Add("X-Padding", new string('h', 40_000));
        await (await _client.SendAsync(headers))
            .AssertProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge, "The request headers are too large.");

        // Past Kestrel's limits (64 KB request line) Kestrel answers alone, without a body.
        var bare = await _client.GetAsync("/api/v1/identities/?q=" + new string('u', 70_000));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, bare.StatusCode);
    }

    [Fact]
    public async Task A_json_body_over_64_KB_is_a_413_problem_with_or_without_a_length()
    {
        var json = JsonSerializer.Serialize(new { email = "a@test.local", password = new string('p', 70_000) });

        var declared = await _client.PostAsync("/api/v1/auth/login", new StringContent(json, Encoding.UTF8, "application/json"));
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var undeclared = await _client.PostAsync("/api/v1/auth/login", chunked);

        await declared.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "The request body is too large.");
        await undeclared.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "The request body is too large.");
    }
}
