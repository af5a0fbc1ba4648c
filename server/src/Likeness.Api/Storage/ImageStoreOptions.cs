using Microsoft.Extensions.Options;

namespace Likeness.Api.Storage;

/// <summary>The <c>ImageStore</c> configuration section: where image bytes live.</summary>
public sealed class ImageStoreOptions
{
    public const string SectionName = "ImageStore";

    /// <summary><c>FileSystem</c> (default: files under <c>{Likeness:DataDirectory}/images/</c>) or <c>S3</c>.</summary>
    public string Kind { get; set; } = ImageStoreKinds.FileSystem;

    /// <summary>The <c>ImageStore:S3</c> settings, read only when <see cref="Kind"/> is <c>S3</c>.</summary>
    public S3ImageStoreOptions S3 { get; set; } = new();

    public const string BucketNameRequired = "ImageStore:S3:BucketName is required when ImageStore:Kind is S3.";

    public static string UnknownKind(string kind) =>
        $"ImageStore:Kind must be {ImageStoreKinds.FileSystem} or {ImageStoreKinds.S3}, not '{kind}'.";

    public bool IsFileSystem => string.Equals(Kind, ImageStoreKinds.FileSystem, StringComparison.OrdinalIgnoreCase);

    public bool IsS3 => string.Equals(Kind, ImageStoreKinds.S3, StringComparison.OrdinalIgnoreCase);
}

public static class ImageStoreKinds
{
    public const string FileSystem = "FileSystem";
    public const string S3 = "S3";
}

/// <summary>
/// An S3-compatible bucket: AWS S3 (leave <see cref="ServiceUrl"/> empty) or MinIO, Cloudflare R2, Ceph, Garage,
/// … (set it). Objects are named <c>{Prefix}{key[0..2]}/{key}</c>.
/// </summary>
public sealed class S3ImageStoreOptions
{
    /// <summary>The bucket. Required. It must exist: the app does not create it.</summary>
    public string? BucketName { get; set; }

    /// <summary>The endpoint of an S3-compatible server, e.g. <c>http://127.0.0.1:9000</c>. Empty means AWS.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The region requests are signed for (and, on AWS, sent to).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Optional; with <see cref="SecretKey"/>. Without both, the SDK's default credential chain is used
    /// (environment variables, shared profile, ECS/EKS task role, EC2 instance profile).</summary>
    public string? AccessKey { get; set; }

    /// <summary>Optional; with <see cref="AccessKey"/>. Never logged.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Prepended to every object name; a missing trailing <c>/</c> is added. Empty puts images at the bucket's root.</summary>
    public string Prefix { get; set; } = "images/";

    /// <summary>Path-style URLs (<c>{ServiceUrl}/{bucket}/{name}</c>) instead of virtual-hosted ones.
    /// Defaults to true when <see cref="ServiceUrl"/> is set (what MinIO and most emulators need), else false.</summary>
    public bool? ForcePathStyle { get; set; }

    public bool HasServiceUrl => !string.IsNullOrWhiteSpace(ServiceUrl);

    public bool EffectiveForcePathStyle => ForcePathStyle ?? HasServiceUrl;

    /// <summary>The prefix without a leading slash and with a trailing one (unless empty).</summary>
    public string NormalizedPrefix
    {
        get
        {
            var prefix = (Prefix ?? "").Trim().TrimStart('/');
            return prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";
        }
    }

    /// <summary>What is safe to log: everything but the secret (and the access key id, which is not needed to diagnose).</summary>
    public override string ToString() =>
        $"bucket '{BucketName}', endpoint {(HasServiceUrl ? ServiceUrl : $"AWS ({Region})")}, region {Region}, " +
        $"prefix '{NormalizedPrefix}', path-style {EffectiveForcePathStyle}, " +
        $"credentials {(string.IsNullOrEmpty(AccessKey) ? "from the SDK's default chain" : "from configuration")}";
}

/// <summary>Checks the S3 settings when the app starts, naming each missing or wrong setting.</summary>
public sealed class ImageStoreOptionsValidator : IValidateOptions<ImageStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, ImageStoreOptions options)
    {
        var failures = new List<string>();
        if (!options.IsFileSystem && !options.IsS3)
            failures.Add(ImageStoreOptions.UnknownKind(options.Kind));
        if (!options.IsS3)
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        var s3 = options.S3;
        if (string.IsNullOrWhiteSpace(s3.BucketName))
            failures.Add(ImageStoreOptions.BucketNameRequired);
        if (s3.HasServiceUrl
            && (!Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
            failures.Add($"ImageStore:S3:ServiceUrl must be an absolute http or https URL (e.g. http://127.0.0.1:9000), not '{s3.ServiceUrl}'.");
        if (string.IsNullOrWhiteSpace(s3.Region))
            failures.Add("ImageStore:S3:Region must not be empty (use us-east-1 when the server does not care).");
        var hasAccessKey = !string.IsNullOrEmpty(s3.AccessKey);
        var hasSecretKey = !string.IsNullOrEmpty(s3.SecretKey);
        if (hasAccessKey && !hasSecretKey)
            failures.Add("ImageStore:S3:SecretKey is required when ImageStore:S3:AccessKey is set (or set neither to use the SDK's default credential chain).");
        if (hasSecretKey && !hasAccessKey)
            failures.Add("ImageStore:S3:AccessKey is required when ImageStore:S3:SecretKey is set (or set neither to use the SDK's default credential chain).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
