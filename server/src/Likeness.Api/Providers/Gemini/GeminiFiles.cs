using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Likeness.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Providers.Gemini;

/// <summary>A file the Files API holds: its name (<c>files/…</c>), URI and expiry.</summary>
internal sealed record GeminiFileInfo(string Name, string Uri, string MimeType, TimeSpan Lifetime);

/// <summary>
/// Reference images through Gemini's Files API: each is uploaded once (the resumable upload protocol:
/// <c>POST /upload/v1beta/files</c> with <c>X-Goog-Upload-Command: start</c>, then the bytes to the
/// <c>X-Goog-Upload-URL</c> with <c>upload, finalize</c>) and sent as <c>fileData</c> while it lives. Uploads
/// are remembered per reference image (by its store key) in <c>gemini_files</c>; one that expires within
/// <see cref="Margin"/> is uploaded again.
/// </summary>
internal sealed class GeminiFiles(GeminiClient client, LikenessDbContext db, TimeProvider time, ILogger<GeminiFiles> logger)
{
    /// <summary>A file is not used when it expires within this (a long call must not outlive it).</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromHours(1);

    /// <summary>
    /// One lookup or upload at a time per set of references, across the process: a job's variants call at once,
    /// the first uploads, and the others then find the files remembered instead of uploading them again.
    /// </summary>
    private static readonly KeyedLock Gates = new();

    private static Task<IDisposable> Lock(IEnumerable<string> storageKeys, CancellationToken cancellationToken) =>
        Gates.LockAsync(string.Join(',', storageKeys.Order(StringComparer.Ordinal)), cancellationToken);

    /// <summary>
    /// The <c>fileData</c> of each reference, uploading the ones not held (or about to expire); null for any
    /// that could not be uploaded (the caller sends those inline).
    /// </summary>
    public async Task<FileData?[]> For(IReadOnlyList<ReferenceInput> references, CancellationToken cancellationToken)
    {
        using (await Lock(references.Select(r => r.StorageKey).Distinct(), cancellationToken))
            return await Find(references, cancellationToken);
    }

    private async Task<FileData?[]> Find(IReadOnlyList<ReferenceInput> references, CancellationToken cancellationToken)
    {
        var keys = references.Select(r => r.StorageKey).Distinct().ToList();
        var now = time.GetUtcNow().UtcDateTime;
        var known = await db.GeminiFiles.AsNoTracking().Where(f => keys.Contains(f.StorageKey)).ToDictionaryAsync(f => f.StorageKey, cancellationToken);
        var result = new FileData?[references.Count];
        for (var i = 0; i < references.Count; i++)
        {
            var reference = references[i];
            if (known.TryGetValue(reference.StorageKey, out var file) && file.ExpiresAt > now + Margin && file.MimeType == reference.Image.MimeType)
            {
                result[i] = new FileData(file.MimeType, file.Uri);
                continue;
            }
            GeminiFileInfo uploaded;
            try
            {
                uploaded = await client.UploadFile(reference.Image, $"likeness-{reference.StorageKey}", cancellationToken);
            }
            catch (ImageProviderFailedException ex)
            {
                logger.LogWarning("Gemini Files API: uploading reference image {Number} failed; it and the rest go inline: {Reason}",
                    i + 1, ex.Message);
                return result; // the rest stay null: inline
            }
            await Remember(reference.StorageKey, uploaded, cancellationToken);
            known[reference.StorageKey] = new GeminiUploadedFile
            {
                StorageKey = reference.StorageKey, Name = uploaded.Name, Uri = uploaded.Uri, MimeType = uploaded.MimeType,
                ExpiresAt = now + uploaded.Lifetime, CreatedAt = now,
            };
            result[i] = new FileData(uploaded.MimeType, uploaded.Uri);
        }
        return result;
    }

    /// <summary>Forgets uploads Gemini no longer has (it answered that a file does not exist): they are uploaded again.</summary>
    public async Task Forget(IEnumerable<string> storageKeys, CancellationToken cancellationToken)
    {
        var keys = storageKeys.Distinct().ToList();
        using (await Lock(keys, cancellationToken))
            await db.GeminiFiles.Where(f => keys.Contains(f.StorageKey)).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task Remember(string storageKey, GeminiFileInfo file, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await db.GeminiFiles.Where(f => f.StorageKey == storageKey).ExecuteUpdateAsync(s => s
            .SetProperty(f => f.Name, file.Name).SetProperty(f => f.Uri, file.Uri).SetProperty(f => f.MimeType, file.MimeType)
            .SetProperty(f => f.ExpiresAt, now + file.Lifetime).SetProperty(f => f.CreatedAt, now), cancellationToken);
        if (updated > 0)
            return;
        db.GeminiFiles.Add(new GeminiUploadedFile
        {
            StorageKey = storageKey, Name = file.Name, Uri = file.Uri, MimeType = file.MimeType, ExpiresAt = now + file.Lifetime, CreatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request uploaded the same image meanwhile: either file will do.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}

/// <summary>
/// One holder at a time per key. A key's entry lives only while someone holds or waits for it: the last one to
/// leave removes it, so a long-running process does not keep a gate for every key it ever saw.
/// </summary>
internal sealed class KeyedLock
{
    private sealed class Entry
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public int Users; // holders and waiters; guarded by the dictionary's lock
    }

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Keys someone holds or waits for.</summary>
    public int Count
    {
        get { lock (_entries) return _entries.Count; }
    }

    /// <summary>Waits for the key; disposing the result releases it.</summary>
    public async Task<IDisposable> LockAsync(string key, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!))
                _entries[key] = entry = new Entry();
            entry.Users++;
        }
        try
        {
            await entry.Gate.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(key, entry); // a waiter that gave up is no longer a user
            throw;
        }
        return new Holder(this, key, entry);
    }

    private void Leave(string key, Entry entry)
    {
        lock (_entries)
        {
            // Removed under the lock that adds users: a newcomer either joined this entry first or makes a new one.
            if (--entry.Users == 0)
                _entries.Remove(key);
        }
    }

    private sealed class Holder(KeyedLock owner, string key, Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
                return;
            entry.Gate.Release();
            owner.Leave(key, entry);
        }
    }
}
