using System.Data.Common;
using Likeness.Api.Data;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>
/// Paths no other test took: racing generates, prompt limits, undo racing a select, images missing from the
/// store, a provider answering bytes that are not an image, and the generic 500. Each on a fresh app.
/// </summary>
public sealed class RacesAndFailuresTests
{
    private const string EditRunning = "Another edit of this image session is still running. Try again when it finishes.";
    private const string Failed = "Image generation failed. Please try again.";

    [Fact]
    public async Task Two_generates_racing_for_one_user_one_makes_the_image_and_the_other_is_a_409()
    {
        await using var factory = LikenessApiFactory.WithScriptedProvider(out var provider);
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" });
        await provider.WaitForCallsAsync(1); // the first generate is inside the provider: the overlap is certain
        var second = await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", additional_prompt = "second" });

        await second.AssertProblemAsync(HttpStatusCode.Conflict, EditRunning);
        provider.Gate.SetResult();
        var made = await Wait.ForAsync(first, "the first generate to answer");
        Assert.True(made.StatusCode == HttpStatusCode.OK, $"{(int)made.StatusCode}: {await made.Content.ReadAsStringAsync()}\n{factory.ProblemLogs()}");
        Assert.Equal(1, provider.Calls);
        var status = await client.GetAsAsync<ImageSessionResponse>(Status);
        var madeVersion = (await made.ReadAsAsync<ImageSessionResponse>()).VersionId;
        Assert.NotNull(madeVersion);
        Assert.Equal(madeVersion, status.VersionId);
        Assert.Empty(await client.GetAsAsync<List<LibrarySessionResponse>>($"{Status}library/"));
    }

