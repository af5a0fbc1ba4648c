using Likeness.Api.Identities;
using Likeness.Api.ImageGeneration;
using Likeness.Api.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Data;

/// <summary>
/// The product's database. Provider-specific subclasses (<see cref="SqliteLikenessDbContext"/>,
/// <see cref="PostgresLikenessDbContext"/>) exist only so each keeps its own migrations.
/// </summary>
public abstract class LikenessDbContext(DbContextOptions options)
    : IdentityDbContext<User, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<Identity> Identities => Set<Identity>();
    public DbSet<ReferenceImage> ReferenceImages => Set<ReferenceImage>();
    public DbSet<ImageGenerationSession> ImageGenerationSessions => Set<ImageGenerationSession>();
    public DbSet<ImageVersion> ImageVersions => Set<ImageVersion>();
    public DbSet<ImageJob> ImageJobs => Set<ImageJob>();
    public DbSet<ImageJobEvent> ImageJobEvents => Set<ImageJobEvent>();
    public DbSet<Storage.ImageStoreClaim> ImageStoreClaims => Set<Storage.ImageStoreClaim>();
    public DbSet<ImageUsageRecord> ImageUsage => Set<ImageUsageRecord>();
    public DbSet<Providers.Gemini.GeminiUploadedFile> GeminiFiles => Set<Providers.Gemini.GeminiUploadedFile>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        // Every time is UTC; SQLite forgets the kind, so say it on the way back.
        configuration.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configuration.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Identity>(e =>
        {
            e.ToTable("identities");
            e.Property(i => i.Name).HasMaxLength(200);
            e.Property(i => i.Description).HasMaxLength(4000);
            e.HasMany(i => i.ReferenceImages).WithOne().HasForeignKey(r => r.IdentityId)
                .OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ReferenceImage>(e =>
        {
            e.ToTable("reference_images");
            e.Property(r => r.StorageKey).HasMaxLength(64);
            e.Property(r => r.MimeType).HasMaxLength(32);
            e.Property(r => r.Sha256).HasMaxLength(64);
            e.Property(r => r.FileName).HasMaxLength(255);
            e.HasIndex(r => new { r.IdentityId, r.Order });
            e.Property(r => r.ThumbnailKey).HasMaxLength(64);
            e.HasIndex(r => r.StorageKey);
            e.HasIndex(r => r.ThumbnailKey);
        });

        builder.Entity<ImageGenerationSession>(e =>
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
        });

        builder.Entity<ImageVersion>(e =>
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
        });

        builder.Entity<ImageJob>(e =>
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
        });

        builder.Entity<ImageUsageRecord>(e =>
        {
            e.ToTable("image_usage");
            e.HasOne<User>().WithMany().HasForeignKey(u => u.UserId).OnDelete(DeleteBehavior.Cascade);
            e.Property(u => u.Provider).HasMaxLength(32);
            e.Property(u => u.Model).HasMaxLength(64);
            e.Property(u => u.Resolution).HasMaxLength(8);
            e.Property(u => u.EstimatedCostUsd).HasPrecision(18, 6);
            e.HasIndex(u => new { u.UserId, u.CreatedAt });
            e.HasIndex(u => u.CreatedAt);
        });

        builder.Entity<Providers.Gemini.GeminiUploadedFile>(e =>
        {
            e.ToTable("gemini_files");
            e.HasKey(f => f.StorageKey);
            e.Property(f => f.StorageKey).HasMaxLength(64);
            e.Property(f => f.Name).HasMaxLength(128);
            e.Property(f => f.Uri).HasMaxLength(512);
            e.Property(f => f.MimeType).HasMaxLength(32);
        });

        builder.Entity<Storage.ImageStoreClaim>(e =>
        {
            e.ToTable("image_store_claims");
            e.HasKey(c => c.Key);
            e.Property(c => c.Key).HasMaxLength(64);
        });

        builder.Entity<ImageJobEvent>(e =>
        {
            e.ToTable("image_job_events");
            e.Property(v => v.Name).HasMaxLength(16);
            e.Property(v => v.ImageKey).HasMaxLength(64);
            e.Property(v => v.MimeType).HasMaxLength(32);
            e.HasIndex(v => new { v.JobId, v.Id });
            e.HasIndex(v => v.ImageKey);
        });
    }
}

public sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

public sealed class SqliteLikenessDbContext(DbContextOptions<SqliteLikenessDbContext> options)
    : LikenessDbContext(options);

public sealed class PostgresLikenessDbContext(DbContextOptions<PostgresLikenessDbContext> options)
    : LikenessDbContext(options);
