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
        var provider = configuration["Database:Provider"] ?? "Sqlite";
        var connectionString = configuration.GetConnectionString("Default");

        if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase)
            || provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException(
                    "Database:Provider is Postgres but ConnectionStrings:Default is not set " +
                    "(e.g. ConnectionStrings__Default=\"Host=localhost;Database=likeness;Username=likeness;Password=...\").");
            services.AddDbContext<PostgresLikenessDbContext>(o => o.UseNpgsql(connectionString));
            services.AddScoped<LikenessDbContext>(sp => sp.GetRequiredService<PostgresLikenessDbContext>());
        }
        else if (provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                var dataDirectory = Path.GetFullPath(configuration[$"{LikenessOptions.Section}:DataDirectory"] ?? "data");
                Directory.CreateDirectory(dataDirectory);
                connectionString = $"Data Source={Path.Combine(dataDirectory, "likeness.db")}";
            }
            services.AddDbContext<SqliteLikenessDbContext>(o => o.UseSqlite(connectionString));
            services.AddScoped<LikenessDbContext>(sp => sp.GetRequiredService<SqliteLikenessDbContext>());
        }
        else
        {
            throw new InvalidOperationException(
                $"Database:Provider must be Sqlite or Postgres, not '{provider}'.");
        }
        return services;
    }
}
