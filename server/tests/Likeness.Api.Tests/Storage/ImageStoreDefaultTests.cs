using Likeness.Api.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Likeness.Api.Tests.Storage;

/// <summary>The app wired the way Program.cs will be (<c>AddImageStore(builder.Configuration)</c>) with no ImageStore settings.</summary>
public sealed class ImageStoreDefaultTests
{
    [Fact]
    public async Task Without_settings_AddImageStore_keeps_images_on_disk_as_before()
    {
        await using var factory = LikenessApiFactory.With(null, services =>
        {
            services.RemoveAll<IImageStore>();
            services.AddImageStore(new ConfigurationBuilder().Build());
        });
        using var admin = await factory.CreateAdminClientAsync();

        await admin.CreateIdentityAsync(referenceCount: 2);

        Assert.IsType<FileSystemImageStore>(factory.Services.GetRequiredService<IImageStore>());
        Assert.True(Directory.EnumerateFiles(factory.ImagesDirectory, "*", SearchOption.AllDirectories).Count() >= 2);
    }
}
