using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Likeness.Api.Providers.Gemini;

public sealed class GeminiUploadedFileConfiguration : IEntityTypeConfiguration<GeminiUploadedFile>
{
    public void Configure(EntityTypeBuilder<GeminiUploadedFile> e)
    {
        e.ToTable("gemini_files");
        e.HasKey(f => f.StorageKey);
        e.Property(f => f.StorageKey).HasMaxLength(64);
        e.Property(f => f.Name).HasMaxLength(128);
        e.Property(f => f.Uri).HasMaxLength(512);
        e.Property(f => f.MimeType).HasMaxLength(32);
    }
}
