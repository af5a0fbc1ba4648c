namespace Likeness.Api.Tests.Infrastructure;

/// <summary>Reads an identity's reference images the way the admin's Identities page does.</summary>
public static class IdentityClientExtensions
{
    /// <summary>GET admin/identities/{id}/reference-images/ (asserting a 200): the images in their order.</summary>
    public static Task<List<ReferenceImageResponse>> ReferenceImagesAsync(this HttpClient admin, Guid identityId) =>
        admin.GetAsAsync<List<ReferenceImageResponse>>($"/api/v1/admin/identities/{identityId}/reference-images/");
}
