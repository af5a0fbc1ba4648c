namespace Likeness.Api.Tests.Infrastructure;

/// <summary>Calls the API the way a client does, and reads its snake_case answers.</summary>
public static class ApiClientExtensions
{
    /// <summary>Creates an identity and uploads <paramref name="referenceCount"/> small reference PNGs.</summary>
    public static async Task<Guid> CreateIdentityAsync(this HttpClient admin, int referenceCount = 2, string name = "Ada")
    {
        var response = await admin.PostAsJsonAsync("/api/v1/admin/identities/", new { name, description = "A test identity" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.ReadAsAsync<IdentityResponse>()).Id;
        if (referenceCount > 0)
        {
            SKColor[] colours = [SKColors.OrangeRed, SKColors.SeaGreen, SKColors.RoyalBlue, SKColors.Gold, SKColors.Purple];
            var files = Enumerable.Range(0, referenceCount)
                .Select(i => ($"ref{i}.png", TestImages.Png(96 + i, 128, colours[i % colours.Length]), "image/png"));
            var upload = await admin.UploadReferenceImagesAsync(id, files);
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }
        return id;
    }

    public static Task<HttpResponseMessage> UploadReferenceImagesAsync(
        this HttpClient admin, Guid identityId, IEnumerable<(string FileName, byte[] Bytes, string ContentType)> files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (fileName, bytes, contentType) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            form.Add(part, "files", fileName);
        }
        return admin.PostAsync($"/api/v1/admin/identities/{identityId}/reference-images/", form);
    }

    /// <summary>POSTs <paramref name="body"/> with <c>Prefer: respond-async</c>: a generate or edit answers 202 with its job at once.</summary>
    public static Task<HttpResponseMessage> PostAsJobAsync(this HttpClient client, string url, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("Prefer", "respond-async");
        return client.SendAsync(request);
    }

    /// <summary>The plan's edit of the signed-in user's image, asserting a 200: the session's answer (with the image).</summary>
    public static async Task<ImageSessionResponse> EditAsync(this HttpClient client, string prompt)
    {
        using var response = await client.PostAsJsonAsync(Edit, new { edit_prompt = prompt });
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"edit \"{prompt}\" answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsAsync<ImageSessionResponse>();
    }

    /// <summary>The versions of the signed-in user's session, oldest first (<c>history/</c>'s <c>versions</c>).</summary>
    public static async Task<List<ImageVersionResponse>> SessionVersionsAsync(this HttpClient client) =>
        [.. (await client.GetAsAsync<ImageSessionHistoryResponse>("/api/v1/identities/image-session/history/")).Versions];

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts the status and that the body is problem details with exactly this detail.</summary>
    public static async Task AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(detail, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
    }

    /// <summary>A validation problem's <c>errors</c>: field name to its messages.</summary>
    public static async Task<IDictionary<string, string[]>> ValidationErrorsAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>(ApiJson.Options))!.Errors;

    /// <summary>Asserts the status and that the problem's detail contains every fragment.</summary>
    public static async Task<string> AssertProblemContainsAsync(this HttpResponseMessage response, HttpStatusCode status, params string[] fragments)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
        foreach (var fragment in fragments)
            Assert.Contains(fragment, detail);
        return detail;
    }
}
