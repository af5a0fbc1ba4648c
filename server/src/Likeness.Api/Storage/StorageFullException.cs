using Microsoft.Data.Sqlite;
using Npgsql;

namespace Likeness.Api.Storage;

/// <summary>The disk (or the database's disk) is full: the request changed nothing and can be tried again later (507).</summary>
public sealed class StorageFullException(Exception innerException)
    : Exception("The server is out of storage space.", innerException)
{
    public const string Detail = "The server is out of storage space. Nothing was changed.";

    private const int NoSpaceLeftOnDevice = 28; // ENOSPC
    private const int SqliteFull = 13; // SQLITE_FULL
    private const string PostgresDiskFull = "53100";

    public static bool IsDiskFull(IOException exception) => (exception.HResult & 0xFFFF) == NoSpaceLeftOnDevice;

    /// <summary>Whether the exception (or one inside it) says the file system or the database is out of space.</summary>
    public static bool Caused(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StorageFullException:
                case IOException io when IsDiskFull(io):
                case SqliteException { SqliteErrorCode: SqliteFull }:
                case PostgresException { SqlState: PostgresDiskFull }:
                    return true;
            }
        }
        return false;
    }
}
