using Amazon.S3;
using Amazon.S3.Model;
using Likeness.Api.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Sdk;

namespace Likeness.Api.Tests.Storage;

/// <summary>
/// The S3 store's contract against two servers: our emulator (always) and s3rver, a real S3-compatible server
/// (`make test` starts it through scripts/with-s3rver.sh, which sets <c>LIKENESS_TEST_S3RVER</c>; without that
/// variable the s3rver rows are skipped, saying so). The emulator's own checks (signing details, paging, faults)
/// are in <see cref="S3ImageStoreTests"/>.
/// </summary>
public sealed class S3StoreContractTests
{
    public const string Emulator = "emulator";
    public const string S3rver = "s3rver";

    private static byte[] Image(int i) => TestImages.Png(30 + i, 12, new SKColor((byte)(i * 30), 120, 60));

    [Theory]
    [InlineData(Emulator)]
    [S3rverData]
    public async Task Put_then_get_round_trips_the_bytes_under_their_sha256(string server)
    {
        await using var s3 = await S3TestServer.StartAsync(server);
        using var store = s3.Store();
        var bytes = Image(1);

        var key = await store.PutAsync(bytes);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), key);
        Assert.Equal(bytes, await store.GetAsync(key));
        var raw = await s3.Client.GetObjectAsync(s3.Bucket, $"images/{key[..2]}/{key}");
        Assert.Equal("image/png", raw.Headers.ContentType);
    }

    [Theory]
    [InlineData(Emulator)]
    [S3rverData]
    public async Task The_same_bytes_give_the_same_key_and_one_object(string server)
    {
        await using var s3 = await S3TestServer.StartAsync(server);
        using var store = s3.Store();
        var bytes = Image(2);

        var first = await store.PutAsync(bytes);
        var second = await store.PutAsync(bytes.ToArray());

        Assert.Equal(first, second);
        Assert.Equal([first], (await ListAllAsync(store)).Select(l => l.Key));
    }

    [Theory]
    [InlineData(Emulator)]
    [S3rverData]
    public async Task Get_of_an_absent_key_is_null_and_a_missing_bucket_is_an_error(string server)
    {
        await using var s3 = await S3TestServer.StartAsync(server);
        using var store = s3.Store();
        Assert.Null(await store.GetAsync(new string('a', 64)));

        using var elsewhere = s3.Store(bucket: "no-such-bucket");
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => elsewhere.GetAsync(new string('b', 64)));
        Assert.Equal("NoSuchBucket", error.ErrorCode);
    }

    [Theory]
    [InlineData(Emulator)]
    [S3rverData]
    public async Task Delete_removes_the_object_and_deleting_an_absent_key_is_fine(string server)
    {
        await using var s3 = await S3TestServer.StartAsync(server);
        using var store = s3.Store();
        var kept = await store.PutAsync(Image(3));
        var deleted = await store.PutAsync(Image(4));

        await store.DeleteAsync(deleted);
        await store.DeleteAsync(deleted);
        await store.DeleteAsync(new string('c', 64));

        Assert.Null(await store.GetAsync(deleted));
        Assert.NotNull(await store.GetAsync(kept));
        Assert.Equal([kept], (await ListAllAsync(store)).Select(l => l.Key));
    }

    [Theory]
    [InlineData(Emulator)]
    [S3rverData]
    public async Task List_gives_every_key_under_the_prefix_with_its_write_time_and_nothing_else(string server)
    {
        await using var s3 = await S3TestServer.StartAsync(server);
        using var store = s3.Store();
        var before = DateTime.UtcNow.AddSeconds(-5);
        var keys = new List<string>();
        for (var i = 0; i < 5; i++)
            keys.Add(await store.PutAsync(Image(10 + i)));
        // Neither of these is an image of this store: another prefix, and a name that is not a key.
        await s3.PutRawAsync($"other/{keys[0][..2]}/{keys[0]}", [1, 2, 3]);
        await s3.PutRawAsync("images/zz/not-a-key", [4, 5, 6]);

        var listed = await ListAllAsync(store);

        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Select(l => l.Key).Order(StringComparer.Ordinal));
        Assert.All(listed, l =>
        {
            Assert.Equal(DateTimeKind.Utc, l.WrittenAt.Kind);
            Assert.InRange(l.WrittenAt, before, DateTime.UtcNow.AddSeconds(5));
        });
    }

    [Theory]
    [InlineData(Emulator)]
    [S3rverData]
    public async Task A_put_of_bytes_already_stored_refreshes_the_write_time(string server)
    {
        await using var s3 = await S3TestServer.StartAsync(server);
        using var store = s3.Store();
        var bytes = Image(5);
        var key = await store.PutAsync(bytes);
        var before = (await ListAllAsync(store)).Single().WrittenAt;

        await Task.Delay(TimeSpan.FromSeconds(1.2)); // write times are kept to the second (s3rver: the millisecond)
        Assert.Equal(key, await store.PutAsync(bytes));
        var after = (await ListAllAsync(store)).Single().WrittenAt;

        Assert.True(after > before, $"The write time stayed {before:O} (now {after:O}).");
        Assert.Equal(bytes, await store.GetAsync(key));
    }

    [Theory]
    [InlineData(Emulator)]
    [S3rverData]
    public async Task An_empty_prefix_and_a_prefix_without_a_slash_both_work(string server)
    {
        await using var s3 = await S3TestServer.StartAsync(server);
        using var root = s3.Store(prefix: "");
        using var tenant = s3.Store(prefix: "tenant-a");
        var rootKey = await root.PutAsync(Image(6));
        var tenantKey = await tenant.PutAsync(Image(7));

        Assert.Equal(Image(7), await tenant.GetAsync(tenantKey));
        Assert.NotNull(await s3.Client.GetObjectAsync(s3.Bucket, $"tenant-a/{tenantKey[..2]}/{tenantKey}"));
        Assert.Equal([tenantKey], (await ListAllAsync(tenant)).Select(l => l.Key));
        Assert.Equal([rootKey], (await ListAllAsync(root)).Select(l => l.Key)); // "tenant-a/…" is not "xx/key"
    }

    [Theory]
    [InlineData(Emulator)]
    [S3rverData]
    public async Task A_corrupt_object_is_an_error_not_a_wrong_image(string server)
    {
        await using var s3 = await S3TestServer.StartAsync(server);
        using var store = s3.Store();
        var key = await store.PutAsync(Image(8));
        await s3.PutRawAsync($"images/{key[..2]}/{key}", Image(9));

        await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync(key));
    }

    [Theory]
    [InlineData(Emulator)]
    [S3rverData]
    public async Task An_unknown_access_key_is_refused(string server)
    {
        // (A wrong secret is the emulator's check only, in S3ImageStoreTests: s3rver does not verify SigV4 signatures.)
        await using var s3 = await S3TestServer.StartAsync(server);

        using var wrongKey = s3.Store(accessKey: "AKIASOMEONEELSE00000");
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => wrongKey.PutAsync(Image(1)));
        Assert.Equal("InvalidAccessKeyId", error.ErrorCode);
        Assert.Empty(await ListAllAsync(s3.Store()));
    }

    private static async Task<List<(string Key, DateTime WrittenAt)>> ListAllAsync(IImageStore store)
    {
        var all = new List<(string, DateTime)>();
        await foreach (var item in store.ListAsync())
            all.Add(item);
        return all;
    }
}

