using Likeness.Api.Data;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Likeness.Api.Identities;

/// <summary>A person, character or brand, described by a name, a description and reference images.</summary>
public class Identity
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;

    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<ReferenceImage> ReferenceImages { get; set; } = [];
}

/// <summary>One reference image of an identity. The bytes live in the image store under <see cref="StorageKey"/>.</summary>
public class ReferenceImage
{
    public const int MaxFileNameLength = 255;

    public Guid Id { get; set; }
    public Guid IdentityId { get; set; }
    public required string StorageKey { get; set; }
    /// <summary>A PNG with its long side 256 px; made at upload (or on first request for older rows).</summary>
    public string? ThumbnailKey { get; set; }
    public required string MimeType { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public long SizeBytes { get; set; }
    /// <summary>Lower-case hex SHA-256 of the bytes.</summary>
    public required string Sha256 { get; set; }
    public int Order { get; set; }
    public string? FileName { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>The <c>identities</c> table; a deleted identity takes its reference images with it.</summary>
public sealed class IdentityConfiguration : IEntityTypeConfiguration<Identity>
{
    public void Configure(EntityTypeBuilder<Identity> e)
    {
        e.ToTable("identities")
            .HasMaxLength(Identity.MaxNameLength, i => i.Name)
            .HasMaxLength(Identity.MaxDescriptionLength, i => i.Description)
            .HasMany(i => i.ReferenceImages).WithOne().HasForeignKey(r => r.IdentityId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The <c>reference_images</c> table, indexed by the store keys the janitor looks up.</summary>
public sealed class ReferenceImageConfiguration : IEntityTypeConfiguration<ReferenceImage>
{
    public void Configure(EntityTypeBuilder<ReferenceImage> e)
    {
        e.ToTable("reference_images")
            .HasMaxLength(ImageKeys.Length, r => r.StorageKey, r => r.ThumbnailKey, r => r.Sha256)
            .HasMaxLength(32, r => r.MimeType)
            .HasMaxLength(ReferenceImage.MaxFileNameLength, r => r.FileName);
        e.HasIndex(r => new { r.IdentityId, r.Order });
        e.HasIndex(r => r.StorageKey);
        e.HasIndex(r => r.ThumbnailKey);
    }
}
