using Likeness.Api.Identities;
using Likeness.Api.Problems;
using Microsoft.AspNetCore.Http.Metadata;

namespace Likeness.Api.Storage;

/// <summary>An uploaded image, read and proven whole: its bytes, its facts and its thumbnail.</summary>
public sealed record UploadedImage(byte[] Bytes, byte[] Thumbnail, ImageFacts Facts);

/// <summary>
/// Reads uploaded images with one set of limits and messages (PNG, JPEG or WebP; at most 10 MB and 40
/// megapixels): reference images and a photo that starts a session are checked alike.
/// </summary>
public static class ImageUploads
{
    private const long MultipartOverheadBytes = 1024 * 1024;

    /// <summary>
    /// The largest upload request: a full set of reference images (14 of 10 MB) and the multipart overhead. The
    /// reference images' endpoint and the form reader (every multipart section) have this one limit.
    /// </summary>
    public const long MaxRequestBytes = ReferenceImages.MaxPerIdentity * ReferenceImages.MaxBytes + MultipartOverheadBytes;

    /// <summary>The largest request that uploads one image (a photo that starts a session).</summary>
    public const long MaxOneImageRequestBytes = ReferenceImages.MaxBytes + MultipartOverheadBytes;

    /// <summary>
    /// An endpoint that takes images as <c>multipart/form-data</c>: documented with the problems an upload can
    /// answer, its request body allowed up to <paramref name="maxRequestBytes"/>, and no antiforgery token
    /// (the cross-site check in <see cref="Security.RequestGuardsMiddleware"/> covers it).
    /// </summary>
    public static RouteHandlerBuilder AcceptsImageUpload<TForm>(this RouteHandlerBuilder builder, long maxRequestBytes)
        where TForm : notnull => builder
        .Accepts<TForm>("multipart/form-data")
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .WithMetadata(new RequestSizeLimitMetadata(maxRequestBytes))
        .DisableAntiforgery();

    /// <summary>
    /// Reads a multipart form; a body that claims to be multipart but is not is a 400, not a 500.
    /// <paramref name="parts"/> and <paramref name="expected"/> say what to send ("one or more parts named 'files'").
    /// </summary>
    public static async Task<IFormCollection> ReadFormAsync(HttpRequest request, string parts, string expected, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
            throw ApiProblem.UnsupportedMediaType($"Send the images as multipart/form-data, {parts}.");
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && e is not BadHttpRequestException
                                  && !cancellationToken.IsCancellationRequested)
        {
            throw ApiProblem.BadRequest($"The upload is not a readable multipart/form-data body. Send {expected}.");
        }
    }

    /// <summary>Reads and decodes one file; <paramref name="what"/> names it in the limits' messages ("a reference image").</summary>
    public static async Task<UploadedImage> ReadAsync(IFormFile file, string what, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(file.FileName) ? "The file" : $"\"{Path.GetFileName(file.FileName)}\"";
        // Rounded up, so a file just over the limit never reads as "10 MB".
        if (file.Length > ReferenceImages.MaxBytes)
            throw ApiProblem.PayloadTooLarge($"{name} is {Math.Ceiling(file.Length * 10.0 / (1024 * 1024)) / 10:0.#} MB; {what} may be at most 10 MB.");
        if (file.Length == 0)
            throw ApiProblem.Unprocessable($"{name} is empty.");

        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        if (ImageInspector.SniffMimeType(bytes) is null)
            throw ApiProblem.UnsupportedMediaType($"{name} is not a PNG, JPEG or WebP image. Only those types are accepted.");
        var facts = ImageInspector.Decode(bytes, ReferenceImages.MaxPixels, out var tooManyPixels);
        if (tooManyPixels)
            throw ApiProblem.PayloadTooLarge($"{name} is {facts!.Width}×{facts.Height} pixels; {what} may be at most 40 megapixels.");
        if (facts is null)
            throw ApiProblem.Unprocessable($"{name} could not be decoded: the image is corrupt or incomplete.");
        return new UploadedImage(bytes, ImageInspector.Thumbnail(bytes), facts);
    }
}

/// <summary>Endpoint metadata that raises Kestrel's request body limit for one endpoint.</summary>
internal sealed class RequestSizeLimitMetadata(long maxRequestBodySize) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = maxRequestBodySize;
}
