using Likeness.Api.Problems;
using Microsoft.Net.Http.Headers;

namespace Likeness.Api.Storage;

/// <summary>
/// Serves a stored image. Keys are content hashes, so the bytes behind a URL never change: the key is the
/// ETag, browsers keep the image for a year, and a revalidation is a 304 without reading the store.
/// </summary>
public static class StoredImageResults
{
    public const string ImmutableCacheControl = "private, max-age=31536000, immutable";

    public static async Task<IResult> Serve(
        HttpContext http, IImageStore store, string key, string mimeType, string notFound, CancellationToken cancellationToken)
    {
        var etag = new EntityTagHeaderValue($"\"{key}\"");
        http.Response.Headers.CacheControl = ImmutableCacheControl;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (EntityTagHeaderValue.TryParseList(http.Request.Headers.IfNoneMatch, out var tags)
            && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false)))
        {
            http.Response.Headers.ETag = etag.ToString();
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        var bytes = await store.GetAsync(key, cancellationToken) ?? throw ApiProblem.NotFound(notFound);
        return TypedResults.File(bytes, mimeType, entityTag: etag);
    }
}
