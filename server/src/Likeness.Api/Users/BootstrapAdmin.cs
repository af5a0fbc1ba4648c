using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Likeness.Api.Users;

/// <summary>
/// On first start, creates the Admin role and the bootstrap admin from <c>Admin:Email</c> and
/// <c>Admin:Password</c>. Without a configured password one is generated and printed once.
/// </summary>
public static class BootstrapAdmin
{
    public const string DefaultEmail = "admin@likeness.local";

    public static async Task EnsureAsync(IServiceProvider services, IConfiguration configuration, TimeProvider time)
    {
        var roles = services.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        if (!await roles.RoleExistsAsync(Roles.Admin))
            await roles.CreateAsync(new IdentityRole<Guid>(Roles.Admin));

        var users = services.GetRequiredService<UserManager<User>>();
        var email = configuration["Admin:Email"] is { Length: > 0 } configured ? configured.Trim() : DefaultEmail;
        var user = await users.FindByEmailAsync(email);
        if (user is not null)
        {
            if (!await users.IsInRoleAsync(user, Roles.Admin))
                await users.AddToRoleAsync(user, Roles.Admin);
            return;
        }

        var password = configuration["Admin:Password"];
        var generated = string.IsNullOrEmpty(password);
        if (generated)
            password = GeneratePassword();

        user = new User { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = time.GetUtcNow().UtcDateTime };
        var result = await users.CreateAsync(user, password!);
        if (!result.Succeeded)
            throw new InvalidOperationException(
                $"Could not create the bootstrap admin {email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        await users.AddToRoleAsync(user, Roles.Admin);

        if (generated)
        {
            // Printed once, on the console only: it is never stored in clear or written to a log file.
            Console.WriteLine();
            Console.WriteLine("  ┌───────────────────────────────────────────────────────────────");
            Console.WriteLine($"  │ Likeness created the admin account {email}");
            Console.WriteLine($"  │ Password: {password}");
            Console.WriteLine("  │ It is shown only this once. Sign in and keep it somewhere safe,");
            Console.WriteLine("  │ or set Admin__Password before the first start next time.");
            Console.WriteLine("  │ Lost it? `make reset-admin-password` sets a new one.");
            Console.WriteLine("  └───────────────────────────────────────────────────────────────");
            Console.WriteLine();
        }
    }

    /// <summary>
    /// `reset-admin-password`: the bootstrap admin (<c>Admin:Email</c>) gets a new generated password, is enabled and
    /// an admin again, and every session of theirs ends. The password is printed once, on the console.
    /// </summary>
    public static async Task ResetPasswordAsync(IServiceProvider services, IConfiguration configuration)
    {
        var users = services.GetRequiredService<UserManager<User>>();
        var email = configuration["Admin:Email"] is { Length: > 0 } configured ? configured.Trim() : DefaultEmail;
        var user = await users.FindByEmailAsync(email)
            ?? throw new InvalidOperationException($"There is no admin account {email}.");
        var password = GeneratePassword();
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        user.DisabledAt = null;
        var result = await users.UpdateSecurityStampAsync(user);
        if (!result.Succeeded)
            throw new InvalidOperationException(
                $"Could not reset the password of {email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        if (!await users.IsInRoleAsync(user, Roles.Admin))
            await users.AddToRoleAsync(user, Roles.Admin);
        await services.GetRequiredService<Security.RefreshTokenFamilies>().EndAllAsync(user.Id);

        Console.WriteLine();
        Console.WriteLine("  ┌───────────────────────────────────────────────────────────────");
        Console.WriteLine($"  │ New password for the admin account {email}");
        Console.WriteLine($"  │ Password: {password}");
        Console.WriteLine("  │ It is shown only this once; the old password and every session of");
        Console.WriteLine("  │ this account no longer work.");
        Console.WriteLine("  └───────────────────────────────────────────────────────────────");
        Console.WriteLine();
    }

    private static string GeneratePassword() =>
        // Random part plus one of each character class Identity's default password rules ask for.
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('/', '_').Replace('+', '-') + "aA1!";
}
