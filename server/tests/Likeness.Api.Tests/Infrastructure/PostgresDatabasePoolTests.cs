using Npgsql;

namespace Likeness.Api.Tests.Infrastructure;

/// <summary>A database given back to the <see cref="PostgresDatabasePool"/> is what the next factory's app needs.</summary>
public class PostgresDatabasePoolTests
{
    [Fact]
    public async Task A_reset_database_keeps_only_its_migrations_history_and_the_next_start_seeds_it_as_a_new_one()
    {
        if (!LikenessApiFactory.IsPostgres)
            return; // on SQLite every factory has a new file
        var database = PostgresDatabasePool.Lease();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Default"] = database.ConnectionString };
        try
        {
            await using (var first = LikenessApiFactory.With(settings))
                await first.StartSessionAsync(); // users, an identity, a session, a job and its events
            var migrations = await ScalarAsync(database, "SELECT count(*) FROM \"__EFMigrationsHistory\"");
            Assert.True(migrations > 0);

            await PostgresDatabasePool.ResetAsync(database);

            Assert.Equal(migrations, await ScalarAsync(database, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
            foreach (var table in await TablesAsync(database))
                Assert.True(await ScalarAsync(database, $"SELECT count(*) FROM \"{table}\"") == 0, $"{table} still has rows");
            // Identity columns (job events' ids) start again from 1: no sequence has handed out a value.
            Assert.Equal(0, await ScalarAsync(database, "SELECT count(*) FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL"));

            await using var next = LikenessApiFactory.With(settings);
            using var admin = await next.CreateSignedInClientAsync(LikenessApiFactory.AdminEmail, LikenessApiFactory.AdminPassword);
            var users = await admin.GetAsAsync<List<ManagedUserResponse>>("/api/v1/admin/users/");
            Assert.Equal([LikenessApiFactory.AdminEmail], users.Select(u => u.Email));
        }
        finally
        {
            await PostgresDatabasePool.ReturnAsync(database);
        }
    }

    // A reset ends every session on the database: a pooled connection of this test would be one of them.
    private static NpgsqlConnection Unpooled(PooledDatabase database) =>
        new(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);

    private static async Task<List<string>> TablesAsync(PooledDatabase database)
    {
        await using var connection = Unpooled(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '__EFMigrationsHistory'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
            tables.Add(reader.GetString(0));
        Assert.NotEmpty(tables);
        return tables;
    }

    private static async Task<long> ScalarAsync(PooledDatabase database, string sql)
    {
        await using var connection = Unpooled(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
