using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Likeness.Api.Data;
using Likeness.Api.Problems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Api.ImageGeneration;

/// <summary>
/// Reads a job's events for its Server-Sent Events stream: every event so far (after <c>Last-Event-ID</c>),
/// then the live ones, until the terminal event. Events come from the database, so any process can serve
/// any job; a job run here wakes its streams at once, others are looked for every poll interval.
/// </summary>
public sealed class ImageJobEventStream(LikenessDbContext db, ImageJobSignal signal, IOptions<LikenessOptions> options)
{
    public const string PreviewNotFound = "Preview image not found.";

    public async IAsyncEnumerable<SseItem<string>> Read(
        Guid jobId, long after, SessionOwner owner, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var poll = options.Value.JobEventPollInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = signal.NextEvent(jobId);
            // Whether the job still runs is read before its events, so an end written in between is still read.
            var running = await db.ImageJobs.AnyAsync(j => j.Id == jobId && j.ActiveUserId != null, cancellationToken);
            var events = await db.ImageJobEvents.AsNoTracking()
                .Where(e => e.JobId == jobId && e.Id > after).OrderBy(e => e.Id).Take(100).ToListAsync(cancellationToken);
            foreach (var e in events)
            {
                after = e.Id;
                yield return new SseItem<string>(Data(e, jobId, owner), e.Name) { EventId = e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                if (ImageJobEventNames.IsTerminal(e.Name))
                    yield break;
            }
            if (events.Count > 0)
                continue;
            // The job ended before the events asked for, or went with its user: nothing more will come.
            if (!running)
                yield break;
            await Task.WhenAny(next, Task.Delay(poll, cancellationToken));
        }
    }

    public Task<bool> AnyAfter(Guid jobId, long after, CancellationToken cancellationToken) =>
        db.ImageJobEvents.AnyAsync(e => e.JobId == jobId && e.Id > after, cancellationToken);

    /// <summary>A preview's stored key and type.</summary>
    public async Task<(string Key, string MimeType)> PreviewKey(Guid jobId, long eventId, CancellationToken cancellationToken)
    {
        var preview = await db.ImageJobEvents.AsNoTracking()
            .Where(e => e.Id == eventId && e.JobId == jobId && e.ImageKey != null)
            .Select(e => new { e.ImageKey, e.MimeType }).FirstOrDefaultAsync(cancellationToken)
            ?? throw ApiProblem.NotFound(PreviewNotFound);
        return (preview.ImageKey!, preview.MimeType ?? "image/png");
    }

    /// <summary>The data as this reader should see it: its own URLs (a user's or an admin's prefix).</summary>
    private static string Data(ImageJobEvent e, Guid jobId, SessionOwner owner)
    {
        // Previews and variants carry an image, served from the job until (for a variant) its version is saved.
        if (e.ImageKey is null || e.Name is not (ImageJobEventNames.Preview or ImageJobEventNames.Variant))
            return owner.Localize(e.Data);
        var data = new JsonObject { ["image_url"] = ImageSessionResponses.PreviewUrl(owner.Prefix, jobId, e.Id) };
        if (JsonNode.Parse(e.Data) is JsonObject stored)
            foreach (var (name, value) in stored)
                data[name] = value?.DeepClone();
        return data.ToJsonString();
    }
}
