using Microsoft.AspNetCore.Mvc;

namespace Likeness.Api.Security;

/// <summary>Problem details written by the security middleware (it answers before any endpoint runs).</summary>
public static class SecurityProblems
{
    public const string BodyTooLarge = "The request body is too large.";
    public const string UrlTooLong = "The request URL is too long.";
    public const string HeadersTooLarge = "The request headers are too large.";
    public const string CrossSiteRequest =
        "Cross-site request refused: a signed-in browser request that changes something must come from this site's own pages.";

    public static async Task WriteAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails { Status = status, Detail = detail },
            }))
            await context.Response.WriteAsJsonAsync(new ProblemDetails { Status = status, Detail = detail },
                options: null, contentType: "application/problem+json");
    }
}
