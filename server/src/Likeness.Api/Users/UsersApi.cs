using Likeness.Api.Data;
using Likeness.Api.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Users;

public sealed record CreateUserRequest(string? Email, string? Password, bool IsAdmin);

/// <summary>Admin: list and create users.</summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/users").WithTags("Users");

        group.MapGet("/", async (LikenessDbContext db) =>
        {
            var adminRoleId = await db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id).FirstOrDefaultAsync();
            var users = await db.Users
                .OrderBy(u => u.Email)
                .Select(u => new UserResponse(u.Id, u.Email ?? u.UserName ?? "",
                    db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == adminRoleId)))
                .ToListAsync();
            return TypedResults.Ok(users);
        })
        .WithSummary("List users");

        group.MapGet("/{id:guid}/", async Task<Ok<UserResponse>> (Guid id, UserManager<User> users) =>
        {
            var user = await users.FindByIdAsync(id.ToString()) ?? throw ApiProblem.NotFound("User not found.");
            return TypedResults.Ok(new UserResponse(user.Id, user.Email ?? user.UserName ?? "",
                await users.IsInRoleAsync(user, Roles.Admin)));
        })
        .WithSummary("Read a user")
        .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", async Task<Created<UserResponse>> (CreateUserRequest request, UserManager<User> users, TimeProvider time) =>
        {
            var email = request.Email?.Trim();
            if (string.IsNullOrEmpty(email) || !email.Contains('@') || email.Any(char.IsControl))
                throw new ApiProblem(StatusCodes.Status400BadRequest, "A valid email is required.",
                    new Dictionary<string, string[]> { ["email"] = ["A valid email is required."] });
            // Identity does not check the length; the column holds 256, and PostgreSQL refuses more with a 500.
            if (email.Length > 256)
                throw new ApiProblem(StatusCodes.Status400BadRequest, "Email may be at most 256 characters.",
                    new Dictionary<string, string[]> { ["email"] = ["Email may be at most 256 characters."] });
            if (string.IsNullOrEmpty(request.Password))
                throw new ApiProblem(StatusCodes.Status400BadRequest, "A password is required.",
                    new Dictionary<string, string[]> { ["password"] = ["A password is required."] });
            if (request.Password.Length > AuthApi.MaxPasswordLength)
                throw new ApiProblem(StatusCodes.Status400BadRequest, AuthApi.PasswordTooLong,
                    new Dictionary<string, string[]> { ["password"] = [AuthApi.PasswordTooLong] });
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

        return group;
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
