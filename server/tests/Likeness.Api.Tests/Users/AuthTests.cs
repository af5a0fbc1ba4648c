using Microsoft.AspNetCore.Mvc.Testing;

namespace Likeness.Api.Tests.Users;

/// <summary>Signing in with a bearer token or the browser cookie, refreshing, signing out, lockout, who am I.</summary>
public class AuthTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private const string InvalidCredentials = "Invalid email or password.";
    private const string Password = "User-Passw0rd!";

    [Fact]
    public async Task Login_returns_bearer_tokens()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = LikenessApiFactory.AdminEmail, password = LikenessApiFactory.AdminPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The exact field names are the contract: raw JSON.
        Assert.Equal(["access_token", "expires_in", "refresh_token", "token_type"],
            (await response.JsonAsync()).EnumerateObject().Select(p => p.Name).Order());
        var body = await response.ReadAsAsync<BearerTokens>();
        Assert.Equal("Bearer", body.TokenType);
        Assert.False(string.IsNullOrEmpty(body.AccessToken));
        Assert.False(string.IsNullOrEmpty(body.RefreshToken));
        Assert.True(body.ExpiresIn > 0);
        Assert.False(response.Headers.Contains("Set-Cookie"), "A bearer sign-in sets no cookie.");
    }

    [Fact]
    public async Task The_bearer_token_signs_requests_in()
    {
        using var client = factory.CreateClient();
        var tokens = await (await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = LikenessApiFactory.AdminEmail, password = LikenessApiFactory.AdminPassword })).ReadAsAsync<BearerTokens>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);

        var me = await client.GetAsync("/api/v1/auth/me");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(LikenessApiFactory.AdminEmail, (await me.ReadAsAsync<UserResponse>()).Email);
    }

    [Fact]
    public async Task Auth_paths_answer_with_a_trailing_slash_too()
    {
        using var client = factory.CreateClient();

        var login = await client.PostAsJsonAsync("/api/v1/auth/login/",
            new { email = LikenessApiFactory.AdminEmail, password = LikenessApiFactory.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.ReadAsAsync<BearerTokens>()).AccessToken);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/auth/me/")).StatusCode);
    }

    [Fact]
    public async Task Login_email_is_not_case_sensitive()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = " " + LikenessApiFactory.AdminEmail.ToUpperInvariant(), password = LikenessApiFactory.AdminPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_or_unknown_email_is_401()
    {
        using var client = factory.CreateClient();

        var wrongPassword = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = LikenessApiFactory.AdminEmail, password = "not-the-password" });
        var unknownEmail = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = "nobody@test.local", password = LikenessApiFactory.AdminPassword });

        await wrongPassword.AssertProblemAsync(HttpStatusCode.Unauthorized, InvalidCredentials);
        await unknownEmail.AssertProblemAsync(HttpStatusCode.Unauthorized, InvalidCredentials);
    }

    [Fact]
    public async Task An_email_with_a_nul_character_is_just_a_wrong_sign_in()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "admin\u0000@test.local", password = "x" });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, InvalidCredentials);
    }

    [Theory]
    [InlineData(null, "x")]
    [InlineData("someone@test.local", null)]
    [InlineData("", "")]
    public async Task Login_without_email_or_password_is_400(string? email, string? password)
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Email and password are required.");
    }

    [Fact]
    public async Task Failures_do_not_lock_the_account_and_the_answer_is_the_same_for_unknown_accounts()
    {
        var email = await CreateUserAsync();
        using var client = factory.CreateClient();

        for (var i = 1; i <= 8; i++)
        {
            await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = $"wrong-{i}" }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, InvalidCredentials);
            await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"nobody-{i}@test.local", password = $"wrong-{i}" }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, InvalidCredentials);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login?use_cookies=true", new { email, password = Password })).StatusCode);
    }

    [Fact]
    public async Task A_password_over_256_characters_is_400()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = LikenessApiFactory.AdminEmail, password = new string('p', 257) });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Password may be at most 256 characters.");
    }

    [Fact]
    public async Task A_success_resets_the_failure_count()
    {
        var email = await CreateUserAsync();
        using var client = factory.CreateClient();
        for (var i = 0; i < 4; i++)
            await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "wrong" });
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password })).StatusCode);

        for (var i = 0; i < 4; i++)
            await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "wrong" }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, InvalidCredentials);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password })).StatusCode);
    }

    [Fact]
    public async Task Cookie_login_sets_an_http_only_cookie_that_signs_requests_in_and_logout_clears_it()
    {
        var email = await CreateUserAsync();
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });

        var login = await browser.PostAsJsonAsync("/api/v1/auth/login?use_cookies=true", new { email, password = Password });

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("likeness="));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", await login.Content.ReadAsStringAsync());

        var me = await browser.GetAsync("/api/v1/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.ReadAsAsync<UserResponse>();
        Assert.Equal(email, body.Email);
        Assert.False(body.IsAdmin);

        // The cookie works for the rest of the API, and a non-admin cookie is a 403 (not a redirect) on admin paths.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/identities/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/v1/admin/identities/")).StatusCode);

        var logout = await browser.PostAsync("/api/v1/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        var cleared = Assert.Single(logout.Headers.GetValues("Set-Cookie"), c => c.StartsWith("likeness="));
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/identities/")).StatusCode);
    }

    [Fact]
    public async Task An_admin_cookie_opens_the_admin_api()
    {
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });

        await browser.PostAsJsonAsync("/api/v1/auth/login?use_cookies=true",
            new { email = LikenessApiFactory.AdminEmail, password = LikenessApiFactory.AdminPassword });

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/admin/users/")).StatusCode);
        Assert.True((await browser.GetAsAsync<UserResponse>("/api/v1/auth/me")).IsAdmin);
    }

    [Fact]
    public async Task Me_returns_id_email_and_is_admin()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var (user, userId) = await factory.CreateUserClientAsync();
        using var _user = user;

        var adminAnswer = await admin.GetAsync("/api/v1/auth/me");
        var adminMe = await adminAnswer.ReadAsAsync<UserResponse>();
        var userMe = await user.GetAsAsync<UserResponse>("/api/v1/auth/me");

        // The exact field names are the contract: raw JSON.
        Assert.Equal(["email", "id", "is_admin"], (await adminAnswer.JsonAsync()).EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(LikenessApiFactory.AdminEmail, adminMe.Email);
        Assert.True(adminMe.IsAdmin);
        Assert.Equal(userId, userMe.Id);
        Assert.StartsWith("user-", userMe.Email);
        Assert.False(userMe.IsAdmin);
        Assert.NotEqual(adminMe.Id, userId);
    }

    [Fact]
    public async Task Me_is_401_without_credentials_or_with_a_bad_token()
    {
        using var anonymous = factory.CreateClient();
        using var forged = factory.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Refresh_gives_new_tokens_that_work()
    {
        var email = await CreateUserAsync();
        using var client = factory.CreateClient();
        var tokens = await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password })).ReadAsAsync<BearerTokens>();

        var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = tokens.RefreshToken });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refreshed = await response.ReadAsAsync<BearerTokens>();
        Assert.Equal("Bearer", refreshed.TokenType);
        Assert.False(string.IsNullOrEmpty(refreshed.RefreshToken));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", refreshed.AccessToken);
        var me = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(email, (await me.ReadAsAsync<UserResponse>()).Email);
    }

    [Theory]
    [InlineData("not-a-refresh-token")]
    [InlineData("")]
    [InlineData(null)]
    public async Task A_bad_refresh_token_is_401(string? token)
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = token });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "The refresh token is invalid or has expired. Sign in again.");
    }

    [Fact]
    public async Task An_access_token_is_not_a_refresh_token()
    {
        using var client = factory.CreateClient();
        var tokens = await (await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = LikenessApiFactory.AdminEmail, password = LikenessApiFactory.AdminPassword })).ReadAsAsync<BearerTokens>();

        var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = tokens.AccessToken });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "The refresh token is invalid or has expired. Sign in again.");
    }

    [Fact]
    public async Task Expired_tokens_are_refused()
    {
        await using var fresh = new LikenessApiFactory();
        using var client = fresh.CreateClient();
        var tokens = await (await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = LikenessApiFactory.AdminEmail, password = LikenessApiFactory.AdminPassword })).ReadAsAsync<BearerTokens>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);

        fresh.Clock.Advance(TimeSpan.FromSeconds(tokens.ExpiresIn + 60));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/refresh",
            new { refresh_token = tokens.RefreshToken })).StatusCode);

        fresh.Clock.Advance(TimeSpan.FromDays(15));
        await (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = tokens.RefreshToken }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "The refresh token is invalid or has expired. Sign in again.");
    }

    private async Task<string> CreateUserAsync()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var email = $"auth-{Guid.NewGuid():N}@test.local";
        var response = await admin.PostAsJsonAsync("/api/v1/admin/users/", new { email, password = Password, is_admin = false });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return email;
    }
}
