using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Storage;

/// <summary>Keeps images as files under <c>{DataDirectory}/images/ab/abcdef…</c>.</summary>
public sealed class FileSystemImageStore : IImageStore
{
    private readonly string _root;

    public FileSystemImageStore(IOptions<LikenessOptions> options)
    {
        _root = Path.Combine(options.Value.FullDataDirectory, "images");
        Directory.CreateDirectory(_root);
    }

    /// <summary>The key of the bytes in every store (<see cref="ImageKeys"/>).</summary>
    public static string KeyOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async Task<string> PutAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(bytes);
        var path = PathOf(key);
        if (File.Exists(path))
        {
            // Touch it so a concurrent orphan sweep sees it as fresh.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return key;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Write to a temporary file and move it into place, so a reader never sees half an image.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e)
        {
            // A half-written file must not stay behind (a full disk, a cancelled request).
            try { File.Delete(temporary); } catch (IOException) { }
            if (e is IOException io && StorageFullException.IsDiskFull(io))
                throw new StorageFullException(io);
            throw;
        }
        return key;
    }

    /// <summary>Removes temporary files a crashed or killed process left (older than <paramref name="age"/>).</summary>
    public int RemoveLeftoverTemporaryFiles(TimeSpan age)
    {
        var cutoff = DateTime.UtcNow - age;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(_root, "*.tmp", SearchOption.AllDirectories))
        {
            if (File.GetLastWriteTimeUtc(file) >= cutoff)
                continue;
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (IOException)
            {
                // gone already, or still open on another replica: the next sweep looks again
            }
        }
        return removed;
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes the image; an absent key is a no-op, as in S3. File.Delete already ignores a missing file, but not a
    /// missing folder (no image with the key's first two characters was ever stored, or the last one went).
    /// </summary>
    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            File.Delete(PathOf(key));
        }
        catch (DirectoryNotFoundException)
        {
            // nothing stored under this key: nothing to delete
        }
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<(string Key, DateTime WrittenAt)> ListAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(file);
            if (ImageKeys.IsKey(name))
                yield return (name, File.GetLastWriteTimeUtc(file));
        }
        await Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        ImageKeys.Require(key, nameof(key));
        return Path.Combine(_root, key[..2], key);
    }
}
