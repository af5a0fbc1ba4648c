using Likeness.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>
/// The background loop behind the expired-session cleaner and the job sweep (<see cref="PeriodicScopedService"/>),
/// on a fake clock; and the app's own cleaner, registered and running on its interval.
/// </summary>
public sealed class CleanerLoopTests
{
    private sealed class CountingService(IServiceScopeFactory scopes, TimeProvider time, ILogger logger)
        : PeriodicScopedService(scopes, time, logger)
    {
        private int _runs;
        public int Runs => Volatile.Read(ref _runs);
        public Func<int, Exception?> FailOn { get; init; } = _ => null;
        public readonly List<IServiceProvider> Scopes = [];

        protected override TimeSpan Interval => TimeSpan.FromMinutes(10);
        protected override string Work => "Counting rounds";

        protected override Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken)
        {
            var run = Interlocked.Increment(ref _runs);
            lock (Scopes)
                Scopes.Add(services);
            return FailOn(run) is { } failure ? Task.FromException(failure) : Task.CompletedTask;
        }
    }

    [Fact]
    public async Task The_loop_runs_at_start_then_once_per_interval_in_a_new_scope_and_a_failed_round_does_not_stop_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturedLogs();
        await using var services = new ServiceCollection().BuildServiceProvider();
        var service = new CountingService(services.GetRequiredService<IServiceScopeFactory>(), clock, logs.CreateLogger("loop"))
        {
            FailOn = run => run == 2 ? new InvalidOperationException("round two broke") : null,
        };

        await service.StartAsync(CancellationToken.None);
        await Wait.UntilAsync(() => service.Runs == 1, "the first round at start");

        clock.Advance(TimeSpan.FromMinutes(9));
        await Task.Yield();
        Assert.Equal(1, service.Runs);
        clock.Advance(TimeSpan.FromMinutes(1));
        await Wait.UntilAsync(() => service.Runs == 2, "the second round after one interval");
        await Wait.UntilAsync(() => logs.Entries.Any(e => e.Level == LogLevel.Error), "the failed round to be logged");
        var error = Assert.Single(logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal("Counting rounds failed; trying again next round", error.Message);
        Assert.Equal("round two broke", error.Exception?.Message);

        clock.Advance(TimeSpan.FromMinutes(10));
        await Wait.UntilAsync(() => service.Runs == 3, "the round after the failed one");
        Assert.Equal(3, service.Scopes.Distinct().Count()); // each round has its own scope

        await service.StopAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(1));
        await Task.Delay(50);
        Assert.Equal(3, service.Runs);
    }

    [Fact]
    public async Task The_apps_cleaner_runs_on_its_interval_and_deletes_expired_sessions_and_their_images()
    {
        await using var factory = LikenessApiFactory.With(new Dictionary<string, string?> { ["Likeness:CleanupInterval"] = "00:00:01" });
        var (client, _, _) = await factory.StartSessionAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/identities/edit-image/", new { edit_prompt = "invert" })).StatusCode);
        Assert.Equal(1, await CountAsync(factory, db => db.ImageGenerationSessions.CountAsync()));

        factory.Clock.Advance(TimeSpan.FromDays(8)); // past the 7-day idle time; nobody calls the cleaner: its loop does

        await Wait.UntilAsync(async () => await CountAsync(factory, db => db.ImageGenerationSessions.CountAsync()) == 0,
            "the cleaner's loop to delete the expired session");
        Assert.Equal(0, await CountAsync(factory, db => db.ImageVersions.CountAsync()));
        // Only the identity's reference images are left in the store.
        var references = await CountAsync(factory, db => db.ReferenceImages.CountAsync());
        await Wait.UntilAsync(() => Directory.EnumerateFiles(factory.ImagesDirectory, "*", SearchOption.AllDirectories).Count() == references,
            "the cleaner to delete the session's images");
        // The round logs what it did after its orphan sweep, a moment after the rows and files are gone.
        await Wait.UntilAsync(() => factory.Logs.All.Contains("Deleted 1 expired image sessions"), "the cleaner's round to log what it deleted");
    }

    private static async Task<int> CountAsync(LikenessApiFactory factory, Func<LikenessDbContext, Task<int>> count)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await count(scope.ServiceProvider.GetRequiredService<LikenessDbContext>());
    }
}
