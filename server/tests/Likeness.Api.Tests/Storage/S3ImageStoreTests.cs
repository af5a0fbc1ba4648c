using Amazon.S3;
using Likeness.Api.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Tests.Storage;

/// <summary>The S3 store against the emulator: the <see cref="IImageStore"/> contract, paging, write times, errors.</summary>
public sealed class S3ImageStoreTests : IAsyncLifetime
{
    private S3Emulator _s3 = null!;
    private readonly TestClock _clock = new();

    public async Task InitializeAsync()
    {
        _s3 = await S3Emulator.StartAsync();
        _s3.Time = _clock;
    }

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    public static S3ImageStoreOptions OptionsFor(S3Emulator s3, string prefix = "images/") => new()
    {
        BucketName = S3Emulator.Bucket,
        ServiceUrl = s3.Url,
        Region = S3Emulator.Region,
        AccessKey = S3Emulator.AccessKey,
        SecretKey = S3Emulator.SecretKey,
        Prefix = prefix,
    };

    private S3ImageStore Store(S3ImageStoreOptions? options = null) =>
        new(options ?? OptionsFor(_s3), NullLogger<S3ImageStore>.Instance);

    private static byte[] Image(int i) => TestImages.Png(20 + i, 10, new SKColor((byte)(i * 40), 90, 200));

