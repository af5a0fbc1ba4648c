using System.Collections.Concurrent;
using Npgsql;
using Respawn;
using Respawn.Graph;

namespace Likeness.Api.Tests.Infrastructure;

/// <summary>
/// The test run's PostgreSQL databases, migrated once and then reused. A factory that owns its data leases one: a
/// free one, or a new name when none is free (the app creates and migrates it at start, as on a new server). When
/// its app is gone the factory gives it back, and <see cref="ResetAsync"/> empties it with Respawn first: every row
/// of every table but the migrations history, identity columns restarted, so the next app's start seeds it exactly
/// as it seeds a new database, without creating and migrating one per factory. A database is leased to one factory
/// at a time. <see cref="LikenessTestFramework"/> drops them after the last test, and a run drops those of earlier
/// runs whose process ended first (vstest kills the test process soon after the run), so a long-lived server
/// (<c>LIKENESS_TEST_POSTGRES</c>) is not left with more than the last run's.
/// </summary>
internal static class PostgresDatabasePool
{
    private const string MigrationsHistoryTable = "__EFMigrationsHistory";

    private static readonly ConcurrentBag<string> Free = [];

    // Every database the pool named, leased or free, to drop at exit.
    private static readonly ConcurrentDictionary<string, byte> Named = new();

    private static readonly RespawnerOptions ResetOptions = new()
    {
        DbAdapter = DbAdapter.Postgres,
        SchemasToInclude = ["public"],
        TablesToIgnore = [new Table("public", MigrationsHistoryTable)],
        // Job events have identity ids (their SSE ids): numbered from 1 again, as in a new database.
        WithReseed = true,
        // DELETE in foreign-key order instead of Respawn's TRUNCATE: the tables hold a few rows, and TRUNCATE makes new
        // files for every table and index (measured 100-145 ms against 145-320 ms a reset on this 2-core machine).
        FormatDeleteStatement = table => $"DELETE FROM {table.GetFullName('"')};",
    };

    /// <summary>The server's connection string (its <c>postgres</c> database), from <c>LIKENESS_TEST_POSTGRES</c>.</summary>
    public static string Server =>
        Environment.GetEnvironmentVariable("LIKENESS_TEST_POSTGRES")
        ?? throw new InvalidOperationException("LIKENESS_TEST_POSTGRES must hold the test server's connection string.");

    // This run's databases are likeness_pool_<run>_<guid>. The run holds the advisory lock (RunLockSpace, run) in a
    // session of the server's postgres database while its process lives: a later run that can take that lock knows
    // the run is over and drops its databases.
    private const int RunLockSpace = 0x4C6B6E73;
    private const string NamePrefix = "likeness_pool_";
    private static readonly Lazy<int> Run = new(StartRun);
    private static NpgsqlConnection? _runSession;

