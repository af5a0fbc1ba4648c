using Microsoft.AspNetCore.Identity;

namespace Likeness.Api.Users;

/// <summary>A person who signs in. Passwords, lockout and roles are ASP.NET Core Identity's.</summary>
public class User : IdentityUser<Guid>
{
    public DateTime CreatedAt { get; set; }
    /// <summary>Set while an admin has disabled the account: it cannot sign in, and its cookies and tokens stop working.</summary>
    public DateTime? DisabledAt { get; set; }
}

public static class Roles
{
    public const string Admin = "Admin";
}
