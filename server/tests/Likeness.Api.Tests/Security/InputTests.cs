using System.Text;

namespace Likeness.Api.Tests.Security;

/// <summary>What text the API accepts, and how large a request may be.</summary>
public class InputTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private const string UserGenerate = "/api/v1/identities/generate-image/";
    private const string UserEdit = "/api/v1/identities/edit-image/";

    [Theory]
    [InlineData("\u0000")]
    [InlineData("\u0007")]
    [InlineData("\u001b[31m")]
    [InlineData("\u007f")]
    [InlineData("\u0085")]
    public async Task A_control_character_in_a_prompt_is_a_400_naming_the_field(string bad)
    {
        var (user, _) = await factory.CreateUserClientAsync();
        using var _user = user;

        var generate = await user.PostAsJsonAsync(UserGenerate, new { identity_id = Guid.NewGuid(), additional_prompt = $"smile{bad}please" });
        var edit = await user.PostAsJsonAsync(UserEdit, new { edit_prompt = $"rotate{bad} 90" });
        var adminGenerate = await (await factory.CreateAdminClientAsync()).PostAsJsonAsync("/api/v1/admin/identities/generate-image/",
            new { user_id = Guid.NewGuid(), identity_id = Guid.NewGuid(), additional_prompt = bad });

        await generate.AssertProblemAsync(HttpStatusCode.BadRequest, "additional_prompt may not contain control characters (only tabs and line breaks).");
        await edit.AssertProblemAsync(HttpStatusCode.BadRequest, "edit_prompt may not contain control characters (only tabs and line breaks).");
        await adminGenerate.AssertProblemAsync(HttpStatusCode.BadRequest, "additional_prompt may not contain control characters (only tabs and line breaks).");
        Assert.True((await generate.ValidationErrorsAsync()).ContainsKey("additional_prompt"));
    }

    [Fact]
    public async Task A_nul_in_a_prompt_that_would_be_stored_is_a_400_not_a_database_error()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(referenceCount: 1);
        var (user, _) = await factory.CreateUserClientAsync();
        using var _user = user;

        var generate = await user.PostAsJsonAsync(UserGenerate, new { identity_id = identityId, resolution = "1K", additional_prompt = "a\u0000b" });
        await generate.AssertProblemAsync(HttpStatusCode.BadRequest, "additional_prompt may not contain control characters (only tabs and line breaks).");

        Assert.Equal(HttpStatusCode.OK, (await user.PostAsJsonAsync(UserGenerate, new { identity_id = identityId, resolution = "1K" })).StatusCode);
        var edit = await user.PostAsJsonAsync(UserEdit, new { edit_prompt = "rotate 90\u0000" });
        await edit.AssertProblemAsync(HttpStatusCode.BadRequest, "edit_prompt may not contain control characters (only tabs and line breaks).");
    }

    [Fact]
    public async Task Half_a_surrogate_pair_in_a_prompt_is_a_400()
    {
        var (user, _) = await factory.CreateUserClientAsync();
        using var _user = user;
        using var body = new StringContent("{\"edit_prompt\":\"rotate \\ud800 90\"}", Encoding.UTF8, "application/json");

        var edit = await user.PostAsync(UserEdit, body);

        Assert.Equal(HttpStatusCode.BadRequest, edit.StatusCode);
    }

    [Fact]
    public async Task Tabs_and_line_breaks_in_a_prompt_are_fine()
    {
        var (user, _) = await factory.CreateUserClientAsync();
        using var _user = user;

        var generate = await user.PostAsJsonAsync(UserGenerate, new { identity_id = Guid.NewGuid(), additional_prompt = "smile,\r\n\tplease" });

        await generate.AssertProblemAsync(HttpStatusCode.NotFound, "Identity not found.");
    }

    [Fact]
    public async Task A_control_character_in_an_identity_description_is_a_400_but_line_breaks_are_kept()
    {
        using var admin = await factory.CreateAdminClientAsync();

        var bad = await admin.PostAsJsonAsync(AdminIdentities, new { name = "Ada", description = "one\u0007two" });
        var fine = await admin.PostAsJsonAsync(AdminIdentities, new { name = "Ada", description = "one\n\ttwo" });
        var badName = await admin.PostAsJsonAsync(AdminIdentities, new { name = "Ada\u001b" });

        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "Description may not contain control characters (only tabs and line breaks).");
        Assert.Equal(HttpStatusCode.Created, fine.StatusCode);
        await badName.AssertProblemAsync(HttpStatusCode.BadRequest, "Name may not contain control characters.");
    }

    [Fact]
    public async Task A_json_body_over_64_KB_is_a_413_problem_and_an_edit_over_16_MB()
    {
        var (user, _) = await factory.CreateUserClientAsync();
        using var _user = user;
        var big = JsonSerializer.Serialize(new { edit_prompt = new string('a', 70 * 1024) });

        var edit = await user.PostAsync(UserEdit, new StringContent(big, Encoding.UTF8, "application/json"));
        var generate = await user.PostAsync(UserGenerate, new StringContent(big, Encoding.UTF8, "application/json"));
        var login = await factory.CreateClient().PostAsync("/api/v1/auth/login", new StringContent(big, Encoding.UTF8, "application/json"));

        // An edit may carry a mask image (mask_png_base64): its limit is 16 MB, and the long prompt is refused for itself.
        await edit.AssertProblemContainsAsync(HttpStatusCode.BadRequest, "edit_prompt may be at most");
        await generate.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "The request body is too large.");
        await login.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "The request body is too large.");

        var huge = JsonSerializer.Serialize(new { edit_prompt = "invert", mask_png_base64 = new string('A', 17 * 1024 * 1024) });
        var hugeEdit = await user.PostAsync(UserEdit, new StringContent(huge, Encoding.UTF8, "application/json"));
        await hugeEdit.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "The request body is too large.");
    }

    [Fact]
    public async Task A_json_body_of_unknown_length_over_64_KB_is_a_413_problem_and_under_it_is_read()
    {
        var (user, _) = await factory.CreateUserClientAsync();
        using var _user = user;

        static HttpContent Chunked(string json)
        {
            var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return content; // no Content-Length: sent chunked
        }

        // (generate: the edit routes take up to 16 MB, for a mask image)
        var big = await user.PostAsync(UserGenerate, Chunked(JsonSerializer.Serialize(new { additional_prompt = new string('a', 70 * 1024) })));
        var small = await user.PostAsync(UserEdit, Chunked(JsonSerializer.Serialize(new { edit_prompt = new string('a', 5000) })));

        await big.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "The request body is too large.");
        await small.AssertProblemAsync(HttpStatusCode.BadRequest, "edit_prompt may be at most 4000 characters.");
    }

    [Fact]
    public async Task An_upload_of_images_may_be_larger_than_64_KB()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var noisy = NoisyPng(200, 200);
        Assert.True(noisy.Length > 64 * 1024);

        var upload = await admin.UploadReferenceImagesAsync(id, [("noise.png", noisy, "image/png")]);

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
    }

    [Fact]
    public async Task A_url_over_8_KB_is_a_414_problem_and_headers_over_32_KB_a_431_problem()
    {
        using var client = factory.CreateClient();
        using var headers = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        headers.Headers.Add("X-Padding", new string('h', 33 * 1024));

        var longUrl = await client.GetAsync("/api/v1/identities/?q=" + new string('u', 9 * 1024));
        var bigHeaders = await client.SendAsync(headers);

        await longUrl.AssertProblemAsync(HttpStatusCode.RequestUriTooLong, "The request URL is too long.");
        await bigHeaders.AssertProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge, "The request headers are too large.");
    }

    private static byte[] NoisyPng(int width, int height)
    {
        var random = new Random(7);
        using var bitmap = new SkiaSharp.SKBitmap(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SkiaSharp.SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
