using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Likeness.Api.Data;
using Likeness.Api.Problems;
using Likeness.Api.Providers;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Api.ImageGeneration;

/// <summary>
/// Runs image jobs in this process, each in its own scope and independent of the request that started it.
/// While a job runs it renews its runner lease, watches for a cancel request from any process, and writes
/// its progress as events. On a graceful shutdown, running jobs fail with "The server stopped…".
/// </summary>
public sealed class ImageJobRunner(
    IServiceScopeFactory scopes,
    ImageJobSignal signal,
    TimeProvider time,
    IOptions<LikenessOptions> options,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<ImageJobRunner> logger) : IHostedService
{
    private static readonly TimeSpan CancelCheckInterval = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<Guid, RunningJob> _running = new();
    private volatile bool _stopping;

    /// <summary>Why a job stopped before its work finished.</summary>
    private enum StopReason { Cancelled, LeaseLost, Shutdown }

    private sealed class RunningJob(ImageJob job)
    {
        public ImageJob Job { get; } = job;
        public Guid Token { get; } = job.LeaseToken!.Value;
        public CancellationTokenSource Work { get; } = new();
        public TaskCompletionSource<StopReason> Stop { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<SessionView?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public SessionView? Result { get; set; }
    }

    /// <summary>
    /// Starts a job that <see cref="ImageJobs"/> just stored as queued. The task completes when the job has ended,
    /// with what a succeeded job made; hold it to wait, since a quick job may end before a later lookup by id.
    /// </summary>
    public Task<SessionView?> Start(ImageJob job)
    {
        var running = new RunningJob(job);
        _running[job.Id] = running;
        if (_stopping)
            running.Stop.TrySetResult(StopReason.Shutdown);
        _ = Task.Run(() => Execute(running));
        return running.Done.Task;
    }

    /// <summary>
    /// Completes when the job has ended here (at once when this process does not run it), with what a
    /// succeeded job made: the session as it answered, with the image's bytes.
    /// </summary>
    public Task<SessionView?> WaitAsync(Guid jobId, CancellationToken cancellationToken) =>
        _running.TryGetValue(jobId, out var running) ? running.Done.Task.WaitAsync(cancellationToken) : Task.FromResult<SessionView?>(null);

    /// <summary>Cancels at once when the job runs here; otherwise its runner sees the request in the database.</summary>
    public void Cancel(Guid jobId)
    {
        if (_running.TryGetValue(jobId, out var running))
            running.Stop.TrySetResult(StopReason.Cancelled);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var running = _running.Values.ToList();
        foreach (var job in running)
            job.Stop.TrySetResult(StopReason.Shutdown);
        await Task.WhenAll(running.Select(r => (Task)r.Done.Task)).WaitAsync(TimeSpan.FromSeconds(10), time, cancellationToken)
            .ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task Execute(RunningJob running)
    {
        var job = running.Job;
        ImageJobRun? run = null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LikenessDbContext>();
            var finisher = scope.ServiceProvider.GetRequiredService<ImageJobFinisher>();
            var now = time.GetUtcNow().UtcDateTime;
            var started = await db.ImageJobs
                .Where(j => j.Id == job.Id && j.LeaseToken == running.Token && j.Status == ImageJobStatus.Queued)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, ImageJobStatus.Running)
                    .SetProperty(j => j.StartedAt, now)
                    .SetProperty(j => j.LeaseUntil, now + options.Value.JobLeaseTime));
            if (started == 0)
                return; // ended (cancelled or swept) before it started

            run = new ImageJobRun(job, running.Token, scopes, signal, time, json.Value.SerializerOptions, logger);
            run.Stage(ImageJobStage.Preparing);
            using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(running.Work.Token);
            var beating = Heartbeat(running, heartbeat.Token);
            // The work has a scope (and database context) of its own: ending a stopped job must not share it with
            // work that is still winding down.
            var workScope = scopes.CreateAsyncScope();
            var work = Work(workScope.ServiceProvider, job, run, running.Work.Token);

            // A job that saved its version has ended, even if a stop (a cancel that came too late) was asked meanwhile.
            if (await Task.WhenAny(work, running.Stop.Task) == work || work.IsCompletedSuccessfully)
            {
                await heartbeat.CancelAsync();
                await using var endedWork = workScope; // the work is over: its scope goes when this branch ends
                try
                {
                    running.Result = await work; // succeeded: the version and the job's end were saved together
                }
                catch (ImageJobAbandonedException)
                {
                    await EndStopped(running, run, finisher, running.Stop.Task.IsCompleted ? running.Stop.Task.Result : StopReason.Cancelled);
                }
                catch (Exception e)
                {
                    var (status, detail) = ImageJobErrors.For(e, logger);
                    await run.StopAsync();
                    await finisher.FinishAsync(job.Id, running.Token, ImageJobStatus.Failed, status, detail,
                        retryAfterSeconds: ExceptionProblems.RetryAfterSeconds(e));
                }
            }
            else
            {
                // Cancelled, shut down or taken over: stop waiting for the engine; whatever it still makes is not saved.
                await running.Work.CancelAsync();
                await EndStopped(running, run, finisher, running.Stop.Task.Result);
                _ = work.ContinueWith(async t =>
                {
                    _ = t.Exception;
                    await workScope.DisposeAsync();
                }, TaskScheduler.Default);
            }
            await beating.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Image job {JobId} could not be run", job.Id);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ImageJobFinisher>().FinishAsync(job.Id, running.Token,
                    ImageJobStatus.Failed, StatusCodes.Status500InternalServerError, Problems.ProblemExceptionHandler.ImageGenerationFailed);
            }
            catch (Exception inner)
            {
                logger.LogError(inner, "Image job {JobId} could not be marked failed; the sweep will", job.Id);
            }
        }
        finally
        {
            if (run is not null)
                await run.StopAsync();
            await running.Work.CancelAsync();
            _running.TryRemove(job.Id, out _);
            running.Done.TrySetResult(running.Result);
            signal.Notify(job.Id);
        }
    }

    private async Task EndStopped(RunningJob running, ImageJobRun run, ImageJobFinisher finisher, StopReason reason)
    {
        await run.StopAsync();
        switch (reason)
        {
            case StopReason.Cancelled:
                await finisher.FinishAsync(running.Job.Id, running.Token, ImageJobStatus.Cancelled, null, null);
                logger.LogInformation("Image job {JobId} was cancelled", running.Job.Id);
                break;
            case StopReason.Shutdown:
                await finisher.FinishAsync(running.Job.Id, running.Token, ImageJobStatus.Failed,
                    StatusCodes.Status500InternalServerError, ImageJobs.ServerStopped);
                logger.LogWarning("Image job {JobId} failed: the server is shutting down", running.Job.Id);
                break;
            case StopReason.LeaseLost:
                logger.LogWarning("Image job {JobId} lost its lease (taken for dead); it was ended elsewhere", running.Job.Id);
                break;
        }
    }

    private static Task<SessionView> Work(IServiceProvider services, ImageJob job, ImageJobRun run, CancellationToken cancellationToken)
    {
        var orchestrator = services.GetRequiredService<ImageGenerationOrchestrator>();
        var request = JsonSerializer.Deserialize<ImageJobRequest>(job.Request)!;
        return job.Kind == ImageJobKind.Generate
            ? orchestrator.StartImageSession(job.UserId, request.IdentityId!.Value, request.AdditionalPrompt,
                request.AspectRatio!, request.Resolution!, run, cancellationToken, request.Model, request.EditMode, request.Variants)
            : orchestrator.EditImageSession(job.UserId, request.EditPrompt, request.IdentityId, run, cancellationToken, request.MaskPngBase64,
                request.Variants);
    }

    /// <summary>Every second: has anyone asked to cancel? Every third of the lease: renew it (and the session's).</summary>
    private async Task Heartbeat(RunningJob running, CancellationToken cancellationToken)
    {
        var renewEvery = options.Value.JobLeaseTime / 3;
        var lastRenewal = time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(renewEvery < CancelCheckInterval ? renewEvery : CancelCheckInterval, cancellationToken);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<LikenessDbContext>();
                var state = await db.ImageJobs.AsNoTracking().Where(j => j.Id == running.Job.Id)
                    .Select(j => new { j.LeaseToken, j.ActiveUserId, j.CancelRequested, j.Status }).FirstOrDefaultAsync(cancellationToken);
                // This runner's own work saved the job as succeeded (and is finishing up): nothing more to watch.
                if (state is { Status: ImageJobStatus.Succeeded } && state.LeaseToken == running.Token)
                    return;
                if (state is null || state.LeaseToken != running.Token || state.ActiveUserId is null)
                {
                    running.Stop.TrySetResult(StopReason.LeaseLost);
                    return;
                }
                if (state.CancelRequested)
                {
                    running.Stop.TrySetResult(StopReason.Cancelled);
                    return;
                }
                if (time.GetElapsedTime(lastRenewal) < renewEvery)
                    continue;
                var until = time.GetUtcNow().UtcDateTime + options.Value.JobLeaseTime;
                var renewed = await db.ImageJobs
                    .Where(j => j.Id == running.Job.Id && j.LeaseToken == running.Token && j.ActiveUserId != null)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, until), cancellationToken);
                await ImageSessionLease.RenewAsync(db, running.Token, until, cancellationToken);
                if (renewed == 0)
                {
                    running.Stop.TrySetResult(StopReason.LeaseLost);
                    return;
                }
                lastRenewal = time.GetTimestamp();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Renewing the lease of image job {JobId} failed; trying again", running.Job.Id);
            }
        }
    }
}

