namespace Likeness.Api;

/// <summary>The <c>Likeness</c> configuration section.</summary>
public sealed class LikenessOptions
{
    public const string SectionName = "Likeness";

    /// <summary>Where the SQLite file and the image store live. Relative paths are taken from the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>How long an unused image session lives; every generate, edit, undo, redo or select extends it.</summary>
    public TimeSpan SessionIdleTime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the background cleaner deletes expired sessions and unreferenced images.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A job's runner lease: the process running a job renews it (every third of it); when it runs out the
    /// process is taken for dead, the job fails and its session is free again.
    /// </summary>
    public TimeSpan JobLeaseTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often jobs whose runner died are looked for (also once at start-up).</summary>
    public TimeSpan JobSweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an event stream looks in the database for events written by another process.</summary>
    public TimeSpan JobEventPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The most generate and edit jobs queued or running at once, over all users and server processes: more
    /// would only wait for the engine, so a new one is refused with 429 and <c>Retry-After</c>.
    /// </summary>
    public int MaxActiveJobs { get; set; } = 32;

    /// <summary>Finished jobs (and their previews) are deleted after this.</summary>
    public TimeSpan JobRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Per-user daily budget in USD of estimated image cost (UTC days); null (the default) is no budget. Over it,
    /// generate and edit answer 429 "Your daily image budget is used up." before calling the model.
    /// </summary>
    public decimal? DailyBudgetUsd { get; set; }

    /// <summary>How far a region edit fades out beyond its mask, in pixels at a 1024-pixel image (scaled with the image).</summary>
    public int MaskFeatherPixels { get; set; } = 4;

    /// <summary>Apply EF Core migrations and create the bootstrap admin when the server starts.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);
}
