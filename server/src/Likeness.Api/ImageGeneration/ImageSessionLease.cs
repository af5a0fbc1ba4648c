using Likeness.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Likeness.Api.ImageGeneration;

/// <summary>
/// An image session's lease (<see cref="ImageGenerationSession.LeaseToken"/>, <see cref="ImageGenerationSession.LeaseUntil"/>):
/// the edit job that will change the session claims it when the job is created, its runner renews it with the job's
/// own lease, and it ends when the edit saves or the job ends. While a lease holds a session, undo, redo and select
/// refuse (409), Generate New, a reopen and a start from a photo leave it active, and the expiry cleaner leaves it.
/// A lease that ran out (its process died) holds nothing.
/// </summary>
public static class ImageSessionLease
{
    /// <summary>The sessions no lease holds at <paramref name="now"/>.</summary>
    public static IQueryable<ImageGenerationSession> NotHeld(this IQueryable<ImageGenerationSession> sessions, DateTime now) =>
        sessions.Where(s => s.LeaseUntil == null || s.LeaseUntil < now);

    public static bool IsHeld(this ImageGenerationSession session, DateTime now) => session.LeaseUntil > now;

    /// <summary>In an update of sessions: their leases end.</summary>
    public static UpdateSettersBuilder<ImageGenerationSession> EndLease(this UpdateSettersBuilder<ImageGenerationSession> session) =>
        session.SetProperty(s => s.LeaseUntil, (DateTime?)null).SetProperty(s => s.LeaseToken, (Guid?)null);

    /// <summary>The job's lease (<paramref name="token"/>) takes the active session unless another holds it; false when it did not.</summary>
    public static async Task<bool> ClaimAsync(
        LikenessDbContext db, Guid sessionId, Guid token, DateTime until, DateTime now, CancellationToken cancellationToken) =>
        await db.ImageGenerationSessions.Where(s => s.Id == sessionId && s.ArchivedAt == null).NotHeld(now)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseUntil, until).SetProperty(x => x.LeaseToken, token), cancellationToken) > 0;

    /// <summary>Moves the end of the job's lease on the session it holds (if any) to <paramref name="until"/>.</summary>
    public static Task<int> RenewAsync(LikenessDbContext db, Guid token, DateTime until, CancellationToken cancellationToken) =>
        db.ImageGenerationSessions.Where(s => s.LeaseToken == token)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseUntil, until), cancellationToken);

    /// <summary>Ends the job's lease on the session it holds (if any).</summary>
    public static Task<int> ReleaseAsync(LikenessDbContext db, Guid token, CancellationToken cancellationToken) =>
        db.ImageGenerationSessions.Where(s => s.LeaseToken == token).ExecuteUpdateAsync(s => s.EndLease(), cancellationToken);
}
