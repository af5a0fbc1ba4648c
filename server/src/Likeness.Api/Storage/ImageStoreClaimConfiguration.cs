using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Likeness.Api.Storage;

public sealed class ImageStoreClaimConfiguration : IEntityTypeConfiguration<ImageStoreClaim>
{
    public void Configure(EntityTypeBuilder<ImageStoreClaim> e)
    {
        // ImageStoreClaims and ImageJanitor also write this table in SQL: the names are theirs too.
        e.ToTable("image_store_claims");
        e.HasKey(c => c.Key);
        e.Property(c => c.Key).HasMaxLength(64);
    }
}
