using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Storage;

public static class ImageStoreServiceCollectionExtensions
{
    /// <summary>
    /// <c>ImageStore:Kind</c> picks where image bytes live: <c>FileSystem</c> (default, under
    /// <c>{Likeness:DataDirectory}/images/</c>) or <c>S3</c> (an S3-compatible bucket, <c>ImageStore:S3:*</c>).
    /// The settings are validated when the app starts; a missing one is named in the error. Also the claims every
    /// writer takes, the janitor that deletes what nothing refers to, and the form reader's limit for uploads.
    /// </summary>
    public static IServiceCollection AddImageStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImageStoreOptions>().BindConfiguration(ImageStoreOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImageStoreOptions>, ImageStoreOptionsValidator>());

        var options = configuration.GetSection(ImageStoreOptions.SectionName).Get<ImageStoreOptions>() ?? new();
        if (string.IsNullOrWhiteSpace(options.Kind) || options.IsFileSystem)
            services.AddSingleton<IImageStore, FileSystemImageStore>();
        else if (options.IsS3)
            services.AddSingleton<IImageStore>(sp => new S3ImageStore(
                sp.GetRequiredService<IOptions<ImageStoreOptions>>().Value.S3, // throws the validation message if invalid
                sp.GetRequiredService<ILogger<S3ImageStore>>()));
        else
            throw new InvalidOperationException(ImageStoreOptions.UnknownKind(options.Kind));
        services.TryAddScoped<ImageStoreClaims>();
        services.TryAddScoped<ImageJanitor>();
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = ImageUploads.MaxRequestBytes);
        return services;
    }
}
