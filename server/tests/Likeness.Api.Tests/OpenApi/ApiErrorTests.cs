namespace Likeness.Api.Tests.OpenApi;

/// <summary>What the API answers to requests it cannot route or read: always a problem with a message.</summary>
public class ApiErrorTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private const string NotJson = "The request body is not valid JSON for this endpoint.";

    [Theory]
    [InlineData("GET", "/api/v1/nothing-here")]
    [InlineData("GET", "/api/v2/identities/")]
    [InlineData("POST", "/api/v1/identities/no-such-action/")]
    [InlineData("GET", "/api/v1/admin/identities/not-a-uuid/")]
    [InlineData("DELETE", "/api/v1/admin/identities/00000000-0000-0000-0000-000000000000/extra/")]
    public async Task An_unknown_api_path_is_a_404_problem(string method, string path)
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "No such API endpoint.");
    }

    [Fact]
    public async Task An_unknown_path_outside_the_api_is_not_an_api_problem()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/some/page/of/the/app");

        // The single-page app's fallback takes it (a 404 here only while no client is built into wwwroot).
        Assert.DoesNotContain("No such API endpoint.", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("PUT", "/api/v1/admin/identities/{id}/", "GET, PATCH, DELETE")]
    [InlineData("DELETE", "/api/v1/admin/users/", "GET, POST")]
    [InlineData("GET", "/api/v1/admin/identities/generate-image/", "POST")]
    [InlineData("POST", "/api/v1/auth/me", "GET")]
    public async Task A_method_an_endpoint_does_not_answer_is_a_405_problem(string method, string path, string allowed)
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", id.ToString()))
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };

        var response = await admin.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed, $"{method} is not allowed here; this endpoint answers {allowed}.");
        Assert.Equal(allowed.Split(", ").Order(), response.Content.Headers.Allow.Order());
    }

    [Fact]
    public async Task A_json_endpoint_sent_another_content_type_is_a_415_problem()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/v1/admin/identities/", new StringContent("name=Ada", System.Text.Encoding.UTF8, "text/plain"));

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "Send the request body as application/json.");
    }

    [Fact]
    public async Task An_upload_that_is_not_multipart_is_a_415_problem()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var body = new ByteArrayContent(TestImages.Png(10, 10, SkiaSharp.SKColors.Red));
        body.Headers.ContentType = new MediaTypeHeaderValue("image/png");

        var response = await admin.PostAsync($"/api/v1/admin/identities/{id}/reference-images/", body);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "Send the request body as multipart/form-data.");
    }

    [Theory]
    [InlineData("POST", "/api/v1/admin/identities/")]
    [InlineData("POST", "/api/v1/admin/users/")]
    [InlineData("POST", "/api/v1/auth/login")]
    [InlineData("POST", "/api/v1/admin/identities/generate-image/")]
    public async Task A_malformed_json_body_is_a_400_problem(string method, string path)
    {
        using var admin = await factory.CreateAdminClientAsync();
        var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent("{\"name\": \"unterminated", System.Text.Encoding.UTF8, "application/json"),
        };

        var response = await admin.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, NotJson);
    }

    [Fact]
    public async Task A_json_body_of_the_wrong_shape_is_a_400_problem()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/v1/admin/identities/", new[] { 1, 2, 3 });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, NotJson);
    }

    [Fact]
    public async Task A_missing_json_body_is_a_400_problem()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/v1/admin/identities/", new StringContent("", System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "This endpoint needs a JSON body.");
    }

    [Fact]
    public async Task A_post_without_any_body_says_what_it_needs()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/v1/admin/identities/", null);

        // No content type at all: routing refuses it before the body is read.
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "Send the request body as application/json.");
    }

    [Fact]
    public async Task A_patch_with_a_malformed_body_changes_nothing()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0, name: "Unchanged");
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/admin/identities/{id}/")
        {
            Content = new StringContent("{name: unquoted}", System.Text.Encoding.UTF8, "application/json"),
        };

        var response = await admin.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, NotJson);
        Assert.Equal("Unchanged", (await admin.GetAsAsync<IdentityResponse>($"/api/v1/admin/identities/{id}/")).Name);
    }

    [Fact]
    public async Task Refused_requests_log_no_errors()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var before = factory.Logs.Lines.Count;

        await admin.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/identities/")
        {
            Content = new StringContent("{oops", System.Text.Encoding.UTF8, "application/json"),
        });
        await admin.GetAsync($"/api/v1/admin/identities/{Guid.NewGuid()}/");
        await admin.PostAsJsonAsync("/api/v1/admin/identities/", new { name = "" });

        Assert.DoesNotContain(factory.Logs.Lines.Skip(before), l => l.StartsWith("Error") || l.StartsWith("Critical"));
    }
}