/// <summary>
/// One job's run as the orchestrator and the provider see it: progress reports become events, written
/// in order by one writer with its own database context, and the job's success is saved with its version.
/// </summary>
internal sealed class ImageJobRun : IImageJobRun, IImageProgress
{
    private sealed record PendingEvent(string Name, string Data, ImageJobStage? Stage, string? ImageKey, string? MimeType);

    private readonly ImageJob _job;
    private readonly IServiceScopeFactory _scopes;
    private readonly ImageJobSignal _signal;
    private readonly TimeProvider _time;
    private readonly JsonSerializerOptions _json;
    private readonly ILogger _logger;
    private readonly Channel<PendingEvent> _events = Channel.CreateUnbounded<PendingEvent>(new() { SingleReader = true });
    private readonly Task _writer;
    // Previews are claimed until their events are written (see ImageStoreClaims).
    private readonly AsyncServiceScope _claimsScope;
    private readonly ImageStoreClaims _claims;
    private int _stopped;
    private ImageJobStage? _stage;

    public ImageJobRun(ImageJob job, Guid leaseToken, IServiceScopeFactory scopes, ImageJobSignal signal, TimeProvider time,
        JsonSerializerOptions json, ILogger logger)
    {
        _job = job;
        LeaseToken = leaseToken;
        _scopes = scopes;
        _signal = signal;
        _time = time;
        _json = json;
        _logger = logger;
        _claimsScope = scopes.CreateAsyncScope();
        _claims = _claimsScope.ServiceProvider.GetRequiredService<ImageStoreClaims>();
        _writer = Task.Run(WriteEvents);
    }

