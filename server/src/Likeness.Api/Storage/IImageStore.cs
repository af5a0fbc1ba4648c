namespace Likeness.Api.Storage;

/// <summary>
/// Content-addressed storage of image bytes: the key is the lower-case hex SHA-256 of the bytes, so the
/// same image is stored once however many versions or identities refer to it. The database holds keys only.
/// </summary>
public interface IImageStore
{
    /// <summary>Stores the bytes (if not already there) and returns their key.</summary>
    Task<string> PutAsync(byte[] bytes, CancellationToken cancellationToken = default);

    /// <summary>The bytes under the key, or null when there are none.</summary>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default);

    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every key in the store with when it was written (for the orphan sweep).</summary>
    IAsyncEnumerable<(string Key, DateTime WrittenAt)> ListAsync(CancellationToken cancellationToken = default);
}
