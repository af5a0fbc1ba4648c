namespace Likeness.Api.Identities;

public static class IdentitiesServiceCollectionExtensions
{
    /// <summary>Identities and their reference images: the upload that adds them.</summary>
    public static IServiceCollection AddIdentities(this IServiceCollection services)
    {
        services.AddScoped<ReferenceImageUpload>();
        return services;
    }
}
