using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>Generate and edit as jobs: 202 with Prefer: respond-async, live events, cancel, one at a time, crashes.</summary>
public sealed class ImageJobTests
{
    private const string ServerStopped = "The server stopped while this image was being made. Nothing was changed.";

    private static LikenessApiFactory WithScriptedProvider(out ScriptedImageProvider provider, IDictionary<string, string?>? settings = null) =>
        LikenessApiFactory.WithScriptedProvider(out provider, settings);

    private static Task<(HttpClient Client, Guid IdentityId, ImageSessionResponse Generated)> StartAsync(LikenessApiFactory factory) =>
        factory.StartSessionAsync(aspectRatio: "1:1");

    private static Task WaitForCalls(ScriptedImageProvider provider, int calls) => provider.WaitForCallsAsync(calls);

    [Fact]
    public async Task Prefer_respond_async_answers_202_with_the_job_and_its_events_end_with_the_version()
    {
        await using var factory = new LikenessApiFactory();
        var (client, identityId, generated) = await StartAsync(factory);

        var response = await client.PostAsJobAsync(Edit, new { edit_prompt = "rotate 90" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("respond-async", response.Headers.GetValues("Preference-Applied").Single());
        var job = await response.ReadAsAsync<ImageJobResponse>();
        var jobId = job.Id;
        Assert.Equal($"{Session}/jobs/{jobId}/", response.Headers.Location?.OriginalString);
        Assert.Equal(ImageJobKind.Edit, job.Kind);
        Assert.Contains(job.Status, new[] { ImageJobStatus.Queued, ImageJobStatus.Running });
        Assert.Equal($"{Session}/jobs/{jobId}/events/", job.EventsUrl);
        Assert.Null(job.Error);

        var events = await client.ReadEventsAsync(job.EventsUrl);
        Assert.Equal(["stage", "stage", "stage", "stage", "succeeded"], events.Select(e => e.Name));
        Assert.Equal([ImageJobStage.Preparing, ImageJobStage.Sending, ImageJobStage.Drawing, ImageJobStage.Storing],
            events.Take(4).Select(e => e.DataAs<StageEvent>().Stage));
        var ids = events.Select(e => long.Parse(e.Id)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());

        var succeeded = events[^1].DataAs<SucceededEvent>();
        var versionId = succeeded.VersionId;
        var session = succeeded.Session;
        Assert.Equal(versionId, session.VersionId);
        // The wire shape: the event's session has no image_base64 at all (a record cannot tell absent from null).
        Assert.False(events[^1].Data.GetProperty("session").TryGetProperty("image_base64", out _));
        Assert.Equal((1024, 1024), (session.Width, session.Height));
        Assert.Null(session.RunningJob);

        var finished = await client.GetAsAsync<ImageJobResponse>($"{Session}/jobs/{jobId}/");
        Assert.Equal(ImageJobStatus.Succeeded, finished.Status);
        Assert.Equal(versionId, finished.VersionId);
        Assert.NotNull(finished.FinishedAt);
        var history = await client.GetAsAsync<ImageSessionHistoryResponse>($"{Session}/history/");
        Assert.Equal(generated.VersionId, history.Versions[1].ParentId);
        Assert.Equal(versionId, history.CurrentVersionId);

        // The image travels by URL, once: it carries its content hash as ETag and revalidates with a 304.
        var image = await client.GetAsync(session.ImageUrl);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        var cache = image.Headers.CacheControl!;
        Assert.True(cache.Private);
        Assert.Equal(TimeSpan.FromDays(365), cache.MaxAge);
        Assert.Contains(cache.Extensions, e => e.Name == "immutable");
        Assert.Equal("nosniff", image.Headers.GetValues("X-Content-Type-Options").Single());
        var etag = image.Headers.ETag!;
        using (var decoded = TestImages.Decode(Convert.ToBase64String(await image.Content.ReadAsByteArrayAsync())))
            Assert.Equal((1024, 1024), (decoded.Width, decoded.Height));
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, session.ImageUrl);
        revalidate.Headers.IfNoneMatch.Add(etag);
        var notModified = await client.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // A generate job too, through the owner's jobs route.
        var generate = await client.PostAsJsonAsync($"{Session}/jobs/", new { kind = "generate", identity_id = identityId, resolution = "1K" });
        Assert.Equal(HttpStatusCode.Accepted, generate.StatusCode);
        var generateEvents = await client.ReadEventsAsync((await generate.ReadAsAsync<ImageJobResponse>()).EventsUrl);
        Assert.Equal("succeeded", generateEvents[^1].Name);
        var jobs = await client.GetAsAsync<List<ImageJobResponse>>($"{Session}/jobs/");
        Assert.Equal([ImageJobKind.Generate, ImageJobKind.Edit, ImageJobKind.Generate], jobs.Select(j => j.Kind));
        Assert.Empty(await client.GetAsAsync<List<ImageJobResponse>>($"{Session}/jobs/?status=running"));
        await (await client.GetAsync($"{Session}/jobs/?status=sleeping"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "status must be one of queued, running, succeeded, failed, cancelled.");
    }

    [Fact]
    public async Task A_late_subscriber_gets_every_event_and_Last_Event_ID_resumes_after_it()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, _) = await StartAsync(factory);
        var job = await (await client.PostAsJobAsync(Edit, new { edit_prompt = "invert" })).ReadAsAsync<ImageJobResponse>();
        var url = job.EventsUrl;
        var all = await client.ReadEventsAsync(url);

        // After the job ended: the same events again, in the same order with the same ids.
        var late = await client.ReadEventsAsync(url);
        Assert.Equal(all.Select(e => (e.Id, e.Name)), late.Select(e => (e.Id, e.Name)));
        var resumed = await client.ReadEventsAsync(url, lastEventId: all[1].Id);
        Assert.Equal(all.Skip(2).Select(e => (e.Id, e.Name)), resumed.Select(e => (e.Id, e.Name)));

        // An EventSource that reconnects after the end is told there is nothing more (204 stops it).
        using var reconnect = new HttpRequestMessage(HttpMethod.Get, url);
        reconnect.Headers.Add("Last-Event-ID", all[^1].Id);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(reconnect)).StatusCode);
    }

    [Fact]
    public async Task The_waiting_route_and_the_failed_event_give_the_same_status_and_detail()
    {
        await using var factory = WithScriptedProvider(out var provider);
        var (client, _, _) = await StartAsync(factory);
        var before = await client.GetStringAsync($"{Session}/");

        // A refusal: the Local engine does not know the instruction (422).
        var waited = await client.PostAsJsonAsync(Edit, new { edit_prompt = "make the jacket red" });
        var refusal = await waited.AssertProblemContainsAsync(HttpStatusCode.UnprocessableEntity, "make the jacket red");
        var job = await (await client.PostAsJobAsync(Edit, new { edit_prompt = "make the jacket red" })).ReadAsAsync<ImageJobResponse>();
        var failed = (await client.ReadEventsAsync(job.EventsUrl))[^1];
        Assert.Equal("failed", failed.Name);
        Assert.Equal(new ImageJobError(422, refusal), failed.DataAs<ImageJobError>());
        var ended = await client.GetAsAsync<ImageJobResponse>($"{Session}/jobs/{job.Id}/");
        Assert.Equal(ImageJobStatus.Failed, ended.Status);
        Assert.Equal(new ImageJobError(422, refusal), ended.Error);

        // An outage: the engine fails (the plan's 500), in both forms.
        provider.Failure = new ImageProviderFailedException("the engine is down");
        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" }))
            .AssertProblemAsync(HttpStatusCode.InternalServerError, "Image generation failed. Please try again.");
        job = await (await client.PostAsJobAsync(Edit, new { edit_prompt = "invert" })).ReadAsAsync<ImageJobResponse>();
        failed = (await client.ReadEventsAsync(job.EventsUrl))[^1];
        Assert.Equal("failed", failed.Name);
        Assert.Equal(new ImageJobError(500, "Image generation failed. Please try again."), failed.DataAs<ImageJobError>());

        // None of it changed the session.
        Assert.Equal(before, await client.GetStringAsync($"{Session}/"));
    }

    [Fact]
    public async Task Validation_answers_at_once_without_a_job()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _) = await factory.CreateUserClientAsync();
        await (await client.PostAsJobAsync(Edit, new { edit_prompt = "invert" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "No active image session. Please generate an image first.");
        await (await client.PostAsJobAsync(Edit, new { edit_prompt = " " }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "Edit prompt is required.");
        using var admin = await factory.CreateAdminClientAsync();
        var bare = await admin.CreateIdentityAsync(referenceCount: 0, name: "Bare");
        await (await client.PostAsJobAsync(Generate, new { identity_id = bare })).AssertProblemAsync(HttpStatusCode.BadRequest,
            "Reference images are required for image generation.");
        await (await client.PostAsJsonAsync($"{Session}/jobs/", new { kind = "paint" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "kind must be generate or edit.");
        Assert.Empty(await client.GetAsAsync<List<ImageJobResponse>>($"{Session}/jobs/"));
    }

    [Fact]
    public async Task A_client_that_goes_away_does_not_cancel_its_job()
    {
        await using var factory = WithScriptedProvider(out var provider);
        var (client, _, generated) = await StartAsync(factory);
        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = provider.Calls;
        using var cts = new CancellationTokenSource();
        var edit = client.PostAsJsonAsync(Edit, new { edit_prompt = "rotate 90" }, cts.Token);
        await WaitForCalls(provider, calls + 1);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => edit);

        var running = Assert.Single(await client.GetAsAsync<List<ImageJobResponse>>($"{Session}/jobs/?status=running"));
        var status = await client.GetAsAsync<ImageSessionResponse>($"{Session}/");
        Assert.Equal(running.Id, status.RunningJob?.Id);
        provider.Gate.SetResult();
        var events = await client.ReadEventsAsync(running.EventsUrl);
        Assert.Equal("succeeded", events[^1].Name);
        var after = await client.GetAsAsync<ImageSessionResponse>($"{Session}/");
        Assert.Equal(generated.VersionId, (await client.SessionVersionsAsync())[1].ParentId);
        Assert.Equal((1024, 1024), (after.Width, after.Height));
        Assert.Equal(events[^1].DataAs<SucceededEvent>().VersionId, after.VersionId);
    }

    [Fact]
    public async Task DELETE_cancels_a_running_job_and_leaves_the_session_unchanged()
    {
        await using var factory = WithScriptedProvider(out var provider);
        var (client, _, _) = await StartAsync(factory);
        var before = await client.GetStringAsync($"{Session}/history/");
        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = provider.Calls;
        var job = await (await client.PostAsJobAsync(Edit, new { edit_prompt = "rotate 90" })).ReadAsAsync<ImageJobResponse>();
        var jobUrl = $"{Session}/jobs/{job.Id}/";
        var events = client.ReadEventsAsync(job.EventsUrl);
        await WaitForCalls(provider, calls + 1);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(jobUrl)).StatusCode);
        var seen = await events;
        Assert.Equal("cancelled", seen[^1].Name);
        Assert.Equal(ImageJobStatus.Cancelled, (await client.GetAsAsync<ImageJobResponse>(jobUrl)).Status);
        // The engine finishing afterwards changes nothing.
        provider.Gate.SetResult();
        Assert.Equal(before, await client.GetStringAsync($"{Session}/history/"));
        await (await client.DeleteAsync(jobUrl)).AssertProblemAsync(HttpStatusCode.Conflict, "This image job has already finished.");
        await (await client.DeleteAsync($"{Session}/jobs/{Guid.NewGuid()}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Image job not found.");

        // The session is free again.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).StatusCode);
    }

    [Fact]
    public async Task One_job_at_a_time_per_user_exactly_one_of_several_edits_runs()
    {
        await using var factory = WithScriptedProvider(out var provider);
        var (client, identityId, _) = await StartAsync(factory);
        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = provider.Calls;
        var first = client.PostAsJsonAsync(Edit, new { edit_prompt = "rotate 90" });
        await WaitForCalls(provider, calls + 1); // the first edit is inside the engine: the overlap is certain

        var others = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })));
        foreach (var other in others)
            await other.AssertProblemAsync(HttpStatusCode.Conflict, "Another edit of this image session is still running. Try again when it finishes.");
        await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "Another edit of this image session is still running. Try again when it finishes.");
        await (await client.PostAsync($"{Session}/undo/", null))
            .AssertProblemAsync(HttpStatusCode.Conflict, "Another edit of this image session is still running. Try again when it finishes.");

        provider.Gate.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(calls + 1, provider.Calls);
        Assert.Equal(2, (await client.SessionVersionsAsync()).Count);
    }

    [Fact]
    public async Task A_job_followed_from_a_second_server_is_seen_to_the_end()
    {
        await using var first = WithScriptedProvider(out var provider);
        var (client, _, _) = await StartAsync(first);
        await using var second = LikenessApiFactory.SharingDataWith(first);
        using var admin = await second.CreateAdminClientAsync();
        var userId = (await Me(client)).Id;

        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var job = await (await client.PostAsJobAsync(Edit, new { edit_prompt = "rotate 90" })).ReadAsAsync<ImageJobResponse>();
        var adminEvents = $"/api/v1/admin/users/{userId}/image-session/jobs/{job.Id}/events/";
        var followed = admin.ReadEventsAsync(adminEvents);
        await WaitForCalls(provider, 2);
        provider.Gate.SetResult();

        var events = await followed;
        Assert.Equal("succeeded", events[^1].Name);
        Assert.Equal(ImageJobStage.Preparing, events[0].DataAs<StageEvent>().Stage);
        // The admin's copy of the session carries the admin's URLs.
        var session = events[^1].DataAs<SucceededEvent>().Session;
        Assert.StartsWith($"/api/v1/admin/users/{userId}/image-session/versions/", session.ImageUrl);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(session.ImageUrl)).StatusCode);
    }

    [Fact]
    public async Task A_server_that_shuts_down_fails_its_running_jobs_with_a_clear_message_and_frees_the_session()
    {
        await using var first = WithScriptedProvider(out var provider, new Dictionary<string, string?> { ["Likeness:JobLeaseTime"] = "00:00:03" });
        var (client, _, generated) = await StartAsync(first);
        await using var second = LikenessApiFactory.SharingDataWith(first);

        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var job = await (await client.PostAsJobAsync(Edit, new { edit_prompt = "rotate 90" })).ReadAsAsync<ImageJobResponse>();
        await WaitForCalls(provider, 2);
        // The first server shuts down (gracefully) while its job is inside the engine.
        await first.Services.GetRequiredService<ImageJobRunner>().StopAsync(CancellationToken.None);

        var secondClient = await second.CreateSignedInClientAsync((await Me(client)).Email, LikenessApiFactory.UserPassword);
        var ended = await secondClient.GetAsAsync<ImageJobResponse>($"{Session}/jobs/{job.Id}/");
        Assert.Equal(ImageJobStatus.Failed, ended.Status);
        Assert.Equal(500, ended.Error?.Status);
        Assert.Equal(ServerStopped, ended.Error?.Detail);
        var failed = (await secondClient.ReadEventsAsync(job.EventsUrl))[^1];
        Assert.Equal(("failed", ServerStopped), (failed.Name, failed.DataAs<ImageJobError>().Detail));
        var status = await secondClient.GetAsAsync<ImageSessionResponse>($"{Session}/");
        Assert.Equal(generated.VersionId, status.VersionId);
        Assert.Equal(HttpStatusCode.OK, (await secondClient.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).StatusCode);
    }

    private static Task<UserResponse> Me(HttpClient client) => client.GetAsAsync<UserResponse>("/api/v1/auth/me");

    [Fact]
    public async Task A_job_that_ends_before_its_request_waits_for_it_still_answers_with_its_image()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, _) = await StartAsync(factory);
        var userId = (await Me(client)).Id;
        await using var scope = factory.Services.CreateAsyncScope();
        var jobs = scope.ServiceProvider.GetRequiredService<ImageJobs>();
        var runner = scope.ServiceProvider.GetRequiredService<ImageJobRunner>();

        var job = await jobs.StartEdit(userId, "invert", null, CancellationToken.None);
        // The job ends, and leaves the runner's table, before the request gets round to waiting (a busy machine).
        await runner.WaitAsync(job.Id, CancellationToken.None);
        Assert.Null(await runner.WaitAsync(job.Id, CancellationToken.None));

        var (finished, view) = await jobs.WaitAsync(job.Id, CancellationToken.None);
        Assert.Equal(ImageJobStatus.Succeeded, finished.Status);
        Assert.NotNull(view);
        Assert.Equal(finished.VersionId, view.Current?.Id);
        Assert.NotEmpty(view.Image!);
    }

    [Fact]
    public async Task A_job_whose_process_died_is_failed_by_the_sweep_within_the_lease_time()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, generated) = await StartAsync(factory);
        var userId = (await Me(client)).Id;
        // A process died holding a job and the session: its rows are there, nobody renews them.
        var jobId = Guid.NewGuid();
        var token = Guid.NewGuid();
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Data.LikenessDbContext>();
            var now = factory.Clock.GetUtcNow().UtcDateTime;
            db.ImageJobs.Add(new ImageJob
            {
                Id = jobId, UserId = userId, Kind = ImageJobKind.Edit, Status = ImageJobStatus.Running, Request = "{}",
                CreatedAt = now, StartedAt = now, ActiveUserId = userId, LeaseToken = token, LeaseUntil = now.AddSeconds(60),
                SessionId = generated.SessionId,
            });
            await db.SaveChangesAsync();
            await db.ImageGenerationSessions.Where(s => s.UserId == userId).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.LeaseUntil, now.AddSeconds(60)).SetProperty(x => x.LeaseToken, token));
        }
        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "Another edit of this image session is still running. Try again when it finishes.");

        factory.Clock.Advance(TimeSpan.FromSeconds(61)); // the lease ran out
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).StatusCode);
        var dead = await client.GetAsAsync<ImageJobResponse>($"{Session}/jobs/{jobId}/");
        Assert.Equal(ImageJobStatus.Failed, dead.Status);
        Assert.Equal(ServerStopped, dead.Error?.Detail);
    }

    [Fact]
    public async Task Generate_edit_and_new_jobs_share_the_per_user_rate_limit()
    {
        await using var factory = LikenessApiFactory.With(new Dictionary<string, string?>
        {
            ["Security:ImageGenerationPerUser:PermitLimit"] = "3",
            ["Security:ImageGenerationPerUser:Window"] = "00:10:00",
        });
        var (client, identityId, _) = await StartAsync(factory); // 1
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).StatusCode); // 2
        var job = await client.PostAsJsonAsync($"{Session}/jobs/", new { kind = "edit", edit_prompt = "invert" }); // 3
        Assert.Equal(HttpStatusCode.Accepted, job.StatusCode);
        await client.ReadEventsAsync((await job.ReadAsAsync<ImageJobResponse>()).EventsUrl);

        var refused = await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        // Another user is not affected.
        var (other, _) = await factory.CreateUserClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" })).StatusCode);
    }

    [Fact]
    public async Task Status_is_small_and_JSON_is_compressed_when_the_client_accepts_it()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, _) = await StartAsync(factory);
        var status = await client.GetAsync($"{Session}/");
        var body = await status.Content.ReadAsByteArrayAsync();
        Assert.True(body.Length <= 2048, $"status is {body.Length} bytes");
        Assert.DoesNotContain("image_base64", System.Text.Encoding.UTF8.GetString(body));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Session}/history/");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        var compressed = await client.SendAsync(request);
        Assert.Equal("br", compressed.Content.Headers.ContentEncoding.Single());
    }
}
