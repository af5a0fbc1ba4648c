using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Likeness.Api.Data;

// Used only by `dotnet ef migrations add`: each provider keeps its own migrations.

public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteLikenessDbContext>
{
    public SqliteLikenessDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteLikenessDbContext>().UseSqlite("Data Source=design.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresLikenessDbContext>
{
    public PostgresLikenessDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresLikenessDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
