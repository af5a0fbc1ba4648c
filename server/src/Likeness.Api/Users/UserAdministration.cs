using System.Security.Claims;
using Likeness.Api.Data;
using Likeness.Api.ImageGeneration;
using Likeness.Api.Problems;
using Likeness.Api.Security;
using Likeness.Api.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Users;

/// <summary>
/// What an admin does to a user beyond creating them. Whatever takes a right away (disable, losing the admin
/// role, a new password) changes the security stamp and ends the refresh-token families, so every cookie and
/// token issued before stops working on the next request. An admin cannot lock themself out.
/// </summary>
public sealed class UserAdministration(
    LikenessDbContext db,
    UserManager<User> users,
    RefreshTokenFamilies families,
    ImageJanitor janitor,
    TimeProvider time,
    ILogger<UserAdministration> logger)
{
    public const string CannotDisableSelf = "You cannot disable your own account.";
    public const string CannotDeleteSelf = "You cannot delete your own account.";
    public const string CannotRemoveOwnAdmin = "You cannot remove your own admin role.";
    public const string JobRunning = "An image is still being made for this user. Try again when it finishes.";
    public const string PasswordRequired = "A password is required.";

    public async Task<ManagedUserResponse> SetDisabled(Guid id, ClaimsPrincipal me, bool disabled)
    {
        var user = await Find(id);
        if (disabled && IsMe(me, id))
            throw ApiProblem.Conflict(CannotDisableSelf);
        if (disabled && user.DisabledAt is null)
        {
            user.DisabledAt = time.GetUtcNow().UtcDateTime;
            await EndSessions(user); // saves the user with the new stamp
            logger.LogInformation("Disabled user {UserId}", id);
        }
        else if (!disabled && user.DisabledAt is not null)
        {
            user.DisabledAt = null;
            Check(await users.UpdateAsync(user));
            logger.LogInformation("Enabled user {UserId}", id);
        }
        return await ManagedUserResponse.FromAsync(user, users);
    }

    public async Task<ManagedUserResponse> SetAdmin(Guid id, ClaimsPrincipal me, bool isAdmin)
    {
        var user = await Find(id);
        var wasAdmin = await users.IsInRoleAsync(user, Roles.Admin);
        if (wasAdmin && !isAdmin && IsMe(me, id))
            throw ApiProblem.Conflict(CannotRemoveOwnAdmin);
        if (isAdmin && !wasAdmin)
            Check(await users.AddToRoleAsync(user, Roles.Admin));
        else if (!isAdmin && wasAdmin)
        {
            Check(await users.RemoveFromRoleAsync(user, Roles.Admin));
            // Their tokens carry the role: they end, and the next sign-in has none.
            await EndSessions(user);
        }
        return await ManagedUserResponse.FromAsync(user, users);
    }

    /// <summary>Sets a new password (Identity's rules apply); the user's sign-in sessions end.</summary>
    public async Task ResetPassword(Guid id, string? password)
    {
        var user = await Find(id);
        if (string.IsNullOrEmpty(password))
            throw ApiProblem.Invalid("password", PasswordRequired);
        if (password.Length > AuthApi.MaxPasswordLength)
            throw ApiProblem.Invalid("password", AuthApi.PasswordTooLong);
        var errors = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
            errors.AddRange((await validator.ValidateAsync(users, user, password)).Errors);
        if (errors.Count > 0)
            throw UsersApi.IdentityProblem(IdentityResult.Failed([.. errors]));
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        await EndSessions(user);
        logger.LogInformation("Reset the password of user {UserId}", id);
    }

    /// <summary>
    /// Deletes the user; their sessions (the library too), versions and jobs go with them (cascade), and then
    /// every image of theirs that nothing else refers to (the store is shared and content-addressed).
    /// </summary>
    public async Task Delete(Guid id, ClaimsPrincipal me)
    {
        await Find(id);
        if (IsMe(me, id))
            throw ApiProblem.Conflict(CannotDeleteSelf);
        if (await db.ImageJobs.AnyAsync(j => j.ActiveUserId == id))
            throw ApiProblem.Conflict(JobRunning);
        var sessions = db.ImageGenerationSessions.Where(s => s.UserId == id);
        var keys = await db.ImageVersions.Where(v => sessions.Any(s => s.Id == v.SessionId)).StoredKeys().ToListAsync();
        keys.AddRange(await db.ImageJobEvents
            .Where(e => e.ImageKey != null && db.ImageJobs.Any(j => j.Id == e.JobId && j.UserId == id))
            .Select(e => e.ImageKey!).ToListAsync());
        if (await db.Users.Where(u => u.Id == id).ExecuteDeleteAsync() == 0)
            throw ApiProblem.NotFound(UsersApi.UserNotFound);
        await janitor.DeleteUnreferencedAsync(keys, CancellationToken.None);
        logger.LogInformation("Deleted user {UserId} and {Count} image keys they used", id, keys.Distinct().Count());
    }

    private async Task<User> Find(Guid id) =>
        await users.FindByIdAsync(id.ToString()) ?? throw ApiProblem.NotFound(UsersApi.UserNotFound);

    private static bool IsMe(ClaimsPrincipal me, Guid id) =>
        Guid.TryParse(me.FindFirstValue(ClaimTypes.NameIdentifier), out var myId) && myId == id;

    /// <summary>Saves the user with a new security stamp and ends their refresh tokens: every session of theirs ends.</summary>
    private async Task EndSessions(User user)
    {
        Check(await users.UpdateSecurityStampAsync(user));
        await families.EndAllAsync(user.Id);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw UsersApi.IdentityProblem(result);
    }
}
