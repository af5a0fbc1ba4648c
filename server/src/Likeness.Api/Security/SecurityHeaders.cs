namespace Likeness.Api.Security;

/// <summary>
/// Headers on every response the app writes, and the URL and header size checks (Kestrel's own limits are raised
/// above these, so a too-long URL or header block gets a problem body from here rather than Kestrel's empty one).
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, Microsoft.Extensions.Options.IOptions<SecurityOptions> options)
{
    /// <summary>
    /// The page's policy: everything from this origin only; images also as data: and blob: URLs; no inline script.
    /// The only inline styles allowed are those whose hashes <see cref="SecurityOptions.InlineStyleHashes"/> lists.
    /// </summary>
    public static string ContentSecurityPolicyFor(SecurityOptions options) =>
        "default-src 'self'; script-src 'self'; " +
        $"style-src 'self'{string.Concat(options.InlineStyleHashes.Select(h => $" 'sha256-{h}'"))}; " +
        "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; media-src 'self' blob:; object-src 'none'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private readonly string _contentSecurityPolicy = ContentSecurityPolicyFor(options.Value);

    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            // The API reference page (Scalar) runs inline script; it keeps only frame-ancestors.
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/scalar")
                ? "frame-ancestors 'none'"
                : _contentSecurityPolicy;
            if (http.Request.IsHttps)
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            return Task.CompletedTask;
        }, context);

        var limits = options.Value;
        var target = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        var targetLength = string.IsNullOrEmpty(target)
            ? context.Request.Path.Value?.Length + context.Request.QueryString.Value?.Length ?? 0
            : target.Length;
        if (targetLength > limits.MaxUrlLength)
        {
            await SecurityProblems.WriteAsync(context, StatusCodes.Status414UriTooLong, SecurityProblems.UrlTooLong);
            return;
        }
        long headerBytes = 0;
        foreach (var (name, values) in context.Request.Headers)
            foreach (var value in values)
                headerBytes += name.Length + (value?.Length ?? 0) + 4;
        if (headerBytes > limits.MaxRequestHeadersBytes)
        {
            await SecurityProblems.WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, SecurityProblems.HeadersTooLarge);
            return;
        }
        await next(context);
    }
}
