namespace Likeness.Api.Tests.OpenApi;

/// <summary>The OpenAPI document and the Scalar UI.</summary>
public class OpenApiTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    [Fact]
    public async Task The_openapi_document_is_served_and_lists_the_plans_paths()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = await response.JsonAsync();
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name.TrimEnd('/')).ToHashSet();
        string[] expected =
        [
            "/api/v1/admin/identities/generate-image",
            "/api/v1/admin/identities/edit-image",
            "/api/v1/admin/users/{user_id}/image-session",
            "/api/v1/admin/users/{user_id}/image-session/jobs",
            "/api/v1/admin/users/{user_id}/image-session/jobs/{jobId}/events",
            "/api/v1/identities/generate-image",
            "/api/v1/identities/edit-image",
            "/api/v1/identities/image-session",
            "/api/v1/identities/image-session/history",
            "/api/v1/identities/image-session/undo",
            "/api/v1/identities/image-session/redo",
            "/api/v1/identities/image-session/select",
            "/api/v1/identities/image-session/jobs",
            "/api/v1/identities/image-session/jobs/{jobId}",
            "/api/v1/identities/image-session/jobs/{jobId}/events",
            "/api/v1/identities",
            "/api/v1/admin/identities",
            "/api/v1/admin/identities/{id}",
            "/api/v1/admin/identities/{id}/reference-images",
            "/api/v1/admin/identities/{id}/reference-images/{imageId}",
            "/api/v1/admin/users",
            "/api/v1/auth/login",
            "/api/v1/auth/refresh",
            "/api/v1/auth/logout",
            "/api/v1/auth/me",
        ];
        foreach (var path in expected)
            Assert.True(paths.Contains(path), $"{path} is missing from the OpenAPI document: {string.Join(", ", paths.Order())}");
    }

    [Fact]
    public async Task The_openapi_document_describes_generate_and_edit()
    {
        using var client = factory.CreateClient();
        var document = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();
        var paths = document.GetProperty("paths");

        var generate = paths.EnumerateObject().Single(p => p.Name.TrimEnd('/') == "/api/v1/admin/identities/generate-image").Value;
        var post = generate.GetProperty("post");
        Assert.True(post.TryGetProperty("requestBody", out _), "generate-image documents its body");
        var responses = post.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.Contains("200", responses);
        Assert.Contains("400", responses);

        var schemas = document.GetProperty("components").GetProperty("schemas");
        var generateBody = schemas.EnumerateObject().Single(s => s.Name == "AdminGenerateImageRequest").Value;
        var fields = generateBody.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["additional_prompt", "aspect_ratio", "edit_mode", "identity_id", "model", "resolution", "user_id", "variants"], fields.Order());
        var session = schemas.EnumerateObject().Single(s => s.Name == "ImageSessionResponse").Value;
        var sessionFields = session.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("image_base64", sessionFields);
        Assert.Contains("has_active_session", sessionFields);
        Assert.Contains("session_identity_id", sessionFields);
    }

    [Fact]
    public async Task The_openapi_document_lists_only_real_api_paths()
    {
        using var client = factory.CreateClient();
        var document = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.All(paths, p => Assert.StartsWith("/api/v1/", p));
        Assert.DoesNotContain(paths, p => p.Contains("{path}") || p.Contains("*"));
    }

    [Fact]
    public async Task The_upload_is_documented_as_multipart()
    {
        using var client = factory.CreateClient();
        var document = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();

        var upload = document.GetProperty("paths").EnumerateObject()
            .Single(p => p.Name.TrimEnd('/') == "/api/v1/admin/identities/{id}/reference-images").Value.GetProperty("post");

        Assert.True(upload.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
        var statuses = upload.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.Contains("413", statuses);
        Assert.Contains("415", statuses);
        Assert.Contains("422", statuses);
    }

    [Theory]
    [InlineData("/scalar")]
    [InlineData("/scalar/")]
    public async Task Scalar_answers_with_html(string path)
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