    [Fact]
    public async Task Put_then_get_round_trips_the_bytes_under_their_sha256()
    {
        using var store = Store();
        var bytes = Image(1);

        var key = await store.PutAsync(bytes);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), key);
        Assert.Equal(bytes, await store.GetAsync(key));
        var stored = Assert.Single(_s3.Objects);
        Assert.Equal($"images/{key[..2]}/{key}", stored.Key);
        Assert.Equal("image/png", stored.Value.ContentType);
        Assert.Equal(bytes, stored.Value.Bytes);
        Assert.Empty(_s3.Refusals); // every request was SigV4-signed with the emulator's key, no chunked body, no checksum headers

        // The body went as plain bytes, signed with its SHA-256, which is the key itself.
        var put = Assert.Single(_s3.Recorded, r => r.Method == "PUT");
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={S3Emulator.AccessKey}/", put.Headers["authorization"]);
        Assert.Equal(key, put.Headers["x-amz-content-sha256"]);
        Assert.Equal(bytes.Length.ToString(), put.Headers["content-length"]);
        Assert.False(put.Headers.ContainsKey("content-encoding"));
        Assert.DoesNotContain(put.Headers.Keys, h => h.StartsWith("x-amz-checksum-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_sdk_defaults_that_the_store_turns_off_are_what_simple_servers_refuse()
    {
        // What the emulator would see without the store's settings: a chunk-signed body, or a flexible checksum.
        using var client = S3ImageStore.CreateClient(OptionsFor(_s3));
        var chunked = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest
        {
            BucketName = S3Emulator.Bucket, Key = "images/chunked", InputStream = new MemoryStream(Image(1)), UseChunkEncoding = true,
        }));
        Assert.Equal("NotImplemented", chunked.ErrorCode);

        using var defaults = new AmazonS3Client(S3Emulator.AccessKey, S3Emulator.SecretKey,
            new AmazonS3Config { ServiceURL = _s3.Url, ForcePathStyle = true, AuthenticationRegion = S3Emulator.Region });
        var checksummed = await Assert.ThrowsAsync<AmazonS3Exception>(() => defaults.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest
        {
            BucketName = S3Emulator.Bucket, Key = "images/checksummed", InputStream = new MemoryStream(Image(1)), UseChunkEncoding = false,
        }));
        Assert.Equal("InvalidArgument", checksummed.ErrorCode);
        Assert.Empty(_s3.Objects);
    }

    [Fact]
    public async Task The_same_bytes_give_the_same_key_and_one_object()
    {
        using var store = Store();
        var bytes = Image(2);

        var first = await store.PutAsync(bytes);
        var second = await store.PutAsync(bytes.ToArray());

        Assert.Equal(first, second);
        Assert.Single(_s3.Objects);
        Assert.Equal(2, _s3.Count("PUT")); // one request per put: the re-put is what refreshes the write time
    }

    [Fact]
    public async Task Get_of_an_absent_key_is_null()
    {
        using var store = Store();
        Assert.Null(await store.GetAsync(new string('a', 64)));
        Assert.Contains(_s3.Requests, r => r.StartsWith("GET /likeness-test/images/aa/aaaa", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_bucket_is_an_error_not_an_absent_image()
    {
        var options = OptionsFor(_s3);
        options.BucketName = "no-such-bucket";
        using var store = Store(options);
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => store.GetAsync(new string('b', 64)));
        Assert.Equal("NoSuchBucket", error.ErrorCode);
    }

    [Fact]
    public async Task Delete_removes_the_object_and_deleting_an_absent_key_is_fine()
    {
        using var store = Store();
        var kept = await store.PutAsync(Image(3));
        var deleted = await store.PutAsync(Image(4));

        await store.DeleteAsync(deleted);
        await store.DeleteAsync(deleted);
        await store.DeleteAsync(new string('c', 64));

        Assert.Null(await store.GetAsync(deleted));
        Assert.NotNull(await store.GetAsync(kept));
        Assert.Equal([$"images/{kept[..2]}/{kept}"], _s3.Objects.Keys);
    }

    [Fact]
    public async Task List_pages_through_every_key_under_the_prefix_with_its_write_time()
    {
        _s3.PageSize = 2;
        using var store = Store();
        var written = new Dictionary<string, DateTime>();
        for (var i = 0; i < 5; i++)
        {
            var key = await store.PutAsync(Image(10 + i));
            written[key] = _s3.Objects[$"images/{key[..2]}/{key}"].LastModified;
            _clock.Advance(TimeSpan.FromMinutes(3));
        }
        // Neither of these is an image of this store: another prefix, and a name that is not a key.
        _s3.Seed($"other/{written.Keys.First()[..2]}/{written.Keys.First()}", [1, 2, 3]);
        _s3.Seed("images/zz/not-a-key", [4, 5, 6]);

        var listed = new List<(string Key, DateTime WrittenAt)>();
        await foreach (var item in store.ListAsync())
            listed.Add(item);

        Assert.Equal(written.Keys.Order(StringComparer.Ordinal), listed.Select(l => l.Key).Order(StringComparer.Ordinal));
        foreach (var (key, writtenAt) in listed)
        {
            Assert.Equal(DateTimeKind.Utc, writtenAt.Kind);
            Assert.Equal(written[key], writtenAt);
        }
        // Six objects under images/ at two a page: three pages, the last two asked for with a continuation token.
        var lists = _s3.Requests.Where(r => r.Contains("list-type=2", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lists.Count);
        Assert.All(lists, r => Assert.Contains("prefix=images%2F", r));
        Assert.Equal(2, lists.Count(r => r.Contains("continuation-token=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_put_of_bytes_already_stored_refreshes_the_write_time()
    {
        using var store = Store();
        var bytes = Image(5);
        var key = await store.PutAsync(bytes);
        var before = (await ListAllAsync(store)).Single().WrittenAt;

        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(key, await store.PutAsync(bytes));
        var after = (await ListAllAsync(store)).Single().WrittenAt;

        // The emulator's clock is the real one moved on by 15 minutes, kept to the second as S3 does.
        Assert.InRange(after - before, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(10));
        Assert.Equal(bytes, await store.GetAsync(key));
    }

    [Fact]
    public async Task An_empty_prefix_and_a_prefix_without_a_slash_both_work()
    {
        using var root = Store(OptionsFor(_s3, prefix: ""));
        using var tenant = Store(OptionsFor(_s3, prefix: "tenant-a"));
        var rootKey = await root.PutAsync(Image(6));
        var tenantKey = await tenant.PutAsync(Image(7));

        Assert.Contains($"{rootKey[..2]}/{rootKey}", _s3.Objects.Keys);
        Assert.Contains($"tenant-a/{tenantKey[..2]}/{tenantKey}", _s3.Objects.Keys);
        Assert.Equal([tenantKey], (await ListAllAsync(tenant)).Select(l => l.Key));
        Assert.Equal([rootKey], (await ListAllAsync(root)).Select(l => l.Key)); // "tenant-a/…" is not "xx/key"
    }

    [Fact]
    public async Task A_corrupt_object_is_an_error_not_a_wrong_image()
    {
        using var store = Store();
        var key = await store.PutAsync(Image(8));
        _s3.Seed($"images/{key[..2]}/{key}", Image(9));

        await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync(key));
    }

    [Fact]
    public async Task The_emulator_refuses_unsigned_and_wrongly_signed_requests()
    {
        using var http = new HttpClient();
        var unsigned = await http.PutAsync($"{_s3.Url}/{S3Emulator.Bucket}/images/aa/{new string('a', 64)}", new ByteArrayContent([1]));
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await unsigned.Content.ReadAsStringAsync());

        var options = OptionsFor(_s3);
        options.SecretKey = "not-the-secret";
        using var wrongSecret = Store(options);
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => wrongSecret.PutAsync(Image(1)));
        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);

        options = OptionsFor(_s3);
        options.AccessKey = "AKIASOMEONEELSE00000";
        using var wrongKey = Store(options);
        error = await Assert.ThrowsAsync<AmazonS3Exception>(() => wrongKey.GetAsync(new string('d', 64)));
        Assert.Equal("InvalidAccessKeyId", error.ErrorCode);
        Assert.Empty(_s3.Objects);
    }

    [Fact]
    public async Task Bad_keys_are_refused_before_any_request()
    {
        using var store = Store();
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync("../../etc/passwd"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(new string('A', 64)));
        Assert.Empty(_s3.Requests);
    }

    // ---- configuration ----

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddOptions<LikenessOptions>();
        services.AddImageStore(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void S3_without_a_bucket_fails_validation_naming_the_setting()
    {
        using var services = Services(new() { ["ImageStore:Kind"] = "S3", ["ImageStore:S3:ServiceUrl"] = "http://127.0.0.1:9000" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ImageStoreOptions>>().Value);
        Assert.Contains("ImageStore:S3:BucketName is required when ImageStore:Kind is S3.", error.Message);
        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IImageStore>());
    }

    [Theory]
    [InlineData("ImageStore:S3:AccessKey", "AKIAONLYTHEID", "ImageStore:S3:SecretKey is required when ImageStore:S3:AccessKey is set")]
    [InlineData("ImageStore:S3:SecretKey", "only-the-secret", "ImageStore:S3:AccessKey is required when ImageStore:S3:SecretKey is set")]
    [InlineData("ImageStore:S3:ServiceUrl", "minio:9000", "ImageStore:S3:ServiceUrl must be an absolute http or https URL")]
    public void Half_a_key_pair_or_a_bad_url_fails_validation(string setting, string value, string message)
    {
        using var services = Services(new() { ["ImageStore:Kind"] = "S3", ["ImageStore:S3:BucketName"] = "b", [setting] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ImageStoreOptions>>().Value);
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain("only-the-secret", error.Message);
    }

    [Fact]
    public void An_unknown_kind_is_refused_and_the_default_is_the_file_system()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ImageStore:Kind"] = "Floppy" }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddImageStore(configuration));
        Assert.Equal("ImageStore:Kind must be FileSystem or S3, not 'Floppy'.", error.Message);

        var services = new ServiceCollection().AddImageStore(new ConfigurationBuilder().Build());
        Assert.Equal(typeof(FileSystemImageStore), services.Single(d => d.ServiceType == typeof(IImageStore)).ImplementationType);
    }

    [Fact]
    public void Path_style_defaults_to_on_with_a_service_url_and_off_for_aws()
    {
        Assert.True(new S3ImageStoreOptions { ServiceUrl = "http://127.0.0.1:9000" }.EffectiveForcePathStyle);
        Assert.False(new S3ImageStoreOptions().EffectiveForcePathStyle);
        Assert.False(new S3ImageStoreOptions { ServiceUrl = "https://acct.r2.cloudflarestorage.com", ForcePathStyle = false }.EffectiveForcePathStyle);

        using var client = S3ImageStore.CreateClient(new S3ImageStoreOptions { BucketName = "b", Region = "eu-west-3" });
        var config = (AmazonS3Config)client.Config;
        Assert.Equal("eu-west-3", config.RegionEndpoint?.SystemName);
        Assert.False(config.ForcePathStyle);
        Assert.Equal(Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED, config.RequestChecksumCalculation);
    }

    private static async Task<List<(string Key, DateTime WrittenAt)>> ListAllAsync(IImageStore store)
    {
        var all = new List<(string, DateTime)>();
        await foreach (var item in store.ListAsync())
            all.Add(item);
        return all;
    }
}
