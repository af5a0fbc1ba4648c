using Likeness.Api.Providers.Local;

namespace Likeness.Api.Providers;

public static class ImageProviderServiceCollectionExtensions
{
    /// <summary>
    /// <c>ImageProvider:Kind</c> picks the engine: <c>Local</c> (default, offline) or <c>Gemini</c>.
    /// </summary>
    public static IServiceCollection AddImageProvider(this IServiceCollection services, IConfiguration configuration)
    {
        var kind = configuration["ImageProvider:Kind"] ?? "Local";
        if (kind.Equals("Local", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<IImageProvider, LocalImageProvider>();
            services.AddSingleton<IImageModelCatalog, LocalModelCatalog>();
        }
        else if (kind.Equals("Gemini", StringComparison.OrdinalIgnoreCase))
            services.AddGeminiImageProvider(configuration);
        else
            throw new InvalidOperationException($"ImageProvider:Kind must be Local or Gemini, not '{kind}'.");
        return services;
    }
}
