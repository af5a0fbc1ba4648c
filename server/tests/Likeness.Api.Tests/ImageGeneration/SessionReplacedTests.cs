using Likeness.Api.Storage;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>
/// The "session replaced" 409: an edit that comes back from the engine to find its session gone saves nothing.
/// Through the API one path leads there. While an edit runs, its job is the user's one active job and its lease
/// holds the session: Generate New, a reopen, a start from a photo and deleting the user are refused (or cannot
/// start), and the expiry cleaner leaves a held session. Only once the lease has lapsed (its renewals failed for
/// a whole lease, or the clock jumped) while the job is still its runner's can the cleaner delete the session
/// under the edit; then the edit answers this 409, in both forms.
/// </summary>
public sealed class SessionReplacedTests
{
    /// <summary>
    /// A lease of an hour is renewed every 20 minutes of real time, never during the test; the sweep that fails a
    /// job whose lease ran out runs at start-up, then not for a day. So when the clock jumps, the session's lease has
    /// lapsed and the job is still the runner's, however slow the machine.
    /// </summary>
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Likeness:JobLeaseTime"] = "01:00:00",
        ["Likeness:JobSweepInterval"] = "1.00:00:00",
    };

    [Fact]
    public async Task An_edit_whose_session_was_deleted_while_it_ran_is_a_409_and_saves_nothing()
    {
        await using var factory = LikenessApiFactory.WithScriptedProvider(out var provider, Settings);
        var (email, client) = await StartSession(factory);
        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var edit = client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" });
        await provider.WaitForCallsAsync(2); // the edit is inside the provider: the overlap is certain
        var images = await DeleteTheSessionUnderTheEdit(factory);
        provider.Gate.SetResult();
        var answered = await Wait.ForAsync(edit, "the edit to answer");

        await answered.AssertProblemAsync(HttpStatusCode.Conflict,
            "The image session was replaced while this edit was running. Your edit was not applied.");
        await AssertLeftAsTheCleanerLeftIt(factory, email, images);
    }

    [Fact]
    public async Task As_a_job_the_edit_fails_with_the_same_409_in_its_event_and_its_state()
    {
        await using var factory = LikenessApiFactory.WithScriptedProvider(out var provider, Settings);
        var (email, client) = await StartSession(factory);
        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var accepted = await client.PostAsJobAsync(Edit, new { edit_prompt = "invert" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = await accepted.ReadAsAsync<ImageJobResponse>();
        await provider.WaitForCallsAsync(2);
        var images = await DeleteTheSessionUnderTheEdit(factory);
        provider.Gate.SetResult();

        // Bearer tokens live an hour on the app's clock: sign in again after the jump.
        client = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        var replaced = new ImageJobError(409, "The image session was replaced while this edit was running. Your edit was not applied.");
        var failed = (await client.ReadEventsAsync(job.EventsUrl))[^1];
        Assert.Equal("failed", failed.Name);
        Assert.Equal(replaced, failed.DataAs<ImageJobError>());
        var ended = await client.GetAsAsync<ImageJobResponse>($"{Status}jobs/{job.Id}/");
        Assert.Equal(ImageJobStatus.Failed, ended.Status);
        Assert.Equal(replaced, ended.Error);
        await AssertLeftAsTheCleanerLeftIt(factory, email, images);
    }

    /// <summary>A new user (signed in through the API, so they can sign in again later) with a generated image.</summary>
    private static async Task<(string Email, HttpClient Client)> StartSession(LikenessApiFactory factory)
    {
        var (_, email) = await factory.CreateUserAsync();
        var client = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var generated = await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" });
        Assert.True(generated.StatusCode == HttpStatusCode.OK, $"generate answered {(int)generated.StatusCode}\n{factory.ProblemLogs()}");
        return (email, client);
    }

    /// <summary>
    /// Moves the clock past the session's idle time (and so past the edit's lease) and runs the expiry cleaner,
    /// which deletes the session; returns the images the store holds then.
    /// </summary>
    private static async Task<string[]> DeleteTheSessionUnderTheEdit(LikenessApiFactory factory)
    {
        factory.Clock.Advance(TimeSpan.FromDays(8));
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ExpiredSessionCleaner>().RunOnceAsync());
        return StoredImages(factory);
    }

    /// <summary>No session, nothing in the library, and (once swept) no image of the edit left behind in the store.</summary>
    private static async Task AssertLeftAsTheCleanerLeftIt(LikenessApiFactory factory, string email, string[] images)
    {
        using var client = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        Assert.False((await client.GetAsAsync<ImageSessionResponse>(Status)).HasActiveSession);
        Assert.Empty(await client.GetAsAsync<List<LibrarySessionResponse>>($"{Status}library/"));
        // The edit's image and thumbnail were stored under the job's claims, which the orchestrator's own clean-up
        // respects, so they stay until the claims end with the job's scope; then the orphan sweep takes them.
        await Wait.UntilAsync(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ImageJanitor>().SweepAsync();
            return StoredImages(factory).SequenceEqual(images);
        }, "the orphan sweep to leave the store as the cleaner left it", detail: () => string.Join("\n", StoredImages(factory)));
    }

    private static string[] StoredImages(LikenessApiFactory factory) =>
        Directory.Exists(factory.ImagesDirectory)
            ? Directory.GetFiles(factory.ImagesDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray()
            : [];
}
