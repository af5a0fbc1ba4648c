using Likeness.Api.Storage;

namespace Likeness.Api.Tests.Storage;

/// <summary>The real app with <c>ImageStore:Kind=S3</c> against the emulator: uploads, generate, edit, serve, sweep.</summary>
public sealed class S3AppTests : IAsyncLifetime
{
    private const string Prefix = "likeness/images/";
    private S3Emulator _s3 = null!;
    private LikenessApiFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _s3 = await S3Emulator.StartAsync();
        _s3.PageSize = 2; // the sweep must page through the listing
        _factory = AppOn(new Dictionary<string, string?>
        {
            ["ImageStore:Kind"] = "S3",
            ["ImageStore:S3:BucketName"] = S3Emulator.Bucket,
            ["ImageStore:S3:ServiceUrl"] = _s3.Url,
            ["ImageStore:S3:Region"] = S3Emulator.Region,
            ["ImageStore:S3:AccessKey"] = S3Emulator.AccessKey,
            ["ImageStore:S3:SecretKey"] = S3Emulator.SecretKey,
            ["ImageStore:S3:Prefix"] = Prefix,
        });
        _s3.Time = _factory.Clock; // LastModified and the sweep's "now" from one clock
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _s3.DisposeAsync();
    }

    /// <summary>The app with its own registration (<c>AddImageStore</c> in Program.cs) reading these settings: nothing swapped.</summary>
    private static LikenessApiFactory AppOn(Dictionary<string, string?> settings) => LikenessApiFactory.With(settings);

    private static string KeyOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string ObjectName(string key) => $"{Prefix}{key[..2]}/{key}";

    [Fact]
    public async Task Upload_generate_and_edit_keep_every_image_in_the_bucket_and_none_on_disk()
    {
        using var admin = await _factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(referenceCount: 2);
        var referenceObjects = _s3.Objects.Count;
        Assert.True(referenceObjects >= 2, $"the two reference images are in the bucket ({referenceObjects} objects)");
        var (client, _) = await _factory.CreateUserClientAsync();

        var generated = await client.PostAsJsonAsync("/api/v1/identities/generate-image/", new { identity_id = identityId, resolution = "1K" });
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        var generatedBytes = Convert.FromBase64String((await generated.ReadAsAsync<ImageSessionResponse>()).ImageBase64!);
        Assert.Equal(generatedBytes, _s3.Objects[ObjectName(KeyOf(generatedBytes))].Bytes);

        var edited = await client.PostAsJsonAsync("/api/v1/identities/edit-image/", new { edit_prompt = "rotate 90" });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var editedBody = await edited.ReadAsAsync<ImageSessionResponse>();
        var editedBytes = Convert.FromBase64String(editedBody.ImageBase64!);
        using (var image = TestImages.Decode(editedBytes))
            Assert.Equal((576, 1024), (image.Width, image.Height)); // the edit was applied to the image read back from S3
        Assert.Equal(editedBytes, _s3.Objects[ObjectName(KeyOf(editedBytes))].Bytes);

        // Served from the bucket.
        var served = await client.GetAsync(editedBody.ImageUrl);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(editedBytes, await served.Content.ReadAsByteArrayAsync());

        // Two images (and their thumbnails) per turn, all under the prefix, all requests signed and accepted.
        Assert.True(_s3.Objects.Count >= referenceObjects + 4, $"{_s3.Objects.Count} objects");
        Assert.All(_s3.Objects.Keys, name => Assert.StartsWith(Prefix, name));
        Assert.Empty(_s3.Refusals);
        Assert.True(_s3.Count("GET") > 0);

        // Nothing on disk, and the secret is never logged.
        Assert.False(Directory.Exists(_factory.ImagesDirectory) && Directory.EnumerateFileSystemEntries(_factory.ImagesDirectory).Any(),
            "nothing is written under the data folder's images/");
        Assert.Contains("Images are stored in S3: bucket 'likeness-test'", _factory.Logs.All);
        Assert.DoesNotContain(S3Emulator.SecretKey, _factory.Logs.All);
    }

    [Fact]
    public async Task The_orphan_sweep_pages_the_bucket_and_spares_referenced_and_claimed_images()
    {
        using var admin = await _factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var (client, _) = await _factory.CreateUserClientAsync();
        var generated = await (await client.PostAsJsonAsync("/api/v1/identities/generate-image/", new { identity_id = identityId, resolution = "1K" })).ReadAsAsync<ImageSessionResponse>();
        var referenced = _s3.Objects.Keys.ToHashSet();

        var store = _factory.Services.GetRequiredService<IImageStore>();
        Assert.IsType<S3ImageStore>(store);
        var abandoned = await store.PutAsync(TestImages.Png(7, 7, SKColors.Teal));
        var reused = await store.PutAsync(TestImages.Png(9, 9, SKColors.Olive));

        _factory.Clock.Advance(ImageJanitor.SweepGrace + TimeSpan.FromMinutes(1));
        // A request puts the same bytes again (its row not committed yet): its claim keeps them.
        await using var writer = _factory.Services.CreateAsyncScope();
        Assert.Equal(reused, await writer.ServiceProvider.GetRequiredService<ImageStoreClaims>().PutAsync(TestImages.Png(9, 9, SKColors.Olive)));
        var listsBefore = _s3.Requests.Count(r => r.Contains("list-type=2", StringComparison.Ordinal));

        using (var scope = _factory.Services.CreateScope())
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ImageJanitor>().SweepAsync());

        Assert.False(_s3.Objects.ContainsKey(ObjectName(abandoned)));
        Assert.True(_s3.Objects.ContainsKey(ObjectName(reused)));
        Assert.Superset(referenced, _s3.Objects.Keys.ToHashSet());
        Assert.True(_s3.Requests.Count(r => r.Contains("list-type=2", StringComparison.Ordinal)) - listsBefore > 1, "the listing was paged");
        var served = await client.GetAsync(generated.ImageUrl);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task The_app_does_not_start_on_S3_without_a_bucket_and_says_which_setting_is_missing()
    {
        await using var app = AppOn(new Dictionary<string, string?>
        {
            ["ImageStore:Kind"] = "S3",
            ["ImageStore:S3:ServiceUrl"] = _s3.Url,
            ["ImageStore:S3:AccessKey"] = S3Emulator.AccessKey,
            ["ImageStore:S3:SecretKey"] = S3Emulator.SecretKey,
        });

        var error = Record.Exception(() => app.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("ImageStore:S3:BucketName is required when ImageStore:Kind is S3.", error.ToString());
        Assert.DoesNotContain(S3Emulator.SecretKey, error.ToString());
    }

    [Theory]
    [S3rverData]
    public async Task The_apps_own_registration_keeps_generated_and_edited_images_in_s3rver(string server)
    {
        await using var s3 = await S3TestServer.StartAsync(server);
        await using var app = AppOn(new Dictionary<string, string?>
        {
            ["ImageStore:Kind"] = "S3",
            ["ImageStore:S3:BucketName"] = s3.Bucket,
            ["ImageStore:S3:ServiceUrl"] = s3.Url,
            ["ImageStore:S3:Region"] = S3Emulator.Region,
            ["ImageStore:S3:AccessKey"] = s3.AccessKey,
            ["ImageStore:S3:SecretKey"] = s3.SecretKey,
            ["ImageStore:S3:Prefix"] = Prefix,
        });
        Assert.IsType<S3ImageStore>(app.Services.GetRequiredService<IImageStore>());
        var (client, _, generated) = await app.StartSessionAsync();
        var edited = await client.PostAsJsonAsync("/api/v1/identities/edit-image/", new { edit_prompt = "invert" });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);

        foreach (var body in new[] { generated, await edited.ReadAsAsync<ImageSessionResponse>() })
        {
            var bytes = Convert.FromBase64String(body.ImageBase64!);
            using var stored = await s3.Client.GetObjectAsync(s3.Bucket, ObjectName(KeyOf(bytes)));
            using var read = new MemoryStream();
            await stored.ResponseStream.CopyToAsync(read);
            Assert.Equal(bytes, read.ToArray());
            var served = await client.GetAsync(body.ImageUrl);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal(bytes, await served.Content.ReadAsByteArrayAsync());
        }
        Assert.False(Directory.Exists(app.ImagesDirectory) && Directory.EnumerateFiles(app.ImagesDirectory, "*", SearchOption.AllDirectories).Any(),
            "nothing is written under the data folder's images/");
    }
}
