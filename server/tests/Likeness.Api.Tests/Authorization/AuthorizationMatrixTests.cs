using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;

namespace Likeness.Api.Tests.Authorization;

/// <summary>
/// Every API endpoint: anonymous is 401, a non-admin on <c>/api/v1/admin/...</c> is 403. The matrix is
/// checked against the app's own endpoint list, so a new endpoint cannot be left out of it.
/// </summary>
public class AuthorizationMatrixTests(AuthorizationFixture data) : IClassFixture<AuthorizationFixture>
{
    /// <summary>Every endpoint that needs a signed-in user: method, route (as the app maps it), and a body worth refusing.</summary>
    public static readonly (string Method, string Route, string Body)[] Endpoints =
    [
        ("GET", "/api/v1/auth/me", ""),
        ("GET", "/api/v1/image-options/", ""),
        ("GET", "/api/v1/admin/usage/", ""),

        ("GET", "/api/v1/admin/users/", ""),
        ("GET", "/api/v1/admin/users/{id}/", ""),
        ("POST", "/api/v1/admin/users/", """{"email":"intruder-{new}@test.local","password":"Intruder-Passw0rd!","is_admin":true}"""),
        ("GET", "/api/v1/admin/users/password-rules/", ""),
        ("POST", "/api/v1/admin/users/{id}/disable/", "{}"),
        ("POST", "/api/v1/admin/users/{id}/enable/", "{}"),
        ("PUT", "/api/v1/admin/users/{id}/role/", """{"is_admin":true}"""),
        ("POST", "/api/v1/admin/users/{id}/password/", """{"password":"Intruder-Passw0rd!"}"""),
        ("DELETE", "/api/v1/admin/users/{id}/", ""),

        ("GET", "/api/v1/admin/identities/", ""),
        ("POST", "/api/v1/admin/identities/", """{"name":"Intruder"}"""),
        ("GET", "/api/v1/admin/identities/{id}/", ""),
        ("PATCH", "/api/v1/admin/identities/{id}/", """{"name":"Renamed by an intruder"}"""),
        ("DELETE", "/api/v1/admin/identities/{id}/", ""),
        ("GET", "/api/v1/admin/identities/{id}/reference-images/", ""),
        ("POST", "/api/v1/admin/identities/{id}/reference-images/", "multipart"),
        ("GET", "/api/v1/admin/identities/{id}/reference-images/{imageId}/", ""),
        ("GET", "/api/v1/admin/identities/{id}/reference-images/{imageId}/thumbnail/", ""),
        ("DELETE", "/api/v1/admin/identities/{id}/reference-images/{imageId}/", ""),

        ("POST", "/api/v1/admin/identities/generate-image/", """{"user_id":"{userId}","identity_id":"{id}","resolution":"1K"}"""),
        ("POST", "/api/v1/admin/identities/edit-image/", """{"user_id":"{userId}","edit_prompt":"invert"}"""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/", ""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/history/", ""),
        ("POST", "/api/v1/admin/users/{user_id}/image-session/undo/", "{}"),
        ("POST", "/api/v1/admin/users/{user_id}/image-session/redo/", "{}"),
        ("POST", "/api/v1/admin/users/{user_id}/image-session/select/", """{"version_id":"{versionId}"}"""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/versions/{versionId}/image/", ""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/versions/{versionId}/thumbnail/", ""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/versions/{versionId}/mask/", ""),
        ("POST", "/api/v1/admin/users/{user_id}/image-session/jobs/", """{"kind":"edit","edit_prompt":"invert"}"""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/jobs/", ""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/jobs/{jobId}/", ""),
        ("DELETE", "/api/v1/admin/users/{user_id}/image-session/jobs/{jobId}/", ""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/jobs/{jobId}/events/", ""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/jobs/{jobId}/previews/{eventId}/", ""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/library/", ""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/library/{sessionId}/", ""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/library/{sessionId}/versions/{versionId}/image/", ""),
        ("GET", "/api/v1/admin/users/{user_id}/image-session/library/{sessionId}/versions/{versionId}/thumbnail/", ""),
        ("POST", "/api/v1/admin/users/{user_id}/image-session/library/{sessionId}/reopen/", "{}"),
        ("DELETE", "/api/v1/admin/users/{user_id}/image-session/library/{sessionId}/", ""),
        ("POST", "/api/v1/admin/users/{user_id}/image-session/start-from-upload/", "multipart"),

        ("GET", "/api/v1/identities/", ""),
        ("GET", "/api/v1/identities/{id}/reference-images/{imageId}/", ""),
        ("POST", "/api/v1/identities/generate-image/", """{"identity_id":"{id}","resolution":"1K"}"""),
        ("POST", "/api/v1/identities/edit-image/", """{"edit_prompt":"invert"}"""),
        ("GET", "/api/v1/identities/{id}/reference-images/{imageId}/thumbnail/", ""),
        ("GET", "/api/v1/identities/image-session/", ""),
        ("GET", "/api/v1/identities/image-session/history/", ""),
        ("POST", "/api/v1/identities/image-session/undo/", "{}"),
        ("POST", "/api/v1/identities/image-session/redo/", "{}"),
        ("POST", "/api/v1/identities/image-session/select/", """{"version_id":"{versionId}"}"""),
        ("GET", "/api/v1/identities/image-session/versions/{versionId}/image/", ""),
        ("GET", "/api/v1/identities/image-session/versions/{versionId}/thumbnail/", ""),
        ("GET", "/api/v1/identities/image-session/versions/{versionId}/mask/", ""),
        ("POST", "/api/v1/identities/image-session/jobs/", """{"kind":"edit","edit_prompt":"invert"}"""),
        ("GET", "/api/v1/identities/image-session/jobs/", ""),
        ("GET", "/api/v1/identities/image-session/jobs/{jobId}/", ""),
        ("DELETE", "/api/v1/identities/image-session/jobs/{jobId}/", ""),
        ("GET", "/api/v1/identities/image-session/jobs/{jobId}/events/", ""),
        ("GET", "/api/v1/identities/image-session/jobs/{jobId}/previews/{eventId}/", ""),
        ("GET", "/api/v1/identities/image-session/library/", ""),
        ("GET", "/api/v1/identities/image-session/library/{sessionId}/", ""),
        ("GET", "/api/v1/identities/image-session/library/{sessionId}/versions/{versionId}/image/", ""),
        ("GET", "/api/v1/identities/image-session/library/{sessionId}/versions/{versionId}/thumbnail/", ""),
        ("POST", "/api/v1/identities/image-session/library/{sessionId}/reopen/", "{}"),
        ("DELETE", "/api/v1/identities/image-session/library/{sessionId}/", ""),
        ("POST", "/api/v1/identities/image-session/start-from-upload/", "multipart"),
        ("GET", "/api/v1/local-engine/instructions/", ""),
    ];

    /// <summary>Endpoints anyone may call.</summary>
    public static readonly (string Method, string Route)[] Anonymous =
    [
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/auth/refresh"),
        ("POST", "/api/v1/auth/logout"),
    ];

    public static TheoryData<string, string> AllEndpoints() => Rows(Endpoints);

    public static TheoryData<string, string> AdminEndpoints() => Rows(Endpoints.Where(e => e.Route.StartsWith("/api/v1/admin/")));

    public static TheoryData<string, string> UserGetEndpoints() =>
        Rows(Endpoints.Where(e => e.Method == "GET" && !e.Route.StartsWith("/api/v1/admin/")));

    [Fact]
    public void The_matrix_lists_every_api_endpoint_of_the_app()
    {
        var mapped = data.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/") == true && e.RoutePattern.RawText != "/api/{**path}")
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .Order().ToList();
        var listed = Endpoints.Select(e => $"{e.Method} {Normalize(e.Route)}")
            .Concat(Anonymous.Select(e => $"{e.Method} {Normalize(e.Route)}"))
            .Order().ToList();

        Assert.Equal(listed, mapped);
    }

    [Theory]
    [MemberData(nameof(AllEndpoints))]
    public async Task Anonymous_is_401(string method, string route)
    {
        using var anonymous = data.Factory.CreateClient();

        var response = await anonymous.SendAsync(data.Request(method, route));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertProblemOrEmpty(response, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(AllEndpoints))]
    public async Task A_forged_bearer_token_is_401(string method, string route)
    {
        using var forged = data.Factory.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "forged.token.value");

        var response = await forged.SendAsync(data.Request(method, route));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task A_non_admin_is_403_on_every_admin_endpoint(string method, string route)
    {
        var response = await data.User.SendAsync(data.Request(method, route));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        AssertProblemOrEmpty(response, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(UserGetEndpoints))]
    public async Task Users_and_admins_may_read_the_user_endpoints(string method, string route)
    {
        foreach (var client in new[] { data.User, data.Admin })
        {
            var response = await client.SendAsync(data.Request(method, route));

            // The version and the job belong to another user's session: 404 is the answer, never 401 or 403.
            var expected = route.Contains("/versions/") || route.Contains("{jobId}") || route.Contains("{sessionId}")
                ? HttpStatusCode.NotFound : HttpStatusCode.OK;
            Assert.Equal(expected, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_refused_non_admin_changed_nothing()
    {
        foreach (var (method, route, _) in Endpoints.Where(e => e.Route.StartsWith("/api/v1/admin/") && e.Method != "GET"))
            Assert.Equal(HttpStatusCode.Forbidden, (await data.User.SendAsync(data.Request(method, route))).StatusCode);

        var identity = await data.Admin.GetAsAsync<IdentityResponse>($"/api/v1/admin/identities/{data.IdentityId}/");
        Assert.Equal("Authorization", identity.Name);
        Assert.Equal(2, identity.ReferenceImages.Count);
        var users = await data.Admin.GetAsAsync<List<ManagedUserResponse>>("/api/v1/admin/users/");
        Assert.DoesNotContain(users, u => u.Email.StartsWith("intruder-"));
        var status = await data.Admin.GetAsAsync<ImageSessionResponse>($"/api/v1/admin/users/{data.OwnerId}/image-session/");
        Assert.Equal(data.VersionId, status.VersionId);
    }

    [Fact]
    public async Task An_unknown_api_path_is_404_not_401_for_anonymous()
    {
        using var anonymous = data.Factory.CreateClient();

        var response = await anonymous.GetAsync("/api/v1/admin/no-such-thing/");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "No such API endpoint.");
    }

    private static void AssertProblemOrEmpty(HttpResponseMessage response, string body)
    {
        if (body.Length == 0)
            return;
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)response.StatusCode, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
    }

    private static TheoryData<string, string> Rows(IEnumerable<(string Method, string Route, string Body)> endpoints)
    {
        var rows = new TheoryData<string, string>();
        foreach (var (method, route, _) in endpoints)
            rows.Add(method, route);
        return rows;
    }

    private static string Normalize(string route)
    {
        var path = route.Split('?')[0];
        path = Regex.Replace(path, @"\{(\w+)(:[^}]*)?\}", "{$1}");
        return path.TrimEnd('/');
    }
}

/// <summary>One app for the matrix: an admin, a plain user, an identity with images, and a session owned by someone else.</summary>
public sealed class AuthorizationFixture : IAsyncLifetime
{
    public LikenessApiFactory Factory { get; } = new();
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient User { get; private set; } = null!;
    public Guid IdentityId { get; private set; }
    public Guid ImageId { get; private set; }
    public Guid OwnerId { get; private set; }
    public Guid VersionId { get; private set; }
    public Guid JobId { get; private set; }
    public long EventId { get; private set; }

    public async Task InitializeAsync()
    {
        Admin = await Factory.CreateAdminClientAsync();
        (User, _) = await Factory.CreateUserClientAsync();
        var (owner, ownerId) = await Factory.CreateUserClientAsync();
        owner.Dispose();
        OwnerId = ownerId;
        IdentityId = await Admin.CreateIdentityAsync(referenceCount: 2, name: "Authorization");
        ImageId = (await Admin.ReferenceImagesAsync(IdentityId))[0].Id;
        var generated = await Admin.PostAsJsonAsync("/api/v1/admin/identities/generate-image/",
            new { user_id = OwnerId, identity_id = IdentityId, resolution = "1K", aspect_ratio = "1:1" });
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        VersionId = (await generated.ReadAsAsync<ImageSessionResponse>()).VersionId!.Value;
        var jobs = await Admin.GetAsAsync<List<ImageJobResponse>>($"/api/v1/admin/users/{OwnerId}/image-session/jobs/");
        JobId = jobs[0].Id;
        EventId = 1;
    }

    /// <summary>The request for a matrix row, with the fixture's ids filled in.</summary>
    public HttpRequestMessage Request(string method, string route)
    {
        var body = AuthorizationMatrixTests.Endpoints.Single(e => e.Method == method && e.Route == route).Body;
        var request = new HttpRequestMessage(new HttpMethod(method), Fill(route));
        if (body == "multipart")
        {
            var form = new MultipartFormDataContent();
            var part = new ByteArrayContent(TestImages.Png(20, 20, SkiaSharp.SKColors.Teal));
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, "files", "intruder.png");
            request.Content = form;
        }
        else if (body.Length > 0)
            request.Content = new StringContent(Fill(body), System.Text.Encoding.UTF8, "application/json");
        return request;
    }

    private string Fill(string template) => template
        .Replace("{id}", IdentityId.ToString())
        .Replace("{imageId}", ImageId.ToString())
        .Replace("{versionId}", VersionId.ToString())
        .Replace("{userId}", OwnerId.ToString())
        .Replace("{user_id}", OwnerId.ToString())
        .Replace("{jobId}", JobId.ToString())
        .Replace("{eventId}", EventId.ToString())
        .Replace("{sessionId}", Guid.Empty.ToString())
        .Replace("{new}", Guid.NewGuid().ToString("N"));

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        User.Dispose();
        await Factory.DisposeAsync();
    }
}
