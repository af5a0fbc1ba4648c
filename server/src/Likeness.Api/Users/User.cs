using Microsoft.AspNetCore.Identity;

namespace Likeness.Api.Users;

/// <summary>A person who signs in. Passwords, lockout and roles are ASP.NET Core Identity's.</summary>
public class User : IdentityUser<Guid>
{
    public DateTime CreatedAt { get; set; }
}

public static class Roles
{
    public const string Admin = "Admin";
}
