namespace Likeness.Api.Tests.Identities;

/// <summary>What an upload of reference images refuses, and that a refused upload stores nothing.</summary>
public class UploadValidationTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private const string NotAnImage = "is not a PNG, JPEG or WebP image. Only those types are accepted.";

    [Fact]
    public async Task A_gif_is_415_even_when_the_part_claims_png()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);

        var response = await admin.UploadReferenceImagesAsync(id, [("cat.png", ImageFiles.Gif, "image/png")]);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, $"\"cat.png\" {NotAnImage}");
        await AssertNoImagesAsync(admin, id);
    }

    [Fact]
    public async Task Text_is_415_even_when_the_part_claims_png()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);

        var response = await admin.UploadReferenceImagesAsync(id,
            [("notes.png", "definitely not an image, just some words"u8.ToArray(), "image/png")]);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, $"\"notes.png\" {NotAnImage}");
        await AssertNoImagesAsync(admin, id);
    }

    [Fact]
    public async Task A_truncated_png_is_422()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var truncated = ImageFiles.Truncated(TestImages.QuadrantsPng(200, 150));

        var response = await admin.UploadReferenceImagesAsync(id, [("cut.png", truncated, "image/png")]);

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity,
            "\"cut.png\" could not be decoded: the image is corrupt or incomplete.");
        await AssertNoImagesAsync(admin, id);
    }

    [Fact]
    public async Task A_truncated_jpeg_is_422()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var jpeg = TestImages.Jpeg(200, 150, ImageFiles.RandomColour());
        var truncated = ImageFiles.Truncated(jpeg);

        var response = await admin.UploadReferenceImagesAsync(id, [("cut.jpg", truncated, "image/jpeg")]);

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity,
            "\"cut.jpg\" could not be decoded: the image is corrupt or incomplete.");
        await AssertNoImagesAsync(admin, id);
    }

    [Fact]
    public async Task A_png_signature_followed_by_garbage_is_422()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        byte[] garbage = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. "not really a PNG at all"u8];

        var response = await admin.UploadReferenceImagesAsync(id, [("fake.png", garbage, "image/png")]);

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity,
            "\"fake.png\" could not be decoded: the image is corrupt or incomplete.");
    }

    [Fact]
    public async Task An_empty_file_is_422()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);

        var response = await admin.UploadReferenceImagesAsync(id, [("empty.png", [], "image/png")]);

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "\"empty.png\" is empty.");
    }

    [Fact]
    public async Task A_file_over_10_MB_is_413()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var big = new byte[11 * 1024 * 1024];
        ImageFiles.UniquePng().CopyTo(big, 0);

        var response = await admin.UploadReferenceImagesAsync(id, [("big.png", big, "image/png")]);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge,
            "\"big.png\" is 11 MB; a reference image may be at most 10 MB.");
        await AssertNoImagesAsync(admin, id);
    }

    [Fact]
    public async Task A_file_just_over_10_MB_does_not_claim_to_be_10_MB()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var big = new byte[10 * 1024 * 1024 + 1];
        ImageFiles.UniquePng().CopyTo(big, 0);

        var response = await admin.UploadReferenceImagesAsync(id, [("big.png", big, "image/png")]);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge,
            "\"big.png\" is 10.1 MB; a reference image may be at most 10 MB.");
    }

    [Fact]
    public async Task An_image_over_40_megapixels_is_413()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var huge = ImageFiles.BlankPng(8000, 6000);
        Assert.True(huge.Length < 1024 * 1024, $"The test image should be small on the wire, is {huge.Length} bytes.");

        var response = await admin.UploadReferenceImagesAsync(id, [("huge.png", huge, "image/png")]);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge,
            "\"huge.png\" is 8000×6000 pixels; a reference image may be at most 40 megapixels.");
        await AssertNoImagesAsync(admin, id);
        Assert.False(File.Exists(ImageFiles.StoredPath(factory.ImagesDirectory, huge)));
    }

    [Fact]
    public async Task The_blank_png_helper_makes_an_image_the_api_accepts()
    {
        // Guards the test above: a small image made the same way is accepted, so the 413 is the pixel limit.
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);

        var response = await admin.UploadReferenceImagesAsync(id, [("blank.png", ImageFiles.BlankPng(301, 203), "image/png")]);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var image = Assert.Single(await response.ReadAsAsync<List<ReferenceImageResponse>>());
        Assert.Equal(301, image.Width);
        Assert.Equal(203, image.Height);
    }

    [Fact]
    public async Task Fifteen_in_one_upload_is_400_naming_the_limit()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);

        var response = await admin.UploadReferenceImagesAsync(id, Pngs(15));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest,
            "An identity can have at most 14 reference images; this one has 0 and 15 more were sent.");
        await AssertNoImagesAsync(admin, id);
    }

    [Fact]
    public async Task Ten_then_five_is_400_and_ten_then_four_reaches_the_limit()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        Assert.Equal(HttpStatusCode.Created, (await admin.UploadReferenceImagesAsync(id, Pngs(10))).StatusCode);

        var tooMany = await admin.UploadReferenceImagesAsync(id, Pngs(5));

        await tooMany.AssertProblemAsync(HttpStatusCode.BadRequest,
            "An identity can have at most 14 reference images; this one has 10 and 5 more were sent.");
        Assert.Equal(10, (await admin.ReferenceImagesAsync(id)).Count);

        Assert.Equal(HttpStatusCode.Created, (await admin.UploadReferenceImagesAsync(id, Pngs(4))).StatusCode);
        await (await admin.UploadReferenceImagesAsync(id, Pngs(1))).AssertProblemAsync(HttpStatusCode.BadRequest,
            "An identity can have at most 14 reference images; this one has 14 and 1 more were sent.");
        Assert.Equal(Enumerable.Range(0, 14), (await admin.ReferenceImagesAsync(id)).Select(i => i.Order));
    }

    [Fact]
    public async Task Concurrent_uploads_never_take_an_identity_past_14()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => admin.UploadReferenceImagesAsync(id, Pngs(6))));

        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            Assert.True(refused.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict,
                $"Expected 400 or 409, got {(int)refused.StatusCode}: {await refused.Content.ReadAsStringAsync()}");
        var list = await admin.ReferenceImagesAsync(id);
        Assert.True(list.Count <= 14, $"The identity has {list.Count} reference images.");
        Assert.Equal(responses.Count(r => r.StatusCode == HttpStatusCode.Created) * 6, list.Count);
        var orders = list.Select(i => i.Order).ToList();
        Assert.Equal(orders.Count, orders.Distinct().Count());
    }

    [Fact]
    public async Task An_upload_without_a_files_part_is_400()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(ImageFiles.UniquePng());
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "image", "a.png");
        form.Add(new StringContent("hello"), "files");

        var response = await admin.PostAsync($"/api/v1/admin/identities/{id}/reference-images/", form);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest,
            "No files were sent. Send one or more images as multipart parts named 'files'.");
        await AssertNoImagesAsync(admin, id);
    }

    [Fact]
    public async Task An_empty_multipart_body_is_400()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);

        var response = await admin.PostAsync($"/api/v1/admin/identities/{id}/reference-images/", new MultipartFormDataContent());

        await response.AssertProblemAsync(HttpStatusCode.BadRequest,
            "The upload is not a readable multipart/form-data body. Send one or more images as multipart parts named 'files'.");
    }

    [Fact]
    public async Task A_multipart_body_cut_short_is_400()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var body = new ByteArrayContent("--xyz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\u0089PNG"u8.ToArray());
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");

        var response = await admin.PostAsync($"/api/v1/admin/identities/{id}/reference-images/", body);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest,
            "The upload is not a readable multipart/form-data body. Send one or more images as multipart parts named 'files'.");
        await AssertNoImagesAsync(admin, id);
    }

    [Theory]
    [InlineData("corrupt", HttpStatusCode.UnprocessableEntity)]
    [InlineData("gif", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("huge", HttpStatusCode.RequestEntityTooLarge)]
    public async Task One_bad_file_stores_none_of_them(string bad, HttpStatusCode status)
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var good1 = ImageFiles.UniquePng();
        var good2 = ImageFiles.UniqueJpeg();
        var badBytes = bad switch
        {
            "corrupt" => ImageFiles.Truncated(TestImages.QuadrantsPng(120, 90)),
            "gif" => ImageFiles.Gif,
            _ => ImageFiles.BlankPng(7000, 7000),
        };

        var response = await admin.UploadReferenceImagesAsync(id,
            [("good1.png", good1, "image/png"), ("bad.png", badBytes, "image/png"), ("good2.jpg", good2, "image/jpeg")]);

        var detail = await response.AssertProblemContainsAsync(status, "\"bad.png\"");
        Assert.DoesNotContain("good", detail);
        await AssertNoImagesAsync(admin, id);
        Assert.False(File.Exists(ImageFiles.StoredPath(factory.ImagesDirectory, good1)));
        Assert.False(File.Exists(ImageFiles.StoredPath(factory.ImagesDirectory, good2)));
    }

    [Fact]
    public async Task A_file_name_with_a_path_is_reported_by_its_name_only()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);

        var response = await admin.UploadReferenceImagesAsync(id, [("../../etc/passwd.png", ImageFiles.Gif, "image/png")]);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, $"\"passwd.png\" {NotAnImage}");
    }

    private static IEnumerable<(string, byte[], string)> Pngs(int count) =>
        Enumerable.Range(0, count).Select(i => ($"image{i}.png", ImageFiles.UniquePng(), "image/png")).ToList();

    private static async Task AssertNoImagesAsync(HttpClient admin, Guid identityId) =>
        Assert.Empty(await admin.ReferenceImagesAsync(identityId));
}
