using Likeness.Api.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Data;

public static class Startup
{
    /// <summary>
    /// <c>dotnet Likeness.Api.dll migrate</c> applies migrations and creates the bootstrap admin, then exits;
    /// <c>reset-admin-password</c> sets a new password for the bootstrap admin, prints it, then exits. Without a
    /// command, migrations run at start-up (unless <c>Likeness:MigrateOnStartup</c> is false). True: exit now.
    /// </summary>
    public static async Task<bool> RunCommandOrMigrateAsync(WebApplication app, string[] args)
    {
        GeneratedAdmin? generatedAdmin = null;
        if (args.Contains("migrate") || app.Services.GetRequiredService<IOptions<LikenessOptions>>().Value.MigrateOnStartup)
            generatedAdmin = await MigrateAndSeedAsync(app.Services, app.Configuration);
        if (args.Contains("migrate"))
        {
            if (generatedAdmin is not null)
                Console.Write(BootstrapAdmin.Notice(generatedAdmin, []));
            return true;
        }
        // A generated admin password is printed last, after the server says where it listens
        if (generatedAdmin is not null)
            BootstrapAdmin.PrintWhenStarted(generatedAdmin, app.Lifetime, () => app.Urls);

        if (args.Contains("reset-admin-password"))
        {
            await MigrateAndResetAdminPasswordAsync(app.Services, app.Configuration);
            return true;
        }
        return false;
    }

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
