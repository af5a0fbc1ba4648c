using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Data;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LikenessDbContext"/> on SQLite (default: a file in the data directory) or on
    /// PostgreSQL (<c>Database:Provider=Postgres</c> and <c>ConnectionStrings:Default</c>).
    /// </summary>
    public static IServiceCollection AddLikenessDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName);
        var options = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new();
        var connectionString = configuration.GetConnectionString("Default");

        if (options.IsPostgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException(
                    "Database:Provider is Postgres but ConnectionStrings:Default is not set " +
                    "(e.g. ConnectionStrings__Default=\"Host=localhost;Database=likeness;Username=likeness;Password=...\").");
            services.AddDbContext<PostgresLikenessDbContext>(o => o.UseNpgsql(connectionString));
            services.AddScoped<LikenessDbContext>(sp => sp.GetRequiredService<PostgresLikenessDbContext>());
        }
        else if (options.IsSqlite)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                var likeness = configuration.GetSection(LikenessOptions.SectionName).Get<LikenessOptions>() ?? new();
                Directory.CreateDirectory(likeness.FullDataDirectory);
                connectionString = $"Data Source={Path.Combine(likeness.FullDataDirectory, "likeness.db")}";
            }
            services.AddDbContext<SqliteLikenessDbContext>(o => o.UseSqlite(connectionString));
            services.AddScoped<LikenessDbContext>(sp => sp.GetRequiredService<SqliteLikenessDbContext>());
        }
        else
        {
            throw new InvalidOperationException(
                $"Database:Provider must be {DatabaseProviders.Sqlite} or {DatabaseProviders.Postgres}, not '{options.Provider}'.");
        }
        return services;
    }
}
