namespace Likeness.Api.Users;

/// <summary>The <c>Admin</c> configuration section: the bootstrap admin made on first start.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>The bootstrap admin's email; empty means <see cref="BootstrapAdmin.DefaultEmail"/>.</summary>
    public string? Email { get; set; }

    /// <summary>The bootstrap admin's first password; empty means one is generated and printed once.</summary>
    public string? Password { get; set; }

    public string EmailOrDefault => Email is { Length: > 0 } configured ? configured.Trim() : BootstrapAdmin.DefaultEmail;

    /// <summary>Read when the app starts (migrations and seeding run before the host does).</summary>
    public static AdminOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<AdminOptions>() ?? new();
}
