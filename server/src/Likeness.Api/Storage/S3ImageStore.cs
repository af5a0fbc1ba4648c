using System.Net;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Likeness.Api.Storage;

/// <summary>
/// Keeps images as objects <c>{Prefix}{key[0..2]}/{key}</c> in an S3-compatible bucket (AWS S3, MinIO, R2, …).
/// The bucket must exist; the app needs <c>s3:PutObject</c>, <c>s3:GetObject</c>, <c>s3:DeleteObject</c> and
/// <c>s3:ListBucket</c> on it (without ListBucket, AWS answers 403 instead of 404 for an absent key).
/// </summary>
/// <remarks>
/// <para><b>Put refreshes the write time by re-putting.</b> The orphan sweep deletes only keys whose
/// <c>LastModified</c> is older than its grace period, so a Put of bytes that are already stored must make the
/// object look new, as the file store does by touching the file. The cheapest correct way is one unconditional
/// PutObject: it both stores an absent object and refreshes a present one in a single request, with no
/// check-then-act race, and S3 makes the replacement atomic (a reader sees the old or the new bytes, which are
/// the same). The alternatives cost more: HEAD then PUT is two requests for every new image (the common
/// case), and HEAD then a self-CopyObject (which S3 refuses unless something changes, e.g. <c>MetadataDirective=REPLACE</c>) is two
/// requests, the second priced like a PUT, to save re-uploading bytes only for the rare duplicate. On a
/// bucket with versioning enabled each re-put keeps a noncurrent version: expire those with a lifecycle rule.</para>
/// <para><b>Plain bytes on the wire.</b> Requests are SigV4-signed with the payload's SHA-256 (which is the
/// image key), not chunk-signed, and the SDK only adds the flexible checksums an operation requires, so simple
/// S3-compatible servers accept them; S3 still checks the body against the signed hash. Every Get checks the
/// bytes against their key, so a corrupted object is an error, never a wrong image.</para>
/// </remarks>
public sealed class S3ImageStore : IImageStore, IDisposable
{
    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly ILogger<S3ImageStore> _logger;

    /// <summary>A store with its own client made from <paramref name="options"/>.</summary>
    public S3ImageStore(S3ImageStoreOptions options, ILogger<S3ImageStore> logger)
        : this(CreateClient(options), options, logger, ownsClient: true) { }

    /// <summary>A store on a given client (which it disposes only when <paramref name="ownsClient"/>).</summary>
    public S3ImageStore(IAmazonS3 client, S3ImageStoreOptions options, ILogger<S3ImageStore> logger, bool ownsClient = false)
    {
        if (string.IsNullOrWhiteSpace(options.BucketName))
            throw new InvalidOperationException(ImageStoreOptions.BucketNameRequired);
        _client = client;
        _ownsClient = ownsClient;
        _bucket = options.BucketName;
        _prefix = options.NormalizedPrefix;
        _logger = logger;
        _logger.LogInformation("Images are stored in S3: {Settings}", options.ToString());
    }

    /// <summary>An S3 client for these settings: path-style and a custom endpoint for S3-compatible servers,
    /// checksums only where required, and the configured keys or else the SDK's default credential chain.</summary>
    public static AmazonS3Client CreateClient(S3ImageStoreOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.EffectiveForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.HasServiceUrl)
        {
            config.ServiceURL = options.ServiceUrl!.Trim();
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    /// <summary>The object name of a key: <c>{prefix}{key[0..2]}/{key}</c>.</summary>
    public string ObjectNameOf(string key)
    {
        ImageKeys.Require(key, nameof(key));
        return $"{_prefix}{key[..2]}/{key}";
    }

    public async Task<string> PutAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        var key = FileSystemImageStore.KeyOf(bytes);
        // Unconditional: stores an absent object and refreshes LastModified of a present one (see remarks).
        using var body = new MemoryStream(bytes, writable: false);
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = ObjectNameOf(key),
            InputStream = body,
            AutoCloseStream = false,
            ContentType = ImageInspector.SniffMimeType(bytes) ?? "application/octet-stream",
            UseChunkEncoding = false,
        }, cancellationToken);
        return key;
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var name = ObjectNameOf(key);
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = name }, cancellationToken);
            byte[] bytes;
            var length = response.ContentLength;
            if (length >= 0 && length <= Array.MaxLength)
            {
                bytes = new byte[length];
                await response.ResponseStream.ReadExactlyAsync(bytes, cancellationToken);
            }
            else
            {
                using var buffer = new MemoryStream();
                await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
                bytes = buffer.ToArray();
            }
            if (FileSystemImageStore.KeyOf(bytes) != key)
            {
                _logger.LogError("The S3 object {ObjectName} in bucket {Bucket} does not hash to its key: it is corrupt", name, _bucket);
                throw new InvalidDataException($"The stored image {key} is corrupt.");
            }
            return bytes;
        }
        catch (AmazonS3Exception e) when (IsAbsent(e))
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        // S3 answers 204 whether or not the object was there.
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = ObjectNameOf(key) }, cancellationToken);

    public async IAsyncEnumerable<(string Key, DateTime WrittenAt)> ListAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? continuationToken = null;
        do
        {
            var response = await _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _bucket,
                Prefix = _prefix,
                ContinuationToken = continuationToken,
            }, cancellationToken);
            foreach (var item in response.S3Objects ?? [])
            {
                if (TryParseObjectName(item.Key, out var key))
                    // An object without a time (no real server omits it) counts as new, so the sweep leaves it.
                    yield return (key, item.LastModified is { } written ? ToUtc(written) : DateTime.UtcNow);
            }
            continuationToken = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (!string.IsNullOrEmpty(continuationToken));
    }

    public void Dispose()
    {
        if (_ownsClient)
            _client.Dispose();
    }

    private bool TryParseObjectName(string? name, out string key)
    {
        key = "";
        if (name is null || !name.StartsWith(_prefix, StringComparison.Ordinal))
            return false;
        var rest = name.AsSpan(_prefix.Length);
        if (rest.Length != 67 || rest[2] != '/' || !rest[..2].SequenceEqual(rest.Slice(3, 2)))
            return false;
        var candidate = rest[3..].ToString();
        if (!ImageKeys.IsKey(candidate))
            return false;
        key = candidate;
        return true;
    }

    /// <summary>NoSuchKey, or a 404 without a code (HEAD-style). A missing bucket is a configuration error, not absence.</summary>
    private static bool IsAbsent(AmazonS3Exception e) =>
        e.ErrorCode == "NoSuchKey" || (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket");

    private static DateTime ToUtc(DateTime value) =>
        value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime();
}