    public Guid LeaseToken { get; }

    public Guid? JobId => _job.Id;

    public IImageProgress Progress => this;

    public void Stage(ImageJobStage stage)
    {
        // Stages only move forward; the orchestrator and the provider may both report one (e.g. Sending).
        lock (_events)
        {
            if (_stage is { } current && stage <= current)
                return;
            _stage = stage;
        }
        _events.Writer.TryWrite(new(ImageJobEventNames.Stage, JsonSerializer.Serialize(new { stage }, _json), stage, null, null));
    }

    public void Notice(string message)
    {
        if (!string.IsNullOrWhiteSpace(message))
            _events.Writer.TryWrite(new(ImageJobEventNames.Notice, JsonSerializer.Serialize(new { message }, _json), null, null, null));
    }

    public void Thought(string text)
    {
        if (!string.IsNullOrWhiteSpace(text))
            _events.Writer.TryWrite(new(ImageJobEventNames.Thought, JsonSerializer.Serialize(new { text }, _json), null, null, null));
    }

    public async Task Preview(ProviderImage image, CancellationToken cancellationToken)
    {
        try
        {
            if (ImageInspector.SniffMimeType(image.Bytes) is not { } mimeType || ImageInspector.ReadSize(image.Bytes) is not var (width, height))
            {
                _logger.LogWarning("Image job {JobId}: an interim image was not a readable image; not shown", _job.Id);
                return;
            }
            if (Volatile.Read(ref _stopped) == 1)
                return;
            var key = await _claims.PutAsync(image.Bytes, cancellationToken);
            // The URL depends on who reads the stream (the user or an admin): the stream adds it.
            _events.Writer.TryWrite(new(ImageJobEventNames.Preview, JsonSerializer.Serialize(new { width, height }, _json), null, key, mimeType));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Image job {JobId}: an interim image could not be stored", _job.Id);
        }
    }

