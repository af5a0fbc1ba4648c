namespace Likeness.Api.Identities;

public sealed record CreateIdentityRequest(string? Name, string? Description);

public sealed record UpdateIdentityRequest(string? Name, string? Description);

public sealed record ReferenceImageResponse(
    Guid Id, Guid IdentityId, string MimeType, int Width, int Height, long SizeBytes, string Sha256,
    int Order, string? FileName, DateTime CreatedAt, string Url, string ThumbnailUrl)
{
    public static ReferenceImageResponse From(ReferenceImage r) => new(
        r.Id, r.IdentityId, r.MimeType, r.Width, r.Height, r.SizeBytes, r.Sha256, r.Order, r.FileName,
        r.CreatedAt, $"/api/v1/identities/{r.IdentityId}/reference-images/{r.Id}/",
        $"/api/v1/identities/{r.IdentityId}/reference-images/{r.Id}/thumbnail/");
}

public sealed record IdentityResponse(
    Guid Id, string Name, string Description, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyList<ReferenceImageResponse> ReferenceImages)
{
    public static IdentityResponse From(Identity i) => new(
        i.Id, i.Name, i.Description, i.CreatedAt, i.UpdatedAt,
        i.ReferenceImages.OrderBy(r => r.Order).Select(ReferenceImageResponse.From).ToList());
}
