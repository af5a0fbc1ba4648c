using Likeness.Api.Providers.Local;

namespace Likeness.Api.Providers;

public static class ImageProviderServiceCollectionExtensions
{
    /// <summary>
    /// <c>ImageProvider:Kind</c> picks the engine: <c>Local</c> (default, offline) or <c>Gemini</c>.
    /// </summary>
    public static IServiceCollection AddImageProvider(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImageProviderOptions>().BindConfiguration(ImageProviderOptions.SectionName);
        var options = configuration.GetSection(ImageProviderOptions.SectionName).Get<ImageProviderOptions>() ?? new();
        if (options.IsLocal)
        {
            services.AddSingleton<IImageProvider, LocalImageProvider>();
            services.AddSingleton<IImageModelCatalog, LocalModelCatalog>();
        }
        else if (options.IsGemini)
            services.AddGeminiImageProvider(configuration);
        else
            throw new InvalidOperationException(
                $"ImageProvider:Kind must be {ImageProviderKinds.Local} or {ImageProviderKinds.Gemini}, not '{options.Kind}'.");
        return services;
    }
}
