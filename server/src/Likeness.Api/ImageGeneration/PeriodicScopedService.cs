namespace Likeness.Api.ImageGeneration;

/// <summary>Runs a piece of scoped work at start-up and then every <see cref="Interval"/>; a failed round is logged and retried next round.</summary>
public abstract class PeriodicScopedService(IServiceScopeFactory scopes, TimeProvider time, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>What the work is, for the log ("Cleaning up expired image sessions").</summary>
    protected abstract string Work { get; }

    protected abstract Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await RunOnceAsync(scope.ServiceProvider, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "{Work} failed; trying again next round", Work);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
