using Likeness.Api.Data;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Likeness.Api.Providers.Gemini;

/// <summary>
/// A reference image uploaded through Gemini's Files API: sent as <c>fileData</c> by <see cref="Uri"/> until
/// <see cref="ExpiresAt"/> (Google keeps a file 48 hours), then uploaded again. Keyed by the image's store key,
/// which is the reference image's content.
/// </summary>
public class GeminiUploadedFile
{
    public required string StorageKey { get; set; }
    /// <summary><c>files/…</c></summary>
    public required string Name { get; set; }
    public required string Uri { get; set; }
    public required string MimeType { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>The <c>gemini_files</c> table, keyed by the image's store key.</summary>
public sealed class GeminiUploadedFileConfiguration : IEntityTypeConfiguration<GeminiUploadedFile>
{
    public void Configure(EntityTypeBuilder<GeminiUploadedFile> e) =>
        e.ToTable("gemini_files")
            .HasMaxLength(ImageKeys.Length, f => f.StorageKey)
            .HasMaxLength(128, f => f.Name)
            .HasMaxLength(512, f => f.Uri)
            .HasMaxLength(32, f => f.MimeType)
            .HasKey(f => f.StorageKey);
}
