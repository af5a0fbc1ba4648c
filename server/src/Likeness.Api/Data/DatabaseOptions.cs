namespace Likeness.Api.Data;

/// <summary>The <c>Database</c> configuration section: which database the app keeps its rows in.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>
    /// <c>Sqlite</c> (default: a file in <c>Likeness:DataDirectory</c> unless <c>ConnectionStrings:Default</c> says
    /// otherwise) or <c>Postgres</c> (also spelt <c>PostgreSQL</c>; <c>ConnectionStrings:Default</c> required).
    /// </summary>
    public string Provider { get; set; } = DatabaseProviders.Sqlite;

    public bool IsSqlite => Provider.Equals(DatabaseProviders.Sqlite, StringComparison.OrdinalIgnoreCase);

    public bool IsPostgres => Provider.Equals(DatabaseProviders.Postgres, StringComparison.OrdinalIgnoreCase)
                              || Provider.Equals(DatabaseProviders.PostgreSql, StringComparison.OrdinalIgnoreCase);
}

public static class DatabaseProviders
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";
    public const string PostgreSql = "PostgreSQL";
}
