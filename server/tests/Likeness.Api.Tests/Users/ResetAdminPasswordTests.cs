using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Likeness.Api.Tests.Users;

/// <summary>
/// `make reset-admin-password` (the server's <c>reset-admin-password</c> verb): a new generated password for the
/// bootstrap admin, printed once; the old one and every session of the account stop working.
/// </summary>
[Collection(nameof(ConsoleCapture))]
public class ResetAdminPasswordTests
{
    [Fact]
    public async Task Reset_admin_password_prints_a_new_password_that_signs_in_and_ends_the_old_sessions()
    {
        await using var factory = new LikenessApiFactory();
        using var before = await factory.CreateAdminClientAsync();
        var adminId = (await before.GetAsAsync<UserResponse>("/api/v1/auth/me")).Id;
        // Even a disabled or demoted bootstrap admin comes back as an enabled admin.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<User>>();
            var admin = (await users.FindByIdAsync(adminId.ToString()))!;
            admin.DisabledAt = DateTime.UtcNow;
            await users.UpdateAsync(admin);
            await users.RemoveFromRoleAsync(admin, Roles.Admin);
        }

        var original = Console.Out;
        var printed = new StringWriter();
        Console.SetOut(printed);
        try
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await BootstrapAdmin.ResetPasswordAsync(scope.ServiceProvider, factory.Services.GetRequiredService<IConfiguration>());
        }
        finally
        {
            Console.SetOut(original);
        }

        var console = printed.ToString();
        var match = Regex.Match(console, @"Password: (\S+)");
        Assert.True(match.Success, $"The new password was not printed. Console:\n{console}");
        Assert.Contains($"New password for the admin account {LikenessApiFactory.AdminEmail}", console);
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains(match.Groups[1].Value));

        Assert.Equal(HttpStatusCode.Unauthorized, (await before.GetAsync("/api/v1/auth/me")).StatusCode);
        using var anonymous = factory.CreateClient();
        await (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = LikenessApiFactory.AdminEmail, password = LikenessApiFactory.AdminPassword }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "Invalid email or password.");
        using var after = await factory.CreateSignedInClientAsync(LikenessApiFactory.AdminEmail, match.Groups[1].Value);
        Assert.True((await after.GetAsAsync<UserResponse>("/api/v1/auth/me")).IsAdmin);
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/api/v1/admin/users/")).StatusCode);
    }
}
