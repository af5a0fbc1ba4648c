using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Security;

/// <summary>
/// Cross-site request forgery: a request that changes something (POST, PUT, PATCH, DELETE) and carries the sign-in
/// cookie without a bearer token must come from this site: <c>Sec-Fetch-Site</c>, when the browser sends it, must be
/// <c>same-origin</c> (or <c>none</c>), and <c>Origin</c>, when sent, must be this site's (or an allowed) origin.
/// A request with neither header (curl, scripts) is not a browser's cross-site request and passes.
/// Then the body limit: an endpoint that takes no images (no multipart) reads at most <see cref="SecurityOptions.MaxJsonBodyBytes"/>.
/// </summary>
public sealed class RequestGuardsMiddleware(
    RequestDelegate next, IOptions<SecurityOptions> options, IOptionsMonitor<CookieAuthenticationOptions> cookies)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (IsUnsafe(context.Request.Method) && UsesCookie(context) && !IsSameSite(context))
        {
            await SecurityProblems.WriteAsync(context, StatusCodes.Status403Forbidden, SecurityProblems.CrossSiteRequest);
            return;
        }

        if (!await LimitBodyAsync(context))
        {
            await SecurityProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, SecurityProblems.BodyTooLarge);
            return;
        }
        await next(context);
    }

    private static bool IsUnsafe(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    /// <summary>The sign-in cookie is sent and no bearer token; or a sign-in that asks for the cookie.</summary>
    private bool UsesCookie(HttpContext context)
    {
        if (context.Request.Headers.Authorization.Count > 0)
            return false;
        var name = cookies.Get(IdentityConstants.ApplicationScheme).Cookie.Name ?? "likeness";
        return context.Request.Cookies.Keys.Any(k => k.StartsWith(name, StringComparison.Ordinal))
            || context.Request.Query.ContainsKey("use_cookies");
    }

    private bool IsSameSite(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        var allowedOrigin = origin.Length > 0 && IsOwnOrAllowedOrigin(context, origin);
        var fetchSite = context.Request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
            return fetchSite is "same-origin" or "none"
                || (allowedOrigin && options.Value.AllowedOrigins.Length > 0);
        return origin.Length == 0 || allowedOrigin;
    }

    private bool IsOwnOrAllowedOrigin(HttpContext context, string origin)
    {
        if (options.Value.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase)))
            return true;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return false; // includes "null"
        // The scheme is not compared: behind a TLS-terminating proxy the app sees http for an https page.
        var host = context.Request.Host;
        return string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase)
            && (host.Port ?? DefaultPort(context.Request.Scheme)) == uri.Port;
    }

    private static int DefaultPort(string scheme) => scheme == "https" ? 443 : 80;

    /// <summary>False when the body of an endpoint that takes no images is over the limit (nothing more is read).</summary>
    private async Task<bool> LimitBodyAsync(HttpContext context)
    {
        var accepts = context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes;
        if (accepts is not null && accepts.Any(t => t.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase)))
            return true;
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<TakesImageInJson>() is null
            ? options.Value.MaxJsonBodyBytes
            : options.Value.MaxImageJsonBodyBytes;
        var length = context.Request.ContentLength;
        if (length > limit)
            return false;
        if (length is not null)
        {
            // The server holds a declared length to its word; this also stops a body longer than declared.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                feature.MaxRequestBodySize = limit;
            return true;
        }
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
            return true;
        // No length declared: read at most limit + 1 bytes, and hand the endpoint what was read.
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
                return false;
        }
        buffer.Position = 0;
        context.Request.Body = buffer;
        context.Response.RegisterForDispose(buffer);
        return true;
    }
}

/// <summary>Endpoint metadata: the JSON body may carry an image (base64), so it gets <see cref="SecurityOptions.MaxImageJsonBodyBytes"/>.</summary>
public sealed class TakesImageInJson
{
    public static readonly TakesImageInJson Instance = new();
}
