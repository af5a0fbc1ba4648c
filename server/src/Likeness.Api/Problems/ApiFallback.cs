using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Likeness.Api.Problems;

/// <summary>
/// Answers a request under <c>/api/</c> that no endpoint took. The fallback route is a candidate for every API
/// path, so routing picks it, rather than its own 405 or 415, when an endpoint exists at that path but refuses the
/// method or the body's content type. This tells those cases apart, so a client learns what to change instead of
/// reading "No such API endpoint." about an endpoint that exists.
/// </summary>
public static class ApiFallback
{
    public const string NoSuchEndpoint = "No such API endpoint.";

    public static IResult Answer(HttpContext http, EndpointDataSource endpoints)
    {
        var segments = (http.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var atThisPath = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Endpoint: e, Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods))
            .Where(e => e.Methods is { Count: > 0 } && Matches(e.Endpoint.RoutePattern, segments))
            .ToList();
        if (atThisPath.Count == 0)
            return Results.Problem(NoSuchEndpoint, statusCode: StatusCodes.Status404NotFound);

        var method = http.Request.Method;
        var allowed = atThisPath.SelectMany(e => e.Methods!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (!allowed.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            http.Response.Headers.Allow = string.Join(", ", allowed);
            return Results.Problem($"{method} is not allowed here; this endpoint answers {string.Join(", ", allowed)}.",
                statusCode: StatusCodes.Status405MethodNotAllowed);
        }

        // The method fits, so routing refused the body's content type.
        var accepted = atThisPath
            .Where(e => e.Methods!.Contains(method, StringComparer.OrdinalIgnoreCase))
            .SelectMany(e => e.Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? [])
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return accepted.Count == 0
            ? Results.Problem(NoSuchEndpoint, statusCode: StatusCodes.Status404NotFound)
            : Results.Problem($"Send the request body as {string.Join(" or ", accepted)}.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
    }

    /// <summary>Whether the path fits the route: literals equal, parameters non-empty (and UUIDs where the route says so).</summary>
    private static bool Matches(RoutePattern pattern, string[] segments)
    {
        if (pattern.PathSegments.Count != segments.Length)
            return false;
        for (var i = 0; i < segments.Length; i++)
        {
            var parts = pattern.PathSegments[i].Parts;
            if (parts.Count != 1)
                return false;
            switch (parts[0])
            {
                case RoutePatternLiteralPart literal when !string.Equals(literal.Content, segments[i], StringComparison.OrdinalIgnoreCase):
                    return false;
                case RoutePatternParameterPart { IsCatchAll: true }:
                    return false; // the fallbacks themselves
                case RoutePatternParameterPart parameter
                    when parameter.ParameterPolicies.Any(p => p.Content == "guid") && !Guid.TryParse(segments[i], out _):
                    return false;
            }
        }
        return true;
    }
}
