using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Likeness.Api.Identities;

// The identities' tables; LikenessDbContext applies every configuration in the assembly.

public sealed class IdentityConfiguration : IEntityTypeConfiguration<Identity>
{
    public void Configure(EntityTypeBuilder<Identity> e)
    {
        e.ToTable("identities");
        e.Property(i => i.Name).HasMaxLength(Identity.MaxNameLength);
        e.Property(i => i.Description).HasMaxLength(Identity.MaxDescriptionLength);
        e.HasMany(i => i.ReferenceImages).WithOne().HasForeignKey(r => r.IdentityId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ReferenceImageConfiguration : IEntityTypeConfiguration<ReferenceImage>
{
    public void Configure(EntityTypeBuilder<ReferenceImage> e)
    {
        e.ToTable("reference_images");
        e.Property(r => r.StorageKey).HasMaxLength(64);
        e.Property(r => r.MimeType).HasMaxLength(32);
        e.Property(r => r.Sha256).HasMaxLength(64);
        e.Property(r => r.FileName).HasMaxLength(ReferenceImage.MaxFileNameLength);
        e.HasIndex(r => new { r.IdentityId, r.Order });
        e.Property(r => r.ThumbnailKey).HasMaxLength(64);
        e.HasIndex(r => r.StorageKey);
        e.HasIndex(r => r.ThumbnailKey);
    }
}
