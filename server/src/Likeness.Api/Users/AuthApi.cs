using System.Security.Claims;
using Likeness.Api.Problems;
using Likeness.Api.Security;
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
    public const string AccountDisabled = "This account is disabled. Ask an admin to enable it.";
    public const string InvalidRefreshToken = "The refresh token is invalid or has expired. Sign in again.";
    public const int MaxPasswordLength = 256;
    public static readonly string PasswordTooLong = $"Password may be at most {MaxPasswordLength} characters.";

    private static readonly Lazy<string> DummyHash =
        new(() => new PasswordHasher<User>().HashPassword(new User(), Guid.NewGuid().ToString()));

    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth");

        // ASP.NET Core Identity's bearer handler writes {token_type, access_token, expires_in, refresh_token};
        // with ?use_cookies=true the cookie handler sets the browser cookie instead.
        // Failed attempts are throttled per address (known or not) and all attempts per IP; nothing locks an account.
        group.MapPost("/login", async Task<EmptyHttpResult> (
            LoginRequest request, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "use_cookies")] bool? useCookies,
            SignInManager<User> signInManager, SignInThrottle throttle, RefreshTokenFamilies families, HttpContext http) =>
        {
            if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
                throw ApiProblem.BadRequest("Email and password are required.");
            if (request.Password.Length > MaxPasswordLength)
                throw ApiProblem.BadRequest(PasswordTooLong);
            var email = request.Email.Trim();
            if (!throttle.MayAttempt(email, out var retryAfter))
            {
                await RateLimitPolicies.WriteTooManyRequestsAsync(http, retryAfter);
                return TypedResults.Empty;
            }
            // No account has a control character in its email, and PostgreSQL fails a query that carries a NUL.
            var user = email.Any(char.IsControl) ? null : await signInManager.UserManager.FindByEmailAsync(email);
            if (user is null)
            {
                // As long as checking a real password takes, so the time tells nothing either.
                signInManager.UserManager.PasswordHasher.VerifyHashedPassword(new User(), DummyHash.Value, request.Password);
                throttle.Failed(email);
                throw ApiProblem.Unauthorized(InvalidCredentials);
            }
            var result = await signInManager.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: false);
            if (!result.Succeeded)
            {
                throttle.Failed(email);
                throw ApiProblem.Unauthorized(InvalidCredentials);
            }
            // Said only to whoever knows the password: an admin disabled the account.
            if (user.DisabledAt is not null)
                throw ApiProblem.Forbidden(AccountDisabled);
            if (useCookies == true)
            {
                signInManager.AuthenticationScheme = IdentityConstants.ApplicationScheme;
                await signInManager.SignInWithClaimsAsync(user, isPersistent: true, []);
            }
            else
            {
                signInManager.AuthenticationScheme = IdentityConstants.BearerScheme;
                await signInManager.SignInWithClaimsAsync(user, isPersistent: true, await families.StartAsync(user));
            }
            return TypedResults.Empty;
        })
        .Produces<AccessTokenResponse>()
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .WithSummary("Sign in with email and password")
        .RequireRateLimiting(RateLimitPolicies.SignIn)
        .AllowAnonymous();

        // Refresh tokens rotate: the answer carries a new one, and the one sent stops working (reusing it ends the family).
        group.MapPost("/refresh", async Task<Results<SignInHttpResult, ProblemHttpResult>> (
            RefreshRequest request, SignInManager<User> signInManager, RefreshTokenFamilies families,
            IOptionsMonitor<BearerTokenOptions> bearerOptions, TimeProvider time) =>
        {
            var protector = bearerOptions.Get(IdentityConstants.BearerScheme).RefreshTokenProtector;
            var ticket = string.IsNullOrEmpty(request.RefreshToken) ? null : protector.Unprotect(request.RefreshToken);
            if (ticket?.Properties.ExpiresUtc is not { } expires || time.GetUtcNow() >= expires
                || await signInManager.ValidateSecurityStampAsync(ticket.Principal) is not { DisabledAt: null } user
                || await families.RotateAsync(user, ticket.Principal) is not { } claims)
                return TypedResults.Problem(InvalidRefreshToken, statusCode: StatusCodes.Status401Unauthorized);
            var principal = await signInManager.CreateUserPrincipalAsync(user);
            ((ClaimsIdentity)principal.Identity!).AddClaims(claims);
            return TypedResults.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
        })
        .Produces<AccessTokenResponse>()
        .WithSummary("Exchange a refresh token for new tokens (the old refresh token stops working)")
        .AllowAnonymous();

        // Ends every session of the user: the security stamp changes, so every cookie, bearer token and refresh
        // token issued before is refused from the next request on.
        group.MapPost("/logout", async Task<NoContent> (
            ClaimsPrincipal principal, SignInManager<User> signInManager, RefreshTokenFamilies families) =>
        {
            if (await signInManager.UserManager.GetUserAsync(principal) is { } user)
            {
                await signInManager.UserManager.UpdateSecurityStampAsync(user);
                await families.EndAllAsync(user.Id);
            }
            await signInManager.SignOutAsync();
            return TypedResults.NoContent();
        })
        .WithSummary("Sign out: ends the user's sessions (cookie, bearer and refresh tokens) and clears the browser cookie")
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
