using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Likeness.Api.Users;

/// <summary>
/// On first start, creates the Admin role and the bootstrap admin from <c>Admin:Email</c> and
/// <c>Admin:Password</c>. Without a configured password one is generated and printed once: last, after the
/// server says where it listens (<see cref="PrintWhenStarted"/>), so it is not lost in the start-up output.
/// </summary>
public static class BootstrapAdmin
{
    public const string DefaultEmail = "admin@likeness.local";

    /// <summary>Creates what is missing; returns the generated password's notice to print, or null.</summary>
    public static async Task<GeneratedAdmin?> EnsureAsync(IServiceProvider services, IConfiguration configuration, TimeProvider time)
    {
        var roles = services.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        if (!await roles.RoleExistsAsync(Roles.Admin))
            await roles.CreateAsync(new IdentityRole<Guid>(Roles.Admin));

        var users = services.GetRequiredService<UserManager<User>>();
        var admin = AdminOptions.From(configuration);
        var email = admin.EmailOrDefault;
        var user = await users.FindByEmailAsync(email);
        if (user is not null)
        {
            if (!await users.IsInRoleAsync(user, Roles.Admin))
                await users.AddToRoleAsync(user, Roles.Admin);
            return null;
        }

        var password = admin.Password;
        var generated = string.IsNullOrEmpty(password);
        if (generated)
            password = GeneratePassword();

        user = new User { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = time.GetUtcNow().UtcDateTime };
        var result = await users.CreateAsync(user, password!);
        if (!result.Succeeded)
            throw new InvalidOperationException(
                $"Could not create the bootstrap admin {email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        await users.AddToRoleAsync(user, Roles.Admin);

        return generated ? new GeneratedAdmin(email, password!) : null;
    }

    /// <summary>
    /// Prints the notice once the server has started, a moment after its "Now listening on" lines (the console
    /// logger writes those from its own queue), with the addresses again: the last thing `make run` shows.
    /// </summary>
    public static void PrintWhenStarted(GeneratedAdmin admin, IHostApplicationLifetime lifetime, Func<IEnumerable<string>> addresses) =>
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Console.Write(Notice(admin, addresses()));
        }));

    /// <summary>The box with the generated password. Printed once, on the console only: never stored in clear or logged.</summary>
    public static string Notice(GeneratedAdmin admin, IEnumerable<string> addresses)
    {
        var lines = new List<string>
        {
            "",
            "  ┌───────────────────────────────────────────────────────────────",
            $"  │ Likeness created the admin account {admin.Email}",
            $"  │ Password: {admin.Password}",
            "  │ It is shown only this once. Sign in and keep it somewhere safe,",
            "  │ or set Admin__Password before the first start next time.",
            "  │ Lost it? `make reset-admin-password` sets a new one.",
        };
        foreach (var address in addresses)
            lines.Add($"  │ Sign in at {address}");
        lines.Add("  └───────────────────────────────────────────────────────────────");
        lines.Add("");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    /// <summary>
    /// `reset-admin-password`: the bootstrap admin (<c>Admin:Email</c>) gets a new generated password, is enabled and
    /// an admin again, and every session of theirs ends. The password is printed once, on the console.
    /// </summary>
    public static async Task ResetPasswordAsync(IServiceProvider services, IConfiguration configuration)
    {
        var users = services.GetRequiredService<UserManager<User>>();
        var email = AdminOptions.From(configuration).EmailOrDefault;
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

/// <summary>The bootstrap admin created with a generated password, to be shown once.</summary>
public sealed record GeneratedAdmin(string Email, string Password)
{
    public override string ToString() => $"GeneratedAdmin {{ Email = {Email} }}"; // never the password in a log
}