/// <summary>The s3rver row of a theory: skipped, with the reason, when <c>LIKENESS_TEST_S3RVER</c> is not set.</summary>
public sealed class S3rverDataAttribute : DataAttribute
{
    public const string Variable = "LIKENESS_TEST_S3RVER";

    public S3rverDataAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
            Skip = $"{Variable} is not set: run under scripts/with-s3rver.sh (as `make test` does) to test against s3rver too.";
    }

    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) => [[S3StoreContractTests.S3rver]];
}

/// <summary>One S3 server for one test: the emulator, started for it, or s3rver with a fresh bucket.</summary>
public sealed class S3TestServer : IAsyncDisposable
{
    private const string S3rverKey = "S3RVER"; // s3rver's built-in credentials
    private readonly S3Emulator? _emulator;

    private S3TestServer(string url, string bucket, string accessKey, string secretKey, S3Emulator? emulator)
    {
        Url = url;
        Bucket = bucket;
        AccessKey = accessKey;
        SecretKey = secretKey;
        _emulator = emulator;
        Client = S3ImageStore.CreateClient(Options());
    }

    public string Url { get; }
    public string Bucket { get; }
    public string AccessKey { get; }
    public string SecretKey { get; }

    /// <summary>A client with the store's settings, for what a test does behind the store's back.</summary>
    public IAmazonS3 Client { get; }

    public static async Task<S3TestServer> StartAsync(string server)
    {
        if (server == S3StoreContractTests.Emulator)
        {
            var emulator = await S3Emulator.StartAsync();
            return new S3TestServer(emulator.Url, S3Emulator.Bucket, S3Emulator.AccessKey, S3Emulator.SecretKey, emulator);
        }
        var url = Environment.GetEnvironmentVariable(S3rverDataAttribute.Variable)
            ?? throw new InvalidOperationException($"{S3rverDataAttribute.Variable} is not set.");
        var s3 = new S3TestServer(url, $"t-{Guid.NewGuid():N}", S3rverKey, S3rverKey, null);
        await s3.Client.PutBucketAsync(s3.Bucket);
        return s3;
    }

    public S3ImageStoreOptions Options(string prefix = "images/", string? bucket = null, string? accessKey = null, string? secretKey = null) => new()
    {
        BucketName = bucket ?? Bucket,
        ServiceUrl = Url,
        Region = S3Emulator.Region,
        AccessKey = accessKey ?? AccessKey,
        SecretKey = secretKey ?? SecretKey,
        Prefix = prefix,
    };

    public S3ImageStore Store(string prefix = "images/", string? bucket = null, string? accessKey = null, string? secretKey = null) =>
        new(Options(prefix, bucket, accessKey, secretKey), NullLogger<S3ImageStore>.Instance);

    public Task PutRawAsync(string objectName, byte[] bytes) => Client.PutObjectAsync(new PutObjectRequest
    {
        BucketName = Bucket, Key = objectName, InputStream = new MemoryStream(bytes), ContentType = "image/png", UseChunkEncoding = false,
    });

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_emulator is not null)
            await _emulator.DisposeAsync();
    }
}