    [Fact]
    public async Task Prompts_longer_than_4000_characters_are_a_400_that_names_the_field_and_the_limit()
    {
        await using var factory = new LikenessApiFactory();
        var (client, identityId, generated) = await factory.StartSessionAsync();
        var before = await client.GetStringAsync(Status);

        await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", additional_prompt = new string('a', 4001) }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "additional_prompt may be at most 4000 characters.");
        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = new string('a', 4001) }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "edit_prompt may be at most 4000 characters.");
        // The edit prompt is trimmed first: 4000 characters inside spaces are not too long.
        var trimmed = await client.PostAsJsonAsync(Edit, new { edit_prompt = "  " + new string('a', 4000) + "  " });
        // (The offline engine refuses the unknown words when the job runs: a 422, not the length's 400, that quotes
        // the first 79 characters of the word, not all 4000; on PostgreSQL the whole echo overflowed the job's
        // error column and answered 500.)
        var detail = await trimmed.AssertProblemContainsAsync(HttpStatusCode.UnprocessableEntity, $"Could not understand \"{new string('a', 79)}…\". Try ");
        Assert.True(detail.Length < 300, detail);
        Assert.Equal(before, await client.GetStringAsync(Status));

        // At the limit, additional_prompt is taken.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Generate,
            new { identity_id = identityId, resolution = "1K", additional_prompt = new string('a', 4000) })).StatusCode);
    }

    [Fact]
    public async Task A_refusal_longer_than_the_jobs_error_column_is_cut_to_fit_and_still_answered()
    {
        await using var factory = LikenessApiFactory.WithScriptedProvider(out var provider);
        var (client, _, _) = await factory.StartSessionAsync();
        var before = await client.GetStringAsync(Status);
        provider.Failure = new ImageRequestDeclinedException("The model declined: " + new string('x', 3000));

        var detail = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" }))
            .AssertProblemContainsAsync(HttpStatusCode.UnprocessableEntity, "The model declined: xxx");

        Assert.Equal(2000, detail.Length);
        Assert.EndsWith("x…", detail);
        Assert.Equal(before, await client.GetStringAsync(Status));
    }

    [Fact]
    public async Task An_undo_that_loses_the_race_to_a_select_is_a_409_and_the_select_stands()
    {
        var hold = new HoldFirstSessionMove();
        await using var factory = LikenessApiFactory.With(null, services =>
        {
            services.ConfigureDbContext<SqliteLikenessDbContext>(o => o.AddInterceptors(hold));
            services.ConfigureDbContext<PostgresLikenessDbContext>(o => o.AddInterceptors(hold));
        });
        var (client, _, generated) = await factory.StartSessionAsync();
        var edited = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).ReadAsAsync<ImageSessionResponse>();
        var original = generated.VersionId;

        hold.Arm();
        var undo = client.PostAsync($"{Status}undo/", null);
        await Wait.ForAsync(hold.Reached.Task, "the undo to reach its UPDATE of the session");
        // While the undo has read the session and not yet moved it, a select moves it first.
        var selected = await client.PostAsJsonAsync($"{Status}select/", new { version_id = original.ToString() });
        Assert.Equal(HttpStatusCode.OK, selected.StatusCode);
        hold.Release.SetResult();

        await (await Wait.ForAsync(undo, "the undo to answer")).AssertProblemAsync(HttpStatusCode.Conflict, EditRunning);
        var status = await client.GetAsAsync<ImageSessionResponse>(Status);
        Assert.NotNull(original);
        Assert.Equal(original, status.VersionId);
        Assert.NotEqual(edited.VersionId, status.VersionId);
    }

    [Fact]
    public async Task A_reference_image_missing_from_the_store_is_left_out_and_with_none_left_generate_is_a_400()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(referenceCount: 2);
        var keys = await ReferenceKeys(factory, identityId);
        var store = factory.Services.GetRequiredService<IImageStore>();

        await store.DeleteAsync(keys[0]);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" })).StatusCode);
        Assert.Contains("is missing from the store", factory.Logs.All);

        var before = await client.GetStringAsync(Status);
        await store.DeleteAsync(keys[1]);
        await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", additional_prompt = "again" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "Reference images are required for image generation.");
        Assert.Equal(before, await client.GetStringAsync(Status));
    }

    [Fact]
    public async Task The_current_image_missing_from_the_store_fails_an_edit_with_the_plans_500_and_changes_nothing()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, generated) = await factory.StartSessionAsync();
        var key = FileSystemImageStore.KeyOf(Convert.FromBase64String(generated.ImageBase64!));
        await factory.Services.GetRequiredService<IImageStore>().DeleteAsync(key);
        var before = await client.GetStringAsync(Status);

        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).AssertProblemAsync(HttpStatusCode.InternalServerError, Failed);
        Assert.Contains("is missing from the store", factory.Logs.All);
        Assert.Equal(before, await client.GetStringAsync(Status));
    }

    [Fact]
    public async Task A_provider_answering_bytes_that_are_not_an_image_is_the_plans_500_and_nothing_is_stored()
    {
        await using var factory = LikenessApiFactory.WithScriptedProvider(out var provider);
        var (client, identityId, _) = await factory.StartSessionAsync();
        var before = await client.GetStringAsync(Status);
        var files = Directory.EnumerateFiles(factory.ImagesDirectory, "*", SearchOption.AllDirectories).Order().ToList();
        provider.Answer = _ => new ProviderImage("<html>not an image</html>"u8.ToArray(), "image/png");

        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).AssertProblemAsync(HttpStatusCode.InternalServerError, Failed);
        await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" })).AssertProblemAsync(HttpStatusCode.InternalServerError, Failed);

        Assert.Contains("returned bytes that are not a PNG, JPEG or WebP image", factory.Logs.All);
        Assert.Equal(before, await client.GetStringAsync(Status));
        Assert.Equal(files, Directory.EnumerateFiles(factory.ImagesDirectory, "*", SearchOption.AllDirectories).Order().ToList());
    }

    [Fact]
    public async Task A_provider_that_throws_something_unexpected_is_the_plans_500_and_is_logged_as_an_error()
    {
        await using var factory = LikenessApiFactory.WithScriptedProvider(out var provider);
        var (client, _, _) = await factory.StartSessionAsync();
        var before = await client.GetStringAsync(Status);
        provider.Failure = new InvalidOperationException("a bug in the provider");

        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).AssertProblemAsync(HttpStatusCode.InternalServerError, Failed);

        Assert.Contains(factory.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Exception?.Message == "a bug in the provider");
        Assert.Equal(before, await client.GetStringAsync(Status));
    }

    [Fact]
    public async Task An_unexpected_exception_outside_a_job_is_the_generic_500_with_no_internals()
    {
        var failing = new FailingReads();
        await using var factory = LikenessApiFactory.With(null, services =>
        {
            services.RemoveAll<IImageStore>();
            services.AddSingleton<IImageStore>(sp => failing.Wrap(new FileSystemImageStore(sp.GetRequiredService<IOptions<LikenessOptions>>())));
        });
        var (client, _, generated) = await factory.StartSessionAsync();
        failing.Fail = true;

        var response = await client.GetAsync(generated.ImageUrl);

        await response.AssertProblemAsync(HttpStatusCode.InternalServerError, "Something went wrong on the server.");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("disk controller", body);
        Assert.DoesNotContain("InvalidOperationException", body);
        Assert.Contains(factory.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error
            && e.Message.StartsWith("Unhandled exception on GET ", StringComparison.Ordinal) && e.Exception?.Message == "disk controller on fire");
    }

    private static async Task<List<string>> ReferenceKeys(LikenessApiFactory factory, Guid identityId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LikenessDbContext>();
        return await db.ReferenceImages.Where(r => r.IdentityId == identityId).OrderBy(r => r.Order).Select(r => r.StorageKey).ToListAsync();
    }

    /// <summary>Holds the first UPDATE of a session's current version, once armed, until released.</summary>
    private sealed class HoldFirstSessionMove : DbCommandInterceptor
    {
        private int _armed;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Arm() => Volatile.Write(ref _armed, 1);

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("UPDATE", StringComparison.OrdinalIgnoreCase)
                && command.CommandText.Contains("image_generation_sessions", StringComparison.Ordinal)
                && command.CommandText.Contains("CurrentVersionId", StringComparison.Ordinal)
                && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                Reached.TrySetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }
            return result;
        }
    }

    /// <summary>A store whose reads throw while <see cref="Fail"/> is set: an unexpected exception in a plain endpoint.</summary>
    private sealed class FailingReads
    {
        public volatile bool Fail;

        public IImageStore Wrap(IImageStore inner) => new Store(inner, this);

        private sealed class Store(IImageStore inner, FailingReads owner) : IImageStore
        {
            public Task<string> PutAsync(byte[] bytes, CancellationToken cancellationToken = default) => inner.PutAsync(bytes, cancellationToken);
            public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
            public IAsyncEnumerable<(string Key, DateTime WrittenAt)> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

            public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
                owner.Fail ? throw new InvalidOperationException("disk controller on fire") : inner.GetAsync(key, cancellationToken);
        }
    }
}
