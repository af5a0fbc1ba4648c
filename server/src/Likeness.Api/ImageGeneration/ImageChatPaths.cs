using Likeness.Api.Data;
using Likeness.Api.Providers;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.ImageGeneration;

/// <summary>What a chat-mode edit sends back to the model: the kept turns of the version path, read from the store.</summary>
public sealed class ImageChatPaths(LikenessDbContext db, IImageStore store, IImageModelCatalog catalog, ILogger<ImageChatPaths> logger)
{
    /// <summary>
    /// The conversation of a chat-mode edit: the path from the root to <paramref name="current"/>, its last
    /// <see cref="IImageModelCatalog.ChatTurns"/> versions whose model answers can be sent back (signed); when
    /// the kept part does not start at the root, the image it edited opens the first user turn. Null when the
    /// current version has no such answer (the Local engine, an upload, an unsigned answer): a stateless edit.
    /// </summary>
    public async Task<ChatHistory?> For(ImageGenerationSession session, ImageVersion current, CancellationToken cancellationToken)
    {
        var versions = await db.ImageVersions.AsNoTracking().Where(v => v.SessionId == session.Id)
            .Select(v => new { v.Id, v.ParentVersionId, v.Prompt, v.ModelAnswer, v.ImageKey, v.MimeType })
            .ToDictionaryAsync(v => v.Id, cancellationToken);
        var kept = new List<(string Prompt, ModelAnswer Answer, string ImageKey, string MimeType)>();
        Guid? id = current.Id;
        Guid? startId = null;
        while (id is { } at && versions.TryGetValue(at, out var version) && kept.Count < catalog.ChatTurns)
        {
            if (ImageMaker.ReadAnswer(version.ModelAnswer) is not { CanReplay: true } answer)
                break;
            kept.Add((version.Prompt, answer, version.ImageKey, version.MimeType));
            id = version.ParentVersionId;
        }
        startId = id;
        if (kept.Count == 0)
            return null;
        kept.Reverse();
        var turns = new List<ChatTurn>();
        foreach (var turn in kept)
        {
            var bytes = await store.GetAsync(turn.ImageKey, cancellationToken);
            if (bytes is null)
            {
                logger.LogWarning("Chat edit of session {SessionId}: image {ImageKey} is missing; sending a stateless edit", session.Id, turn.ImageKey);
                return null;
            }
            turns.Add(new ChatTurn(turn.Prompt, turn.Answer, new ProviderImage(bytes, turn.MimeType)));
        }
        ProviderImage? start = null;
        if (startId is { } s && versions.TryGetValue(s, out var startVersion))
        {
            var bytes = await store.GetAsync(startVersion.ImageKey, cancellationToken);
            if (bytes is null)
                return null;
            start = new ProviderImage(bytes, startVersion.MimeType);
        }
        return new ChatHistory(start, turns);
    }
}