    public void VariantMade(int index, int variants, Guid versionId, string imageKey, string mimeType, int width, int height) =>
        // The URL depends on who reads the stream: the stream adds image_url (served like a preview until the job saves).
        _events.Writer.TryWrite(new(ImageJobEventNames.Variant, JsonSerializer.Serialize(new
        {
            index, variants, version_id = versionId, width, height, error = (object?)null,
        }, _json), null, imageKey, mimeType));

    public void VariantFailed(int index, int variants, int status, string detail) =>
        _events.Writer.TryWrite(new(ImageJobEventNames.Variant, JsonSerializer.Serialize(new
        {
            index, variants, version_id = (Guid?)null, image_url = (string?)null, width = (int?)null, height = (int?)null,
            error = new { status, detail },
        }, _json), null, null, null));

    public Task BeforeSaveAsync() => StopAsync();

    /// <summary>No more events are taken; the ones reported so far are written.</summary>
    public async Task StopAsync()
    {
        _events.Writer.TryComplete();
        await _writer;
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
            await _claimsScope.DisposeAsync();
    }

    public async Task<bool> SucceedAsync(
        LikenessDbContext db, Guid sessionId, IReadOnlyList<Guid> versionIds, Func<Task<SessionView>> view, CancellationToken cancellationToken)
    {
        var versionId = versionIds[0];
        var now = _time.GetUtcNow().UtcDateTime;
        var ended = await db.ImageJobs
            .Where(j => j.Id == _job.Id && j.LeaseToken == LeaseToken && j.ActiveUserId != null && !j.CancelRequested)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, ImageJobStatus.Succeeded)
                .SetProperty(j => j.SessionId, sessionId)
                .SetProperty(j => j.VersionId, versionId)
                .SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.Stage, (ImageJobStage?)null)
                .SetProperty(j => j.ActiveUserId, (Guid?)null)
                .SetProperty(j => j.LeaseUntil, (DateTime?)null), cancellationToken);
        if (ended == 0)
            return false;
        var session = ImageSessionResponses.From(await view(), SessionOwner.SelfPrefix, includeImage: false);
        db.ImageJobEvents.Add(new ImageJobEvent
        {
            JobId = _job.Id, Name = ImageJobEventNames.Succeeded, CreatedAt = now,
            Data = JsonSerializer.Serialize(new { version_id = versionId, version_ids = versionIds, session }, _json),
        });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private async Task WriteEvents()
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LikenessDbContext>();
        await foreach (var pending in _events.Reader.ReadAllAsync())
        {
            try
            {
                db.ImageJobEvents.Add(new ImageJobEvent
                {
                    JobId = _job.Id, Name = pending.Name, Data = pending.Data, ImageKey = pending.ImageKey,
                    MimeType = pending.MimeType, CreatedAt = _time.GetUtcNow().UtcDateTime,
                });
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
                if (pending.Stage is { } stage)
                    await db.ImageJobs.Where(j => j.Id == _job.Id && j.ActiveUserId != null)
                        .ExecuteUpdateAsync(s => s.SetProperty(j => j.Stage, stage));
                _signal.Notify(_job.Id);
            }
            catch (Exception e)
            {
                db.ChangeTracker.Clear();
                _logger.LogWarning(e, "Image job {JobId}: the {Event} event could not be written", _job.Id, pending.Name);
            }
        }
    }
}

/// <summary>
/// The status and message a job's failure gives: the same the waiting endpoint answers (<see cref="ExceptionProblems"/>,
/// the one mapping), with what the log says about it.
/// </summary>
public static class ImageJobErrors
{
    public static (int Status, string Detail) For(Exception exception, ILogger logger)
    {
        var answer = ExceptionProblems.For(exception);
        switch (exception)
        {
            case ApiProblem problem when problem.Status >= StatusCodes.Status500InternalServerError:
                logger.LogError(exception, "Image job failed with {Status}: {Detail}", problem.Status, problem.Detail);
                break;
            case ApiProblem or ImageRequestDeclinedException:
                break;
            case ImageQuotaExceededException quota:
                logger.LogWarning("Image job failed: the model's quota is used up ({Reason})", quota.Message);
                break;
            case var full when StorageFullException.Caused(full):
                logger.LogError(exception, "Image job failed: out of storage space");
                break;
            case ImageProviderFailedException:
                logger.LogError(exception, "Image provider failed: {Reason}", exception.Message);
                break;
            default:
                logger.LogError(exception, "Image job failed unexpectedly");
                break;
        }
        return answer is null
            ? (StatusCodes.Status500InternalServerError, ProblemExceptionHandler.ImageGenerationFailed)
            : (answer.Status, answer.Detail);
    }
}
