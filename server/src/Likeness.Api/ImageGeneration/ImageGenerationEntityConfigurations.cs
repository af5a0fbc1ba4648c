using Likeness.Api.Data;
using Likeness.Api.Identities;
using Likeness.Api.Storage;
using Likeness.Api.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Likeness.Api.ImageGeneration;

/// <summary>
/// The <c>image_generation_sessions</c> table: one active session per user (the library's, archived, are any
/// number); it goes with its user, and loses only its identity when that is deleted.
/// </summary>
public sealed class ImageGenerationSessionConfiguration : IEntityTypeConfiguration<ImageGenerationSession>
{
    public void Configure(EntityTypeBuilder<ImageGenerationSession> e)
    {
        e.ToTable("image_generation_sessions")
            .HasMaxLength(ImageKeys.Length, s => s.ReferenceImagesHash)
            .HasMaxLength(8, s => s.AspectRatio, s => s.Resolution)
            .HasMaxLength(64, s => s.Model)
            .HasMaxLength(16, s => s.EditMode);
        e.Property(s => s.LeaseToken);
        e.HasIndex(s => s.UserId).IsUnique().HasFilter("\"ArchivedAt\" IS NULL");
        e.HasIndex(s => new { s.UserId, s.ArchivedAt });
        e.HasIndex(s => s.ExpiresAt);
        e.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Identity>().WithMany().HasForeignKey(s => s.IdentityId).OnDelete(DeleteBehavior.SetNull);
        e.HasMany(s => s.Versions).WithOne().HasForeignKey(v => v.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The <c>image_versions</c> table, indexed by the store keys the janitor looks up.</summary>
public sealed class ImageVersionConfiguration : IEntityTypeConfiguration<ImageVersion>
{
    public void Configure(EntityTypeBuilder<ImageVersion> e)
    {
        e.ToTable("image_versions")
            .HasMaxLength(ImageKeys.Length, v => v.ImageKey, v => v.ThumbnailKey, v => v.MaskKey)
            .HasMaxLength(8, v => v.AspectRatio, v => v.Resolution)
            .HasMaxLength(32, v => v.Provider, v => v.MimeType)
            .HasMaxLength(64, v => v.Model);
        e.Property(v => v.Kind).HasConversion<string>().HasMaxLength(16);
        e.Property(v => v.EstimatedCostUsd).HasPrecision(18, 6);
        e.HasIndex(v => new { v.SessionId, v.CreatedAt });
        e.HasIndex(v => v.ImageKey);
        e.HasIndex(v => v.ThumbnailKey);
        e.HasIndex(v => v.MaskKey);
    }
}

/// <summary>
/// The <c>image_jobs</c> table: at most one queued or running job per user (<c>ActiveUserId</c> is unique,
/// whichever process starts a second one); a job goes with its user and takes its events with it.
/// </summary>
public sealed class ImageJobConfiguration : IEntityTypeConfiguration<ImageJob>
{
    public void Configure(EntityTypeBuilder<ImageJob> e)
    {
        e.ToTable("image_jobs").HasMaxLength(ImageJob.ErrorDetailMaxLength, j => j.ErrorDetail);
        e.Property(j => j.Kind).HasConversion<string>().HasMaxLength(16);
        e.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(j => j.Stage).HasConversion<string>().HasMaxLength(16);
        e.HasIndex(j => j.ActiveUserId).IsUnique();
        e.HasIndex(j => new { j.UserId, j.CreatedAt });
        e.HasIndex(j => new { j.Status, j.LeaseUntil });
        e.HasOne<User>().WithMany().HasForeignKey(j => j.UserId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany<ImageJobEvent>().WithOne().HasForeignKey(v => v.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The <c>image_job_events</c> table: a job's events in order, and the previews' store keys.</summary>
public sealed class ImageJobEventConfiguration : IEntityTypeConfiguration<ImageJobEvent>
{
    public void Configure(EntityTypeBuilder<ImageJobEvent> e)
    {
        e.ToTable("image_job_events")
            .HasMaxLength(ImageKeys.Length, v => v.ImageKey)
            .HasMaxLength(16, v => v.Name)
            .HasMaxLength(32, v => v.MimeType)
            .HasIndex(v => new { v.JobId, v.Id });
        e.HasIndex(v => v.ImageKey);
    }
}

/// <summary>The <c>image_usage</c> table: what each image cost, per user and day.</summary>
public sealed class ImageUsageRecordConfiguration : IEntityTypeConfiguration<ImageUsageRecord>
{
    public void Configure(EntityTypeBuilder<ImageUsageRecord> e)
    {
        e.ToTable("image_usage")
            .HasMaxLength(32, u => u.Provider)
            .HasMaxLength(64, u => u.Model)
            .HasMaxLength(8, u => u.Resolution)
            .HasOne<User>().WithMany().HasForeignKey(u => u.UserId).OnDelete(DeleteBehavior.Cascade);
        e.Property(u => u.EstimatedCostUsd).HasPrecision(18, 6);
        e.HasIndex(u => new { u.UserId, u.CreatedAt });
        e.HasIndex(u => u.CreatedAt);
    }
}
