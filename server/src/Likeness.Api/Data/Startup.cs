using Likeness.Api.Users;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Data;

public static class Startup
{
    /// <summary>
    /// Applies EF Core migrations and makes sure the Admin role and the bootstrap admin exist; returns the
    /// admin whose password was generated (to print once), or null.
    /// </summary>
    public static async Task<GeneratedAdmin?> MigrateAndSeedAsync(IServiceProvider services, IConfiguration configuration)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LikenessDbContext>();
        await db.Database.MigrateAsync();
        return await BootstrapAdmin.EnsureAsync(scope.ServiceProvider, configuration, scope.ServiceProvider.GetRequiredService<TimeProvider>());
    }

    /// <summary>Migrates, then gives the bootstrap admin a new generated password (enabled, admin again) and prints it.</summary>
    public static async Task MigrateAndResetAdminPasswordAsync(IServiceProvider services, IConfiguration configuration)
    {
        await MigrateAndSeedAsync(services, configuration);
        await using var scope = services.CreateAsyncScope();
        await BootstrapAdmin.ResetPasswordAsync(scope.ServiceProvider, configuration);
    }
}
