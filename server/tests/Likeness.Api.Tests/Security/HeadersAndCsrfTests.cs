using Microsoft.AspNetCore.Mvc.Testing;

namespace Likeness.Api.Tests.Security;

/// <summary>Security headers on every response, and the cross-site check on cookie requests that change something.</summary>
public class HeadersAndCsrfTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private const string CrossSite =
        "Cross-site request refused: a signed-in browser request that changes something must come from this site's own pages.";

    [Theory]
    [InlineData("/api/v1/auth/me")]
    [InlineData("/api/v1/nothing-here/")]
    [InlineData("/")]
    public async Task Every_response_has_nosniff_a_referrer_policy_and_the_content_security_policy(string path)
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("img-src 'self' data: blob:", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "No HSTS over plain http.");
    }

    [Fact]
    public async Task Hsts_is_sent_under_https()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });

        var response = await client.GetAsync("/api/v1/auth/me");

        Assert.StartsWith("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }

    private async Task<HttpClient> AdminBrowserAsync()
    {
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var login = await browser.PostAsJsonAsync("/api/v1/auth/login?use_cookies=true",
            new { email = LikenessApiFactory.AdminEmail, password = LikenessApiFactory.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return browser;
    }

    private static HttpRequestMessage CreateIdentity(params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, AdminIdentities) { Content = JsonContent.Create(new { name = "Csrf" }) };
        foreach (var (name, value) in headers)
            request.Headers.Add(name, value);
        return request;
    }

    [Theory]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Origin", "http://localhost.evil.example")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task A_cross_site_cookie_request_that_changes_something_is_403(string header, string value)
    {
        using var browser = await AdminBrowserAsync();

        var response = await browser.SendAsync(CreateIdentity((header, value)));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, CrossSite);
    }

    [Fact]
    public async Task Same_origin_and_header_less_cookie_requests_pass()
    {
        using var browser = await AdminBrowserAsync();

        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(CreateIdentity(("Origin", "http://localhost")))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(CreateIdentity(("Sec-Fetch-Site", "same-origin"), ("Origin", "http://localhost")))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(CreateIdentity())).StatusCode); // curl with the cookie
        // Reading is not guarded.
        using var read = new HttpRequestMessage(HttpMethod.Get, AdminIdentities);
        read.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(read)).StatusCode);
    }

    [Fact]
    public async Task A_bearer_request_is_not_subject_to_the_origin_check()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.SendAsync(CreateIdentity(("Origin", "http://evil.example"), ("Sec-Fetch-Site", "cross-site")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_cross_site_cookie_upload_is_refused_and_a_same_origin_one_works()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        using var browser = await AdminBrowserAsync();

        HttpRequestMessage Upload(string origin)
        {
            var form = new MultipartFormDataContent();
            var part = new ByteArrayContent(TestImages.Png(64, 64, SkiaSharp.SKColors.Teal));
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, "files", "a.png");
            var request = new HttpRequestMessage(HttpMethod.Post, $"{AdminIdentities}{id}/reference-images/") { Content = form };
            request.Headers.Add("Origin", origin);
            return request;
        }

        await (await browser.SendAsync(Upload("http://evil.example"))).AssertProblemAsync(HttpStatusCode.Forbidden, CrossSite);
        Assert.Empty(await admin.ReferenceImagesAsync(id));

        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(Upload("http://localhost"))).StatusCode);
    }

    [Fact]
    public async Task A_cross_site_cookie_sign_out_is_refused()
    {
        using var browser = await AdminBrowserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/logout");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        await (await browser.SendAsync(request)).AssertProblemAsync(HttpStatusCode.Forbidden, CrossSite);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Fact]
    public async Task An_allowed_origin_from_configuration_passes()
    {
        await using var app = LikenessApiFactory.With(new Dictionary<string, string?> { ["Security:AllowedOrigins:0"] = "https://likeness.example" });
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        await browser.PostAsJsonAsync("/api/v1/auth/login?use_cookies=true",
            new { email = LikenessApiFactory.AdminEmail, password = LikenessApiFactory.AdminPassword });

        var allowed = await browser.SendAsync(CreateIdentity(("Origin", "https://likeness.example"), ("Sec-Fetch-Site", "same-site")));
        var other = await browser.SendAsync(CreateIdentity(("Origin", "https://other.example")));

        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }
}
