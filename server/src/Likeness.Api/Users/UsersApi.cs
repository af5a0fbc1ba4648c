using System.Security.Claims;
using Likeness.Api.Data;
using Likeness.Api.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Users;

public sealed record CreateUserRequest(string? Email, string? Password, bool IsAdmin);

public sealed record ChangeRoleRequest(bool? IsAdmin);

public sealed record ResetPasswordRequest(string? Password);

/// <summary>A user as the admin's Users page shows it.</summary>
public sealed record ManagedUserResponse(Guid Id, string Email, bool IsAdmin, bool IsDisabled, DateTime? DisabledAt, DateTime CreatedAt)
{
    public static async Task<ManagedUserResponse> FromAsync(User user, UserManager<User> users) =>
        new(user.Id, user.Email ?? user.UserName ?? "", await users.IsInRoleAsync(user, Roles.Admin), user.DisabledAt is not null,
            user.DisabledAt, user.CreatedAt);
}

/// <summary>Identity's password rules, and the same as sentences a form shows before anything is typed.</summary>
public sealed record PasswordRulesResponse(
    int RequiredLength, int MaxLength, bool RequireDigit, bool RequireLowercase, bool RequireUppercase, bool RequireNonAlphanumeric,
    int RequiredUniqueChars, IReadOnlyList<string> Rules)
{
    public static PasswordRulesResponse From(PasswordOptions o)
    {
        var rules = new List<string> { $"At least {o.RequiredLength} characters (at most {AuthApi.MaxPasswordLength})" };
        if (o.RequireLowercase)
            rules.Add("A lowercase letter (a-z)");
        if (o.RequireUppercase)
            rules.Add("An uppercase letter (A-Z)");
        if (o.RequireDigit)
            rules.Add("A digit (0-9)");
        if (o.RequireNonAlphanumeric)
            rules.Add("A symbol, such as ! or -");
        if (o.RequiredUniqueChars > 1)
            rules.Add($"At least {o.RequiredUniqueChars} different characters");
        return new PasswordRulesResponse(o.RequiredLength, AuthApi.MaxPasswordLength, o.RequireDigit, o.RequireLowercase,
            o.RequireUppercase, o.RequireNonAlphanumeric, o.RequiredUniqueChars, rules);
    }
}

/// <summary>Admin: list, create, disable and enable, change the role of, reset the password of, and delete users.</summary>
public static class UsersApi
{
    public const string UserNotFound = "User not found.";

    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/users").WithTags("Users");

        group.MapGet("/", async (LikenessDbContext db) =>
        {
            var adminRoleId = await db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id).FirstOrDefaultAsync();
            var users = await db.Users
                .OrderBy(u => u.Email)
                .Select(u => new ManagedUserResponse(u.Id, u.Email ?? u.UserName ?? "",
                    db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == adminRoleId), u.DisabledAt != null, u.DisabledAt, u.CreatedAt))
                .ToListAsync();
            return TypedResults.Ok(users);
        })
        .WithSummary("List users");

        group.MapGet("/{id:guid}/", async Task<Ok<ManagedUserResponse>> (Guid id, UserManager<User> users) =>
        {
            var user = await users.FindByIdAsync(id.ToString()) ?? throw ApiProblem.NotFound(UserNotFound);
            return TypedResults.Ok(await ManagedUserResponse.FromAsync(user, users));
        })
        .WithSummary("Read a user")
        .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", async Task<Created<UserResponse>> (CreateUserRequest request, UserManager<User> users, TimeProvider time) =>
        {
            var email = request.Email?.Trim();
            if (string.IsNullOrEmpty(email) || !email.Contains('@') || email.Any(char.IsControl))
                throw ApiProblem.Invalid("email", "A valid email is required.");
            // Identity does not check the length; the column holds 256, and PostgreSQL refuses more with a 500.
            if (email.Length > 256)
                throw ApiProblem.Invalid("email", "Email may be at most 256 characters.");
            if (string.IsNullOrEmpty(request.Password))
                throw ApiProblem.Invalid("password", UserAdministration.PasswordRequired);
            if (request.Password.Length > AuthApi.MaxPasswordLength)
                throw ApiProblem.Invalid("password", AuthApi.PasswordTooLong);
            if (await users.FindByEmailAsync(email) is not null)
                throw ApiProblem.Conflict("A user with this email already exists.");

            var user = new User { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = time.GetUtcNow().UtcDateTime };
            var created = await users.CreateAsync(user, request.Password);
            if (!created.Succeeded)
                throw IdentityProblem(created);
            if (request.IsAdmin)
                await users.AddToRoleAsync(user, Roles.Admin);
            return TypedResults.Created($"/api/v1/admin/users/{user.Id}/", new UserResponse(user.Id, email, request.IsAdmin));
        })
        .WithSummary("Create a user")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/password-rules/", PasswordRules).WithSummary("The password rules, to show before a password is typed");
        group.MapPost("/{id:guid}/disable/", Disable)
            .WithSummary("Disable a user: they cannot sign in, and their cookies and tokens stop working at once")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/enable/", Enable).WithSummary("Enable a disabled user").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}/role/", ChangeRole)
            .WithSummary("Make a user an admin or a plain user (losing the role ends their sign-in sessions)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/password/", ResetPassword)
            .WithSummary("Set a new password for a user (their sign-in sessions end)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:guid}/", Delete)
            .WithSummary("Delete a user with their image sessions, library and jobs (and the images nothing else uses)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    private static Ok<PasswordRulesResponse> PasswordRules(IOptions<IdentityOptions> identity) =>
        TypedResults.Ok(PasswordRulesResponse.From(identity.Value.Password));

    private static async Task<Ok<ManagedUserResponse>> Disable(Guid id, ClaimsPrincipal me, UserAdministration administration) =>
        TypedResults.Ok(await administration.SetDisabled(id, me, disabled: true));

    private static async Task<Ok<ManagedUserResponse>> Enable(Guid id, ClaimsPrincipal me, UserAdministration administration) =>
        TypedResults.Ok(await administration.SetDisabled(id, me, disabled: false));

    private static async Task<Ok<ManagedUserResponse>> ChangeRole(
        Guid id, ChangeRoleRequest request, ClaimsPrincipal me, UserAdministration administration) =>
        TypedResults.Ok(await administration.SetAdmin(id, me,
            request.IsAdmin ?? throw ApiProblem.Invalid("is_admin", "is_admin is required (true or false).")));

    private static async Task<NoContent> ResetPassword(Guid id, ResetPasswordRequest request, UserAdministration administration)
    {
        await administration.ResetPassword(id, request.Password);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Delete(Guid id, ClaimsPrincipal me, UserAdministration administration)
    {
        await administration.Delete(id, me);
        return TypedResults.NoContent();
    }

    /// <summary>Identity's refusals (password rules, invalid names) as one 400 with every reason.</summary>
    public static ApiProblem IdentityProblem(IdentityResult result)
    {
        var errors = result.Errors
            .GroupBy(e => e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "email")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
        return new ApiProblem(StatusCodes.Status400BadRequest,
            string.Join(" ", result.Errors.Select(e => e.Description)), errors);
    }
}
