using Likeness.Api.Identities;
using Likeness.Api.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Likeness.Api.ImageGeneration;

// The image sessions' tables (sessions, versions, jobs, their events, usage); LikenessDbContext applies every
// configuration in the assembly.

public sealed class ImageGenerationSessionConfiguration : IEntityTypeConfiguration<ImageGenerationSession>
{
    public void Configure(EntityTypeBuilder<ImageGenerationSession> e)
    {
        e.ToTable("image_generation_sessions");
        // One active session per user; the library's sessions (archived) are any number.
        e.HasIndex(s => s.UserId).IsUnique().HasFilter("\"ArchivedAt\" IS NULL");
        e.HasIndex(s => new { s.UserId, s.ArchivedAt });
        e.HasOne<User>().WithMany().HasForeignKey(s => s.UserId)
            .OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Identity>().WithMany().HasForeignKey(s => s.IdentityId)
            .OnDelete(DeleteBehavior.SetNull);
        e.Property(s => s.ReferenceImagesHash).HasMaxLength(64);
        e.Property(s => s.AspectRatio).HasMaxLength(8);
        e.Property(s => s.Resolution).HasMaxLength(8);
        e.Property(s => s.LeaseToken);
        e.Property(s => s.Model).HasMaxLength(64);
        e.Property(s => s.EditMode).HasMaxLength(16);
        e.HasMany(s => s.Versions).WithOne().HasForeignKey(v => v.SessionId)
            .OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(s => s.ExpiresAt);
    }
}

public sealed class ImageVersionConfiguration : IEntityTypeConfiguration<ImageVersion>
{
    public void Configure(EntityTypeBuilder<ImageVersion> e)
    {
        e.ToTable("image_versions");
        e.Property(v => v.Kind).HasConversion<string>().HasMaxLength(16);
        e.Property(v => v.Provider).HasMaxLength(32);
        e.Property(v => v.AspectRatio).HasMaxLength(8);
        e.Property(v => v.Resolution).HasMaxLength(8);
        e.Property(v => v.ImageKey).HasMaxLength(64);
        e.Property(v => v.ThumbnailKey).HasMaxLength(64);
        e.Property(v => v.MaskKey).HasMaxLength(64);
        e.HasIndex(v => v.MaskKey);
        e.Property(v => v.MimeType).HasMaxLength(32);
        e.Property(v => v.Model).HasMaxLength(64);
        e.Property(v => v.EstimatedCostUsd).HasPrecision(18, 6);
        e.HasIndex(v => new { v.SessionId, v.CreatedAt });
        e.HasIndex(v => v.ImageKey);
        e.HasIndex(v => v.ThumbnailKey);
    }
}

public sealed class ImageJobConfiguration : IEntityTypeConfiguration<ImageJob>
{
    public void Configure(EntityTypeBuilder<ImageJob> e)
    {
        e.ToTable("image_jobs");
        e.HasOne<User>().WithMany().HasForeignKey(j => j.UserId).OnDelete(DeleteBehavior.Cascade);
        e.Property(j => j.Kind).HasConversion<string>().HasMaxLength(16);
        e.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(j => j.Stage).HasConversion<string>().HasMaxLength(16);
        e.Property(j => j.ErrorDetail).HasMaxLength(2000);
        // One queued or running job per user, whichever process tries to start a second one.
        e.HasIndex(j => j.ActiveUserId).IsUnique();
        e.HasIndex(j => new { j.UserId, j.CreatedAt });
        e.HasIndex(j => new { j.Status, j.LeaseUntil });
        e.HasMany<ImageJobEvent>().WithOne().HasForeignKey(v => v.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ImageJobEventConfiguration : IEntityTypeConfiguration<ImageJobEvent>
{
    public void Configure(EntityTypeBuilder<ImageJobEvent> e)
    {
        e.ToTable("image_job_events");
        e.Property(v => v.Name).HasMaxLength(16);
        e.Property(v => v.ImageKey).HasMaxLength(64);
        e.Property(v => v.MimeType).HasMaxLength(32);
        e.HasIndex(v => new { v.JobId, v.Id });
        e.HasIndex(v => v.ImageKey);
    }
}

public sealed class ImageUsageRecordConfiguration : IEntityTypeConfiguration<ImageUsageRecord>
{
    public void Configure(EntityTypeBuilder<ImageUsageRecord> e)
    {
        e.ToTable("image_usage");
        e.HasOne<User>().WithMany().HasForeignKey(u => u.UserId).OnDelete(DeleteBehavior.Cascade);
        e.Property(u => u.Provider).HasMaxLength(32);
        e.Property(u => u.Model).HasMaxLength(64);
        e.Property(u => u.Resolution).HasMaxLength(8);
        e.Property(u => u.EstimatedCostUsd).HasPrecision(18, 6);
        e.HasIndex(u => new { u.UserId, u.CreatedAt });
        e.HasIndex(u => u.CreatedAt);
    }
}
