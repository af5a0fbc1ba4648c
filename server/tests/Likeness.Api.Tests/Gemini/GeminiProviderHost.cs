using Likeness.Api.Providers.Gemini;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Likeness.Api.Tests.Gemini;

/// <summary>The provider as the app builds it (AddGeminiImageProvider), pointed at an emulator, logs captured.</summary>
public sealed class GeminiProviderHost : IDisposable
{
    private readonly ServiceProvider _services;

    public CapturedLogs Logs { get; } = new();
    public GeminiImageProvider Provider { get; }

    /// <param name="clock">The app's clock (the provider's timeouts and retry delays run on it); the system's when null.</param>
    public GeminiProviderHost(GeminiEmulator emulator, IDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Gemini:ApiKey"] = emulator.ApiKey,
            ["Gemini:BaseUrl"] = emulator.BaseUrl,
            ["Gemini:Model"] = emulator.Model,
            ["Gemini:TimeoutSeconds"] = "30", // generous: a busy machine must not turn a test into a timeout test
            ["Gemini:MaxAttempts"] = "3",
            ["Gemini:RetryBaseDelaySeconds"] = "0.01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        if (clock is not null)
            services.AddSingleton(clock);
        services.AddGeminiImageProvider(configuration);
        _services = services.BuildServiceProvider();
        Provider = _services.GetRequiredService<GeminiImageProvider>();
    }

    /// <summary>A host whose timeouts and retry delays run on <paramref name="clock"/>: they pass only when the test moves it.</summary>
    public static GeminiProviderHost OnClock(GeminiEmulator emulator, GeminiTestClock clock, params (string Key, string? Value)[] settings) =>
        new(emulator, settings.ToDictionary(s => s.Key, s => s.Value), clock);

    public IImageProvider ResolveImageProvider() => _services.GetRequiredService<IImageProvider>();

    public void Dispose() => _services.Dispose();
}

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows which of its timers are armed and when they fire, so a test can
/// wait until a call is waiting on the clock (a timeout or a retry delay armed) and only then move it: a move
/// made before the timer exists would not fire it.
/// </summary>
public sealed class GeminiTestClock : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly HashSet<TrackedTimer> _armed = [];

    public GeminiTestClock() : base(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero)) { }

    /// <summary>True while a timer is armed to fire exactly <paramref name="delay"/> from now.</summary>
    public bool IsWaiting(TimeSpan delay)
    {
        var at = GetUtcNow() + delay;
        lock (_lock)
            return _armed.Any(t => t.DueAt == at);
    }

    /// <summary>When each armed timer fires, from now, for a failure message.</summary>
    public string Armed()
    {
        var now = GetUtcNow();
        lock (_lock)
            return $"armed timers: [{string.Join(", ", _armed.Select(t => $"{(t.DueAt - now)?.TotalSeconds:0.###} s"))}]";
    }

    /// <summary>Waits (<see cref="Wait"/>) until a timer is armed to fire <paramref name="delay"/> from now, then moves the clock that far.</summary>
    public async Task AdvanceWhenWaiting(TimeSpan delay, string what)
    {
        await Wait.UntilAsync(() => IsWaiting(delay), $"{what} (a timer due in {delay.TotalSeconds:0.##} s)", detail: Armed);
        Advance(delay);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(this, callback, state);
        timer.Arm(dueTime); // before the inner timer exists: a due time of zero fires it at once
        timer.Inner = base.CreateTimer(static s => ((TrackedTimer)s!).Fire(), timer, dueTime, period);
        return timer;
    }

    private sealed class TrackedTimer(GeminiTestClock clock, TimerCallback callback, object? state) : ITimer
    {
        public ITimer Inner { get; set; } = null!;
        public DateTimeOffset? DueAt { get; private set; }
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public void Arm(TimeSpan dueTime, TimeSpan? period = null)
        {
            // The fake clock's own lock may be held while it fires timers (which arm them again): read the time
            // before taking this lock, and call nothing of the clock's under it, or the two locks could deadlock.
            var now = clock.GetUtcNow();
            lock (clock._lock)
            {
                _period = period ?? _period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : now + dueTime;
                if (DueAt is null)
                    clock._armed.Remove(this);
                else
                    clock._armed.Add(this);
            }
        }

        public void Fire()
        {
            // A one-shot timer is disarmed once it fires; a periodic one is due again a period later.
            Arm(_period);
            // On the thread pool, as a real timer's callback runs: not inline in Advance, where the work it resumes
            // (a retry's next attempt, say) would run on the test's thread under the fake clock's lock.
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime, period);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            Arm(Timeout.InfiniteTimeSpan);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
