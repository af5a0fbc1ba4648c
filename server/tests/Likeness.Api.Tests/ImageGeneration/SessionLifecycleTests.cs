using Likeness.Api.Data;
using Likeness.Api.Providers.Local;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>Provider failures, concurrent edits, expiry, orphaned images and reference changes; each on a fresh app.</summary>
public sealed class SessionLifecycleTests
{
    private static LikenessApiFactory WithScriptedProvider(out ScriptedImageProvider provider) =>
        LikenessApiFactory.WithScriptedProvider(out provider);

    private static Task<(HttpClient Client, Guid IdentityId, ImageSessionResponse Generated)> StartAsync(LikenessApiFactory factory) =>
        factory.StartSessionAsync();

    [Fact]
    public async Task A_failing_provider_leaves_the_session_exactly_as_it_was()
    {
        await using var factory = WithScriptedProvider(out var provider);
        var (client, identityId, generated) = await StartAsync(factory);
        var edited = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).ReadAsAsync<ImageSessionResponse>();
        var before = await client.GetStringAsync(Status);

        provider.Failure = new ImageProviderFailedException("upstream is down");
        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "rotate 90" }))
            .AssertProblemAsync(HttpStatusCode.InternalServerError, "Image generation failed. Please try again.");
        Assert.Equal(before, await client.GetStringAsync(Status));
        Assert.Contains("upstream is down", factory.Logs.All);

        // A failed Generate New keeps the old session too.
        await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" }))
            .AssertProblemAsync(HttpStatusCode.InternalServerError, "Image generation failed. Please try again.");
        Assert.Equal(before, await client.GetStringAsync(Status));

        provider.Failure = new ImageRequestDeclinedException("The image service declined this request for safety reasons.");
        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "rotate 90" }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "The image service declined this request for safety reasons.");
        Assert.Equal(before, await client.GetStringAsync(Status));

        provider.Failure = null;
        var after = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "rotate 90" })).ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(edited.VersionId,
            (await client.GetAsAsync<ImageSessionHistoryResponse>($"{Status}history/")).Versions.Single(v => v.Id == after.VersionId).ParentId);
        Assert.NotEqual(generated.VersionId, after.VersionId);
    }

    [Fact]
    public async Task An_instruction_the_local_engine_does_not_know_is_a_422_that_changes_nothing()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, _) = await StartAsync(factory);
        var before = await client.GetStringAsync(Status);
        var detail = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "make the jacket red" }))
            .AssertProblemContainsAsync(HttpStatusCode.UnprocessableEntity, "make the jacket red", "Try ");
        Assert.Equal(before, await client.GetStringAsync(Status));
    }

    [Fact]
    public async Task Concurrent_edits_never_lose_one_and_the_second_gets_a_clear_409()
    {
        await using var factory = WithScriptedProvider(out var provider);
        var (client, _, generated) = await StartAsync(factory);

        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = provider.Calls;
        var first = client.PostAsJsonAsync(Edit, new { edit_prompt = "rotate 90" });
        await provider.WaitForCallsAsync(calls + 1); // the first edit is inside the provider, holding the session

        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "Another edit of this image session is still running. Try again when it finishes.");
        await (await client.PostAsync($"{Status}undo/", null))
            .AssertProblemAsync(HttpStatusCode.Conflict, "Another edit of this image session is still running. Try again when it finishes.");

        provider.Gate.SetResult();
        provider.Gate = null;
        var firstBody = await (await first).ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(generated.VersionId, (await client.GetAsAsync<ImageSessionHistoryResponse>($"{Status}history/")).Versions[1].ParentId);

        // Once the first finished, the next edit builds on it.
        var second = await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).ReadAsAsync<ImageSessionResponse>();
        var history = await client.GetAsAsync<ImageSessionHistoryResponse>($"{Status}history/");
        Assert.Equal(3, history.Versions.Count);
        Assert.Equal(firstBody.VersionId, history.Versions[2].ParentId);
        Assert.Equal(second.VersionId, history.CurrentVersionId);
    }

    [Fact]
    public async Task Of_six_simultaneous_edits_exactly_one_runs_the_others_get_409_and_the_history_holds_it()
    {
        // The provider waits on a gate, so the six requests certainly overlap: the first to claim the session
        // is inside the provider while the other five are answered.
        await using var factory = WithScriptedProvider(out var provider);
        var (client, _, generated) = await StartAsync(factory);
        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = provider.Calls;

        var requests = Enumerable.Range(0, 6).Select(_ => client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).ToList();
        await provider.WaitForCallsAsync(calls + 1);
        await Wait.UntilAsync(() => requests.Count(r => r.IsCompleted) >= 5, "five of the six edits to be answered while one is in the provider");
        var refused = requests.Where(r => r.IsCompleted).ToList();
        Assert.Equal(5, refused.Count);
        foreach (var response in refused)
            await (await response).AssertProblemAsync(HttpStatusCode.Conflict, "Another edit of this image session is still running. Try again when it finishes.");

        provider.Gate.SetResult();
        var ran = await Wait.ForAsync(requests.Single(r => !refused.Contains(r)), "the edit in the provider to answer");
        Assert.Equal(HttpStatusCode.OK, ran.StatusCode);
        Assert.Equal(calls + 1, provider.Calls);
        var history = await client.GetAsAsync<ImageSessionHistoryResponse>($"{Status}history/");
        Assert.Equal(2, history.Versions.Count);
        Assert.Equal(generated.VersionId, history.Versions[1].ParentId);
        Assert.Equal((await ran.ReadAsAsync<ImageSessionResponse>()).VersionId, history.CurrentVersionId);
    }

    [Fact]
    public async Task Sessions_expire_after_the_idle_time_and_the_cleaner_leaves_no_orphaned_images()
    {
        await using var factory = new LikenessApiFactory();
        var (_, email) = await factory.CreateUserAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        // Bearer tokens live an hour on the same clock, so sign in again after each jump.
        Task<HttpClient> SignIn() => factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        var client = await SignIn();
        await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" });
        await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" });
        var expiresAt = (await client.GetAsAsync<ImageSessionResponse>(Status)).ExpiresAt!.Value;
        Assert.InRange(expiresAt - DateTime.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));

        // Use extends it.
        factory.Clock.Advance(TimeSpan.FromDays(6));
        client = await SignIn();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"{Status}undo/", null)).StatusCode);
        factory.Clock.Advance(TimeSpan.FromDays(6));
        client = await SignIn();
        Assert.True((await client.GetAsAsync<ImageSessionResponse>(Status)).HasActiveSession);

        factory.Clock.Advance(TimeSpan.FromDays(2));
        client = await SignIn();
        Assert.False((await client.GetAsAsync<ImageSessionResponse>(Status)).HasActiveSession);
        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "No active image session. Please generate an image first.");

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ExpiredSessionCleaner>().RunOnceAsync());
            var db = scope.ServiceProvider.GetRequiredService<LikenessDbContext>();
            Assert.Equal(0, await db.ImageGenerationSessions.CountAsync());
            Assert.Equal(0, await db.ImageVersions.CountAsync());
        }
        AssertStoreHoldsOnlyReferencedImages(factory);
    }

    [Fact]
    public async Task Generate_new_and_identity_deletion_leave_no_orphaned_images()
    {
        await using var factory = new LikenessApiFactory();
        var (client, identityId, _) = await StartAsync(factory);
        await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" });
        await client.PostAsJsonAsync(Edit, new { edit_prompt = "rotate 90" });
        await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1" });
        AssertStoreHoldsOnlyReferencedImages(factory);

        using var admin = await factory.CreateAdminClientAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/admin/identities/{identityId}/")).StatusCode);
        var status = await client.GetAsAsync<ImageSessionResponse>(Status);
        Assert.True(status.HasActiveSession); // SET NULL: the session survives
        Assert.Null(status.SessionIdentityId);
        // The local engine edits from the current image alone: a deleted identity's session goes on (issue 11, finding 16).
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).StatusCode);
        AssertStoreHoldsOnlyReferencedImages(factory);
    }

    [Fact]
    public async Task A_deleted_identitys_session_says_why_a_provider_that_needs_references_cannot_edit_it()
    {
        // Issue 11, finding 16: it said "Reference images are required for image generation." though the
        // identity page says sessions keep their images. The scripted provider edits with the references
        // (as Gemini does); undo, redo and the images still work.
        await using var factory = WithScriptedProvider(out _);
        var (client, identityId, _) = await StartAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" })).StatusCode);
        using var admin = await factory.CreateAdminClientAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/admin/identities/{identityId}/")).StatusCode);

        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "rotate 90" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "This session's identity was deleted, and edits need its reference images. Undo, redo, compare and download still work; generate a new image to edit again.");
        var undone = await (await client.PostAsync($"{Status}undo/", null)).ReadAsAsync<ImageSessionResponse>();
        Assert.False(undone.CanUndo);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(undone.ImageUrl)).StatusCode);
    }

    [Fact]
    public async Task Changed_reference_images_are_reported_and_edits_use_the_new_ones()
    {
        await using var factory = new LikenessApiFactory();
        var (client, identityId, generated) = await StartAsync(factory);
        Assert.False(generated.ReferencesChanged);

        using var admin = await factory.CreateAdminClientAsync();
        var upload = await admin.UploadReferenceImagesAsync(identityId, [("new.png", TestImages.Png(80, 80, SkiaSharp.SKColors.Teal), "image/png")]);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);

        Assert.True((await client.GetAsAsync<ImageSessionResponse>(Status)).ReferencesChanged);
        var edited = await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.True((await edited.ReadAsAsync<ImageSessionResponse>()).ReferencesChanged);

        // Removing it again restores the hash the session started with.
        var imageId = (await upload.ReadAsAsync<List<ReferenceImageResponse>>())[0].Id;
        await admin.DeleteAsync($"/api/v1/admin/identities/{identityId}/reference-images/{imageId}/");
        Assert.False((await client.GetAsAsync<ImageSessionResponse>(Status)).ReferencesChanged);

        await admin.UploadReferenceImagesAsync(identityId, [("again.png", TestImages.Png(81, 80, SkiaSharp.SKColors.Teal), "image/png")]);
        var regenerated = await (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" })).ReadAsAsync<ImageSessionResponse>();
        Assert.False(regenerated.ReferencesChanged);
    }

    /// <summary>Every file in the store is referenced by a reference image or an image version, and vice versa.</summary>
    private static void AssertStoreHoldsOnlyReferencedImages(LikenessApiFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LikenessDbContext>();
        var referenced = db.ReferenceImages.Select(r => r.StorageKey).ToList()
            .Concat(db.ImageVersions.Select(v => v.ImageKey).ToList())
            .Concat(db.ImageVersions.Select(v => v.ThumbnailKey).ToList())
            .ToHashSet();
        var stored = Directory.EnumerateFiles(factory.ImagesDirectory, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToHashSet();
        Assert.Equal(referenced.OrderBy(k => k), stored.OrderBy(k => k));
    }
}
