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
        // Each feature maps its own tables, beside its code (IdentityConfiguration, ImageVersionConfiguration, ...).
        builder.ApplyConfigurationsFromAssembly(typeof(LikenessDbContext).Assembly);
    }
}

public sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

public sealed class SqliteLikenessDbContext(DbContextOptions<SqliteLikenessDbContext> options)
    : LikenessDbContext(options);

public sealed class PostgresLikenessDbContext(DbContextOptions<PostgresLikenessDbContext> options)
    : LikenessDbContext(options);
