using System.Security.Claims;
using Likeness.Api.Problems;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Users;

public sealed record LoginRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record UserResponse(Guid Id, string Email, bool IsAdmin);

/// <summary>Sign in (bearer token or browser cookie), refresh, sign out, who am I.</summary>
public static class AuthApi
{
    public const string InvalidCredentials = "Invalid email or password.";
    public const string LockedOut = "Too many failed sign-in attempts. Try again later.";

    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth");

        // ASP.NET Core Identity's bearer handler writes {token_type, access_token, expires_in, refresh_token};
        // with ?use_cookies=true the cookie handler sets the browser cookie instead.
        group.MapPost("/login", async Task<EmptyHttpResult> (
            LoginRequest request, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "use_cookies")] bool? useCookies, SignInManager<User> signInManager) =>
        {
            if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
                throw ApiProblem.BadRequest("Email and password are required.");
            // No account has a control character in its email, and PostgreSQL fails a query that carries a NUL.
            if (request.Email.Any(char.IsControl))
                throw new ApiProblem(StatusCodes.Status401Unauthorized, InvalidCredentials);
            signInManager.AuthenticationScheme = useCookies == true
                ? IdentityConstants.ApplicationScheme
                : IdentityConstants.BearerScheme;
            var result = await signInManager.PasswordSignInAsync(
                request.Email.Trim(), request.Password, isPersistent: true, lockoutOnFailure: true);
            if (result.IsLockedOut)
                throw new ApiProblem(StatusCodes.Status401Unauthorized, LockedOut);
            if (!result.Succeeded)
                throw new ApiProblem(StatusCodes.Status401Unauthorized, InvalidCredentials);
            return TypedResults.Empty;
        })
        .Produces<AccessTokenResponse>()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .WithSummary("Sign in with email and password")
        .AllowAnonymous();

        group.MapPost("/refresh", async Task<Results<SignInHttpResult, ProblemHttpResult>> (
            RefreshRequest request, SignInManager<User> signInManager,
            IOptionsMonitor<BearerTokenOptions> bearerOptions, TimeProvider time) =>
        {
            var protector = bearerOptions.Get(IdentityConstants.BearerScheme).RefreshTokenProtector;
            var ticket = string.IsNullOrEmpty(request.RefreshToken) ? null : protector.Unprotect(request.RefreshToken);
            if (ticket?.Properties.ExpiresUtc is not { } expires || time.GetUtcNow() >= expires
                || await signInManager.ValidateSecurityStampAsync(ticket.Principal) is not { } user)
                return TypedResults.Problem("The refresh token is invalid or has expired. Sign in again.",
                    statusCode: StatusCodes.Status401Unauthorized);
            var principal = await signInManager.CreateUserPrincipalAsync(user);
            return TypedResults.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
        })
        .Produces<AccessTokenResponse>()
        .WithSummary("Exchange a refresh token for new tokens")
        .AllowAnonymous();

        group.MapPost("/logout", async Task<NoContent> (SignInManager<User> signInManager) =>
        {
            await signInManager.SignOutAsync();
            return TypedResults.NoContent();
        })
        .WithSummary("Sign out (clears the browser cookie)")
        .AllowAnonymous();

        group.MapGet("/me", async Task<Results<Ok<UserResponse>, UnauthorizedHttpResult>> (
            ClaimsPrincipal principal, UserManager<User> users) =>
        {
            var user = await users.GetUserAsync(principal);
            if (user is null)
                return TypedResults.Unauthorized();
            return TypedResults.Ok(new UserResponse(user.Id, user.Email ?? user.UserName ?? "",
                await users.IsInRoleAsync(user, Roles.Admin)));
        })
        .WithSummary("The signed-in user")
        .RequireAuthorization();

        return group;
    }
}
