namespace Likeness.Api.Storage;

/// <summary>
/// An image's key in the store, the lower-case hex SHA-256 of its bytes (<see cref="FileSystemImageStore.KeyOf"/>),
/// whichever store keeps them.
/// </summary>
public static class ImageKeys
{
    /// <summary>The characters of a key (and of every column that holds one).</summary>
    public const int Length = 64;

    public static bool IsKey(string value) =>
        value.Length == Length && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>The key, or an exception when it is not one (a store never builds a path or object name from anything else).</summary>
    public static string Require(string key, string paramName) =>
        IsKey(key) ? key : throw new ArgumentException("Not an image key.", paramName);
}
