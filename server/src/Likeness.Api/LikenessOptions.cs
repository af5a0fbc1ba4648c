namespace Likeness.Api;

/// <summary>The <c>Likeness</c> configuration section.</summary>
public sealed class LikenessOptions
{
    public const string Section = "Likeness";

    /// <summary>Where the SQLite file and the image store live. Relative paths are taken from the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>How long an unused image session lives; every generate, edit, undo, redo or select extends it.</summary>
    public TimeSpan SessionIdleTime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the background cleaner deletes expired sessions and unreferenced images.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest one edit may hold its session before another may take over (a crashed process).</summary>
    public TimeSpan EditLeaseTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Apply EF Core migrations and create the bootstrap admin when the server starts.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);
}
