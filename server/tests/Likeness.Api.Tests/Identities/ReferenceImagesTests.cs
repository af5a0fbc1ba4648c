namespace Likeness.Api.Tests.Identities;

/// <summary>Uploading, listing, downloading and deleting reference images, and what the image store keeps.</summary>
public class ReferenceImagesTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private static string ImagesOf(Guid identityId) => $"/api/v1/admin/identities/{identityId}/reference-images/";

    [Fact]
    public async Task Upload_of_png_jpeg_and_webp_answers_201_with_the_facts_of_each()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var png = TestImages.Png(40, 30, ImageFiles.RandomColour());
        var jpeg = TestImages.Jpeg(50, 20, ImageFiles.RandomColour());
        var webp = TestImages.Webp(16, 64, ImageFiles.RandomColour());

        var response = await admin.UploadReferenceImagesAsync(id,
            [("face.png", png, "image/png"), ("side.jpg", jpeg, "image/jpeg"), ("back.webp", webp, "image/webp")]);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var images = await response.ReadAsAsync<List<ReferenceImageResponse>>();
        Assert.Equal(3, images.Count);
        (string Mime, int Width, int Height, byte[] Bytes)[] expected =
            [("image/png", 40, 30, png), ("image/jpeg", 50, 20, jpeg), ("image/webp", 16, 64, webp)];
        for (var i = 0; i < expected.Length; i++)
        {
            var image = images[i];
            var imageId = image.Id;
            Assert.Equal(id, image.IdentityId);
            Assert.Equal(expected[i].Mime, image.MimeType);
            Assert.Equal(expected[i].Width, image.Width);
            Assert.Equal(expected[i].Height, image.Height);
            Assert.Equal(expected[i].Bytes.Length, image.SizeBytes);
            Assert.Equal(ImageFiles.Sha256(expected[i].Bytes), image.Sha256);
            Assert.Equal(i, image.Order);
            Assert.Equal($"/api/v1/identities/{id}/reference-images/{imageId}/", image.Url);
            Assert.NotEqual(default, image.CreatedAt); // present (an absent created_at would read as the default)
            Assert.True(File.Exists(ImageFiles.StoredPath(factory.ImagesDirectory, expected[i].Bytes)));
        }
    }

    [Fact]
    public async Task The_type_comes_from_the_bytes_not_from_what_the_part_claims()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var jpeg = ImageFiles.UniqueJpeg();

        var response = await admin.UploadReferenceImagesAsync(id, [("photo.png", jpeg, "application/octet-stream")]);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var image = Assert.Single(await response.ReadAsAsync<List<ReferenceImageResponse>>());
        Assert.Equal("image/jpeg", image.MimeType);
        var download = await admin.GetAsync($"{ImagesOf(id)}{image.Id}/");
        Assert.Equal("image/jpeg", download.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_very_long_file_name_is_kept_short_rather_than_refused()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var name = new string('n', 400) + ".png";

        var response = await admin.UploadReferenceImagesAsync(id, [(name, ImageFiles.UniquePng(), "image/png")]);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = Assert.Single(await response.ReadAsAsync<List<ReferenceImageResponse>>()).FileName!;
        Assert.True(stored.Length <= 255, $"file_name is {stored.Length} characters.");
        Assert.EndsWith(".png", stored);
    }

    [Fact]
    public async Task A_file_name_with_control_characters_is_cleaned_rather_than_refused()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        // Written by hand: HttpClient will not put a NUL into a part's headers.
        var png = ImageFiles.UniquePng();
        byte[] body =
        [
            .. "--xyz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"fa\u0000ce.png\"\r\nContent-Type: image/png\r\n\r\n"u8,
            .. png,
            .. "\r\n--xyz--\r\n"u8,
        ];
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");

        var response = await admin.PostAsync(ImagesOf(id), content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("face.png", Assert.Single(await response.ReadAsAsync<List<ReferenceImageResponse>>()).FileName);
    }

    [Fact]
    public async Task List_returns_the_images_in_upload_order_across_uploads()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var first = await UploadAsync(admin, id, ImageFiles.UniquePng(), ImageFiles.UniquePng());
        var second = await UploadAsync(admin, id, ImageFiles.UniquePng());

        var response = await admin.GetAsync(ImagesOf(id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await response.ReadAsAsync<List<ReferenceImageResponse>>();
        Assert.Equal(first.Concat(second), list.Select(i => i.Id));
        Assert.Equal([0, 1, 2], list.Select(i => i.Order));

        // The identity shows the same images in the same order.
        var identity = await admin.GetAsAsync<IdentityResponse>($"/api/v1/admin/identities/{id}/");
        Assert.Equal(first.Concat(second), identity.ReferenceImages.Select(i => i.Id));
    }

    [Fact]
    public async Task After_a_delete_new_images_go_last()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var ids = await UploadAsync(admin, id, ImageFiles.UniquePng(), ImageFiles.UniquePng(), ImageFiles.UniquePng());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{ImagesOf(id)}{ids[2]}/")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{ImagesOf(id)}{ids[0]}/")).StatusCode);

        var added = await UploadAsync(admin, id, ImageFiles.UniquePng());

        var list = (await admin.ReferenceImagesAsync(id)).Select(i => i.Id);
        Assert.Equal([ids[1], added[0]], list);
    }

    [Fact]
    public async Task Download_returns_the_exact_bytes_and_type_on_the_admin_path_and_the_url()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var png = ImageFiles.UniquePng();
        var webp = TestImages.Webp(20, 20, ImageFiles.RandomColour());
        var upload = await admin.UploadReferenceImagesAsync(id, [("a.png", png, "image/png"), ("b.webp", webp, "image/webp")]);
        var images = await upload.ReadAsAsync<List<ReferenceImageResponse>>();
        var (user, _) = await factory.CreateUserClientAsync();
        using var _user = user;

        foreach (var (image, bytes, mime) in new[] { (images[0], png, "image/png"), (images[1], webp, "image/webp") })
        {
            var imageId = image.Id;
            var url = image.Url;

            var byAdmin = await admin.GetAsync($"{ImagesOf(id)}{imageId}/");
            Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
            Assert.Equal(mime, byAdmin.Content.Headers.ContentType?.MediaType);
            Assert.Equal(bytes, await byAdmin.Content.ReadAsByteArrayAsync());

            // The url is the user path: any signed-in user (and the admin) can use it as an <img src>.
            foreach (var client in new[] { user, admin })
            {
                var byUrl = await client.GetAsync(url);
                Assert.Equal(HttpStatusCode.OK, byUrl.StatusCode);
                Assert.Equal(mime, byUrl.Content.Headers.ContentType?.MediaType);
                Assert.Equal(bytes, await byUrl.Content.ReadAsByteArrayAsync());
            }
        }
    }

    [Fact]
    public async Task Download_answers_304_to_a_matching_etag()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var png = ImageFiles.UniquePng();
        var imageId = (await UploadAsync(admin, id, png))[0];
        var first = await admin.GetAsync($"{ImagesOf(id)}{imageId}/");
        Assert.Equal($"\"{ImageFiles.Sha256(png)}\"", first.Headers.ETag?.Tag);

        var request = new HttpRequestMessage(HttpMethod.Get, $"{ImagesOf(id)}{imageId}/");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var again = await admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Fact]
    public async Task Download_of_an_unknown_image_or_through_another_identity_is_404()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var other = await admin.CreateIdentityAsync(referenceCount: 0);
        var imageId = (await UploadAsync(admin, id, ImageFiles.UniquePng()))[0];

        await (await admin.GetAsync($"{ImagesOf(id)}{Guid.NewGuid()}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Reference image not found.");
        await (await admin.GetAsync($"{ImagesOf(other)}{imageId}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Reference image not found.");
        await (await admin.GetAsync($"/api/v1/identities/{other}/reference-images/{imageId}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Reference image not found.");
        await (await admin.DeleteAsync($"{ImagesOf(other)}{imageId}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Reference image not found.");
        await (await admin.DeleteAsync($"{ImagesOf(id)}{Guid.NewGuid()}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Reference image not found.");

        // The failed delete through the other identity left it alone.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"{ImagesOf(id)}{imageId}/")).StatusCode);
    }

    [Fact]
    public async Task Delete_answers_204_and_removes_the_image_and_its_file()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        var kept = ImageFiles.UniquePng();
        var deleted = ImageFiles.UniquePng();
        var ids = await UploadAsync(admin, id, kept, deleted);
        Assert.True(File.Exists(ImageFiles.StoredPath(factory.ImagesDirectory, deleted)));

        var response = await admin.DeleteAsync($"{ImagesOf(id)}{ids[1]}/");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(File.Exists(ImageFiles.StoredPath(factory.ImagesDirectory, deleted)));
        Assert.True(File.Exists(ImageFiles.StoredPath(factory.ImagesDirectory, kept)));
        await (await admin.GetAsync($"{ImagesOf(id)}{ids[1]}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Reference image not found.");
        var list = (await admin.ReferenceImagesAsync(id)).Select(i => i.Id);
        Assert.Equal([ids[0]], list);
    }

    [Fact]
    public async Task The_same_bytes_in_two_identities_are_stored_once_until_both_let_go()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var first = await admin.CreateIdentityAsync(referenceCount: 0);
        var second = await admin.CreateIdentityAsync(referenceCount: 0);
        var shared = ImageFiles.UniquePng();
        var path = ImageFiles.StoredPath(factory.ImagesDirectory, shared);
        var inFirst = (await UploadAsync(admin, first, shared))[0];
        var inSecond = (await UploadAsync(admin, second, shared))[0];
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{ImagesOf(first)}{inFirst}/")).StatusCode);

        Assert.True(File.Exists(path), "The second identity still uses the bytes.");
        var download = await admin.GetAsync($"{ImagesOf(second)}{inSecond}/");
        Assert.Equal(shared, await download.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{ImagesOf(second)}{inSecond}/")).StatusCode);

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Deleting_an_identity_deletes_its_stored_images_but_not_shared_ones()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var doomed = await admin.CreateIdentityAsync(referenceCount: 0);
        var survivor = await admin.CreateIdentityAsync(referenceCount: 0);
        var own = ImageFiles.UniquePng();
        var ownJpeg = ImageFiles.UniqueJpeg();
        var shared = ImageFiles.UniquePng();
        var ownIds = await UploadAsync(admin, doomed, own, ownJpeg, shared);
        await UploadAsync(admin, survivor, shared);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/admin/identities/{doomed}/")).StatusCode);

        Assert.False(File.Exists(ImageFiles.StoredPath(factory.ImagesDirectory, own)));
        Assert.False(File.Exists(ImageFiles.StoredPath(factory.ImagesDirectory, ownJpeg)));
        Assert.True(File.Exists(ImageFiles.StoredPath(factory.ImagesDirectory, shared)));
        foreach (var imageId in ownIds)
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/identities/{doomed}/reference-images/{imageId}/")).StatusCode);
        var survivorImage = Assert.Single(await admin.ReferenceImagesAsync(survivor));
        Assert.Equal(ImageFiles.Sha256(shared), survivorImage.Sha256);
    }

    [Fact]
    public async Task Uploading_and_deleting_images_moves_the_identity_updated_at()
    {
        await using var fresh = new LikenessApiFactory();
        using var admin = await fresh.CreateAdminClientAsync();
        var id = await admin.CreateIdentityAsync(referenceCount: 0);
        async Task<DateTime> UpdatedAt() =>
            (await admin.GetAsAsync<IdentityResponse>($"/api/v1/admin/identities/{id}/")).UpdatedAt;
        var created = await UpdatedAt();

        fresh.Clock.Advance(TimeSpan.FromMinutes(1));
        var imageId = (await UploadAsync(admin, id, ImageFiles.UniquePng()))[0];
        var afterUpload = await UpdatedAt();
        fresh.Clock.Advance(TimeSpan.FromMinutes(1));
        await admin.DeleteAsync($"{ImagesOf(id)}{imageId}/");
        var afterDelete = await UpdatedAt();

        Assert.True(afterUpload - created >= TimeSpan.FromMinutes(1));
        Assert.True(afterDelete - afterUpload >= TimeSpan.FromMinutes(1));
    }

    private static async Task<List<Guid>> UploadAsync(HttpClient admin, Guid identityId, params byte[][] images)
    {
        var response = await admin.UploadReferenceImagesAsync(identityId,
            images.Select((bytes, i) => ($"image{i}.png", bytes, "image/png")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return [.. (await response.ReadAsAsync<List<ReferenceImageResponse>>()).Select(i => i.Id)];
    }
}
