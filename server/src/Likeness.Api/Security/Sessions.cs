using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Likeness.Api.Data;
using Likeness.Api.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Security;

/// <summary>
/// Sign-in sessions end on the server: every request's cookie or bearer token is checked against the user's
/// security stamp (sign-out changes it), so a copied cookie or token stops working at sign-out.
/// </summary>
public static class SessionValidation
{
    /// <summary>The cookie's check, on every request; a stale cookie is rejected and cleared.</summary>
    public static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is null)
            return;
        var signInManager = context.HttpContext.RequestServices.GetRequiredService<SignInManager<User>>();
        if (await signInManager.ValidateSecurityStampAsync(context.Principal) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }

    /// <summary>
    /// The bearer handler has no hook after it reads the token, so this reads it first (as the handler would), and
    /// fails authentication when the token's security stamp is no longer the user's.
    /// </summary>
    public static async Task ValidateBearerAsync(MessageReceivedContext context)
    {
        string authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
            return;
        var token = authorization["Bearer ".Length..].Trim();
        context.Token = token;
        var ticket = context.Options.BearerTokenProtector.Unprotect(token);
        if (ticket?.Principal is null)
            return; // the handler refuses it
        var signInManager = context.HttpContext.RequestServices.GetRequiredService<SignInManager<User>>();
        if (await signInManager.ValidateSecurityStampAsync(ticket.Principal) is null)
            context.Fail("The session has ended. Sign in again.");
    }
}

/// <summary>
/// Refresh tokens rotate: each bearer sign-in starts a family (a row in Identity's user-token table, no schema change)
/// that records the one refresh token of the family still valid. Refreshing with it issues a new one; presenting
/// an older one (a reused, possibly stolen token) ends the whole family.
/// </summary>
public sealed class RefreshTokenFamilies(LikenessDbContext db, TimeProvider time, IOptionsMonitor<BearerTokenOptions> bearerOptions)
{
    public const string LoginProvider = "likeness:refresh";
    public const string FamilyClaim = "likeness:rtf";
    public const string TokenClaim = "likeness:rti";

    private TimeSpan Lifetime => bearerOptions.Get(IdentityConstants.BearerScheme).RefreshTokenExpiration;

    /// <summary>Starts a family for a new bearer sign-in (and drops the user's expired ones); the claims go into the tokens.</summary>
    public async Task<Claim[]> StartAsync(User user)
    {
        var now = time.GetUtcNow();
        var rows = await db.UserTokens.Where(t => t.UserId == user.Id && t.LoginProvider == LoginProvider).ToListAsync();
        db.UserTokens.RemoveRange(rows.Where(r => Parse(r.Value).Expires <= now));
        var family = NewId();
        var token = NewId();
        db.UserTokens.Add(new IdentityUserToken<Guid>
        {
            UserId = user.Id, LoginProvider = LoginProvider, Name = family, Value = Format(token, now + Lifetime),
        });
        await db.SaveChangesAsync();
        return [new Claim(FamilyClaim, family), new Claim(TokenClaim, token)];
    }

    /// <summary>
    /// The claims for the next tokens of the family the refresh token belongs to, or null when it is not the
    /// family's current token (then the family ends: a reused token refuses its successors too).
    /// </summary>
    public async Task<Claim[]?> RotateAsync(User user, ClaimsPrincipal refreshPrincipal)
    {
        var family = refreshPrincipal.FindFirstValue(FamilyClaim);
        var token = refreshPrincipal.FindFirstValue(TokenClaim);
        if (family is null || token is null)
            return null;
        var row = await db.UserTokens.AsNoTracking()
            .FirstOrDefaultAsync(t => t.UserId == user.Id && t.LoginProvider == LoginProvider && t.Name == family);
        if (row?.Value is null)
            return null;
        var now = time.GetUtcNow();
        var (current, expires) = Parse(row.Value);
        if (current != token || expires <= now)
        {
            await Family(user.Id, family).ExecuteDeleteAsync();
            return null;
        }
        var next = NewId();
        var nextValue = Format(next, now + Lifetime);
        // Only one of two concurrent refreshes with the same token wins.
        var updated = await Family(user.Id, family).Where(t => t.Value == row.Value)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Value, nextValue));
        return updated == 1 ? [new Claim(FamilyClaim, family), new Claim(TokenClaim, next)] : null;
    }

    /// <summary>Ends every family of the user (sign-out).</summary>
    public Task EndAllAsync(Guid userId) =>
        db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == LoginProvider).ExecuteDeleteAsync();

    private IQueryable<IdentityUserToken<Guid>> Family(Guid userId, string family) =>
        db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == LoginProvider && t.Name == family);

    private static string NewId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    private static string Format(string token, DateTimeOffset expires) =>
        $"{token} {expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";

    private static (string Token, DateTimeOffset Expires) Parse(string? value)
    {
        var parts = (value ?? "").Split(' ');
        return parts.Length == 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? (parts[0], DateTimeOffset.FromUnixTimeSeconds(seconds))
            : ("", DateTimeOffset.MinValue);
    }
}