    private static int StartRun()
    {
        var run = Random.Shared.Next(1, int.MaxValue);
        var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Pooling = false }.ConnectionString);
        session.Open();
        AdvisoryLock(session, "pg_advisory_lock", run);
        _runSession = session;
        var names = new List<string>();
        using (var list = new NpgsqlCommand($"SELECT datname FROM pg_database WHERE starts_with(datname, '{NamePrefix}')", session))
        using (var reader = list.ExecuteReader())
            while (reader.Read())
                names.Add(reader.GetString(0));
        foreach (var name in names)
        {
            if (!int.TryParse(name[NamePrefix.Length..].Split('_')[0], out var other) || other == run
                || !AdvisoryLock(session, "pg_try_advisory_lock", other))
                continue; // not a pool name, or its run is still going
            AdvisoryLock(session, "pg_advisory_unlock", other);
            try
            {
                DropAsync(name).GetAwaiter().GetResult();
            }
            catch (PostgresException)
            {
                // another run starting now dropped it first
            }
        }
        return run;
    }

    private static bool AdvisoryLock(NpgsqlConnection session, string function, int run)
    {
        using var command = new NpgsqlCommand($"SELECT {function}($1, $2)", session)
        { Parameters = { new() { Value = RunLockSpace }, new() { Value = run } } };
        return command.ExecuteScalar() is not false;
    }

    /// <summary>A database for one factory's app, not leased to any other until it is given back.</summary>
    public static PooledDatabase Lease()
    {
        if (!Free.TryTake(out var name))
        {
            name = $"{NamePrefix}{Run.Value}_{Guid.NewGuid():N}";
            Named.TryAdd(name, 0);
        }
        // Its own application name gives each lease its own Npgsql pool: no connection of an earlier app on this
        // database can be handed to the next one.
        var connection = new NpgsqlConnectionStringBuilder(Server) { Database = name, ApplicationName = $"likeness-test-{Guid.NewGuid():N}" };
        return new PooledDatabase(name, connection.ConnectionString);
    }

    /// <summary>
    /// Takes back a database whose app has stopped: resets it and makes it free, or drops it when it cannot be
    /// reused (the app never started, so there is no database or no table).
    /// </summary>
    public static async Task ReturnAsync(PooledDatabase database)
    {
        try
        {
            await ResetAsync(database);
        }
        catch (Exception e) when (IsNotMigrated(e))
        {
            await DropAsync(database.Name);
            return;
        }
        catch
        {
            await DropAsync(database.Name);
            throw;
        }
        Free.Add(database.Name);
    }

    /// <summary>
    /// Deletes every row of every table but the migrations history and restarts identity columns, after closing the
    /// lease's pooled connections and ending every other session on the database (e.g. a killed child server's), so
    /// nothing of the last app writes after.
    /// </summary>
    public static async Task ResetAsync(PooledDatabase database)
    {
        using (var pooled = new NpgsqlConnection(database.ConnectionString))
            NpgsqlConnection.ClearPool(pooled); // this lease's idle connections only; other factories keep theirs
        var name = database.Name;
        await using (var server = new NpgsqlConnection(Server))
        {
            await server.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", server)
            { Parameters = { new() { Value = name } } };
            await terminate.ExecuteNonQueryAsync();
        }
        // Unpooled, so that no idle connection of the reset stays on the database.
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(Server) { Database = name, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var respawner = await RespawnerForAsync(connection);
        await respawner.ResetAsync(connection);
    }

    // Respawn reads the tables and their foreign keys from information_schema, a good part of a reset's time; every
    // database migrated to the same point has the same tables, so one Respawner serves them all. A database that the
    // app migrated only partly (it failed at start) has fewer migrations applied and gets its own.
    private static MigratedTables? _migrated;

    private sealed record MigratedTables(long Migrations, Respawner Respawner);

    private static async Task<Respawner> RespawnerForAsync(NpgsqlConnection connection)
    {
        long migrations;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM \"{MigrationsHistoryTable}\"", connection))
            migrations = (long)(await count.ExecuteScalarAsync())!;
        if (_migrated is { } known && known.Migrations == migrations)
            return known.Respawner;
        var respawner = await Respawner.CreateAsync(connection, ResetOptions);
        _migrated = new MigratedTables(migrations, respawner);
        return respawner;
    }

    private static bool IsNotMigrated(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.UndefinedTable }; // never created, or not migrated

    private static async Task DropAsync(string name)
    {
        Named.TryRemove(name, out _);
        await using var server = new NpgsqlConnection(Server);
        await server.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Drops every database the pool named, free or still leased (a factory nobody disposed): the run is over.</summary>
    public static void DropAll()
    {
        while (Free.TryTake(out _)) { }
        // At once: the test process may be killed soon after the last test.
        Task.WhenAll(Named.Keys.Select(async name =>
        {
            try
            {
                await DropAsync(name);
            }
            catch (Exception e)
            {
                // After the last test there is none to fail: say what is left behind (the next run drops it).
                Console.Error.WriteLine($"PostgresDatabasePool: could not drop {name}: {e.Message}");
            }
        })).GetAwaiter().GetResult();
        _runSession?.Dispose();
    }
}

/// <summary>A database leased from <see cref="PostgresDatabasePool"/>, and the connection string of this lease's app.</summary>
internal sealed record PooledDatabase(string Name, string ConnectionString);
