using Microsoft.AspNetCore.Mvc.Testing;

namespace Likeness.Api.Tests.Security;

/// <summary>Sign-out ends the session on the server: the bearer token, the refresh token and the cookie stop working.</summary>
public class SignOutTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private const string InvalidRefresh = "The refresh token is invalid or has expired. Sign in again.";

    private async Task<(string Email, BearerTokens Tokens)> BearerSignInAsync()
    {
        var (_, email) = await factory.CreateUserAsync();
        using var client = factory.CreateClient();
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = LikenessApiFactory.UserPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (email, await login.ReadAsAsync<BearerTokens>());
    }

    private HttpClient Bearer(string accessToken)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refreshToken) =>
        client.PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = refreshToken });

    [Fact]
    public async Task After_a_bearer_logout_the_access_token_and_the_refresh_token_are_refused()
    {
        var (_, tokens) = await BearerSignInAsync();
        using var client = Bearer(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/auth/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/v1/auth/logout", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/identities/")).StatusCode);
        await (await RefreshAsync(client, tokens.RefreshToken))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, InvalidRefresh);
    }

    [Fact]
    public async Task After_a_cookie_logout_the_old_cookie_value_is_refused()
    {
        var (_, email) = await factory.CreateUserAsync();
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var login = await browser.PostAsJsonAsync("/api/v1/auth/login?use_cookies=true", new { email, password = LikenessApiFactory.UserPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("likeness=")).Split(';')[0];

        HttpRequestMessage WithCookie(HttpMethod method, string path)
        {
            var request = new HttpRequestMessage(method, path);
            request.Headers.Add("Cookie", cookie);
            return request;
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(WithCookie(HttpMethod.Get, "/api/v1/auth/me"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(WithCookie(HttpMethod.Post, "/api/v1/auth/logout"))).StatusCode);

        // The same cookie value, replayed (as a copy of it would be), no longer signs anyone in.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(WithCookie(HttpMethod.Get, "/api/v1/auth/me"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(WithCookie(HttpMethod.Get, "/api/v1/identities/"))).StatusCode);
    }

    [Fact]
    public async Task A_cookie_logout_also_ends_the_users_bearer_tokens()
    {
        var (email, tokens) = await BearerSignInAsync();
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        await browser.PostAsJsonAsync("/api/v1/auth/login?use_cookies=true", new { email, password = LikenessApiFactory.UserPassword });

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/v1/auth/logout", null)).StatusCode);

        using var api = Bearer(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/auth/me")).StatusCode);
        await (await RefreshAsync(api, tokens.RefreshToken))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, InvalidRefresh);
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_a_used_one_is_refused()
    {
        var (_, tokens) = await BearerSignInAsync();
        using var client = factory.CreateClient();
        var first = tokens.RefreshToken;

        var refreshed = await RefreshAsync(client, first);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var second = (await refreshed.ReadAsAsync<BearerTokens>()).RefreshToken;
        Assert.NotEqual(first, second);

        await (await RefreshAsync(client, first)).AssertProblemAsync(HttpStatusCode.Unauthorized, InvalidRefresh);
    }

    [Fact]
    public async Task Reusing_an_old_refresh_token_ends_its_family_but_not_other_sign_ins()
    {
        var (email, tokens) = await BearerSignInAsync();
        using var client = factory.CreateClient();
        var other = await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = LikenessApiFactory.UserPassword })).ReadAsAsync<BearerTokens>();
        var first = tokens.RefreshToken;
        var second = (await (await RefreshAsync(client, first)).ReadAsAsync<BearerTokens>()).RefreshToken;

        // A thief replays the first token: refused, and the legitimate holder's newer token dies with it.
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, first)).StatusCode);
        await (await RefreshAsync(client, second)).AssertProblemAsync(HttpStatusCode.Unauthorized, InvalidRefresh);

        // Another sign-in of the same user keeps working.
        var otherRefresh = await RefreshAsync(client, other.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, otherRefresh.StatusCode);
        using var api = Bearer((await otherRefresh.ReadAsAsync<BearerTokens>()).AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Two_refreshes_with_the_same_token_at_once_yield_at_most_one_new_token()
    {
        var (_, tokens) = await BearerSignInAsync();
        using var client = factory.CreateClient();
        var token = tokens.RefreshToken;

        var answers = await Task.WhenAll(RefreshAsync(client, token), RefreshAsync(client, token), RefreshAsync(client, token));

        Assert.True(answers.Count(a => a.StatusCode == HttpStatusCode.OK) <= 1,
            string.Join(", ", answers.Select(a => (int)a.StatusCode)));
    }

    [Fact]
    public async Task The_cookie_is_secure_under_https_and_not_under_http()
    {
        var (_, email) = await factory.CreateUserAsync();
        using var https = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using var http = factory.CreateClient();

        var secure = await https.PostAsJsonAsync("/api/v1/auth/login?use_cookies=true", new { email, password = LikenessApiFactory.UserPassword });
        var plain = await http.PostAsJsonAsync("/api/v1/auth/login?use_cookies=true", new { email, password = LikenessApiFactory.UserPassword });

        Assert.Contains("secure", Assert.Single(secure.Headers.GetValues("Set-Cookie"), c => c.StartsWith("likeness=")), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", Assert.Single(plain.Headers.GetValues("Set-Cookie"), c => c.StartsWith("likeness=")), StringComparison.OrdinalIgnoreCase);
    }
}
