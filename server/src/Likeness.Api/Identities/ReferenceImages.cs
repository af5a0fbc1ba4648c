using System.Security.Cryptography;
using System.Text;

namespace Likeness.Api.Identities;

public static class ReferenceImages
{
    public const int MaxPerIdentity = 14;
    public const long MaxBytes = 10L * 1024 * 1024;
    public const long MaxPixels = 40_000_000;

    /// <summary>SHA-256 over the ordered reference image hashes: changes whenever a reference is added, removed or reordered.</summary>
    public static string Hash(IEnumerable<ReferenceImage> images)
    {
        var joined = string.Join(",", images.OrderBy(r => r.Order).ThenBy(r => r.CreatedAt).Select(r => r.Sha256));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(joined)));
    }
}
