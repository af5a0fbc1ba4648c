namespace Likeness.Api.Security;

/// <summary>
/// The <c>Security</c> configuration section: rate limits, the origins a cookie request may come from, and the
/// request size limits. In the Testing environment the rate limits default to values no ordinary test reaches.
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>Sign-in attempts per client IP address (every attempt counts).</summary>
    public RateLimit SignInPerIp { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Failed sign-in attempts per email address, whether or not an account has it.</summary>
    public RateLimit SignInPerAccount { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(5) };

    /// <summary>Generate/edit requests per signed-in user (policy <see cref="RateLimitPolicies.ImageGeneration"/>).</summary>
    public RateLimit ImageGenerationPerUser { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Generate/edit requests per client IP address (the same policy).</summary>
    public RateLimit ImageGenerationPerIp { get; set; } = new() { PermitLimit = 120, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// Origins besides the app's own (scheme://host[:port]) whose pages may send cookie-authenticated unsafe requests,
    /// e.g. the public address when a proxy rewrites the Host header.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// SHA-256 hashes (base64) of the inline &lt;style&gt; elements the page may use: the toast library (sonner) inserts its
    /// stylesheet as one (an empty element first, then its text). Another version of it prints the new hash in the
    /// browser console ("a hash ('sha256-…') … is required"); put that here.
    /// </summary>
    public string[] InlineStyleHashes { get; set; } =
    [
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", // the empty element
        "StEaX+se6YS7pqjzrzMIA0KaX9zF/8zAhvQXZAe5epY=", // sonner 2.0's stylesheet
    ];

    /// <summary>The largest body of an endpoint that takes no images (JSON).</summary>
    public long MaxJsonBodyBytes { get; set; } = 64 * 1024;

    /// <summary>The largest JSON body of an endpoint that takes an image inside it (an edit's <c>mask_png_base64</c>).</summary>
    public long MaxImageJsonBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The longest request target (path and query); longer is a 414 problem.</summary>
    public int MaxUrlLength { get; set; } = 8 * 1024;

    /// <summary>The most bytes of request headers (names and values); more is a 431 problem.</summary>
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    internal void UseTestingDefaults()
    {
        SignInPerIp = new() { PermitLimit = 100_000, Window = TimeSpan.FromMinutes(1) };
        SignInPerAccount = new() { PermitLimit = 100_000, Window = TimeSpan.FromMinutes(1) };
        ImageGenerationPerUser = new() { PermitLimit = 100_000, Window = TimeSpan.FromMinutes(1) };
        ImageGenerationPerIp = new() { PermitLimit = 100_000, Window = TimeSpan.FromMinutes(1) };
    }
}

/// <summary><see cref="PermitLimit"/> requests per fixed <see cref="Window"/>.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; }
}
