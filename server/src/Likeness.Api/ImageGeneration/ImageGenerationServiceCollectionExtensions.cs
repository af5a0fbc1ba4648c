namespace Likeness.Api.ImageGeneration;

public static class ImageGenerationServiceCollectionExtensions
{
    /// <summary>Sessions, their jobs (runner, sweep, events) and the expiry cleaner.</summary>
    public static IServiceCollection AddImageGeneration(this IServiceCollection services)
    {
        services.AddScoped<ImageGenerationOrchestrator>();
        services.AddScoped<ImageMaker>();
        services.AddScoped<ImageChatPaths>();
        services.AddScoped<ImageJobs>();
        services.AddScoped<ImageSessionLibrary>();
        services.AddScoped<ImageJobFinisher>();
        services.AddScoped<ImageJobEventStream>();
        services.AddSingleton<ImageJobSignal>();
        services.AddSingleton<ImageJobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<ImageJobRunner>());
        services.AddHostedService<ImageJobSweepService>();
        services.AddScoped<ExpiredSessionCleaner>();
        services.AddHostedService<ExpiredSessionCleanupService>();
        return services;
    }
}
