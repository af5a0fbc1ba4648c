using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>No request may tie up the engine: bounded instructions, a bounded number of jobs, no needless reads.</summary>
public sealed class BoundedWorkTests
{
    private static async Task<(HttpClient Client, Guid IdentityId)> StartAsync(LikenessApiFactory factory)
    {
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" })).StatusCode);
        return (client, identityId);
    }

    [Fact]
    public async Task An_edit_of_more_than_20_instructions_is_a_400_before_any_work()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _) = await StartAsync(factory);
        var twenty = string.Join(", ", Enumerable.Repeat("blur", 20));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Edit, new { edit_prompt = twenty })).StatusCode);

        var sixty = string.Join(", then ", Enumerable.Repeat("blur", 60));
        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = sixty })).AssertProblemAsync(HttpStatusCode.BadRequest,
            "An edit may hold at most 20 instructions; this one has 60. Split it into several edits.");
        var jobs = await client.GetAsAsync<List<ImageJobResponse>>("/api/v1/identities/image-session/jobs/");
        Assert.Equal(2, jobs.Count); // the generate and the 20-blur edit; the refused one made no job
    }

    [Fact]
    public async Task An_edit_whose_rendering_would_take_too_long_at_its_size_is_a_400_before_any_work()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "4K" })).StatusCode);

        var heavy = string.Join(", ", Enumerable.Repeat("blur a lot", 20));
        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = heavy })).AssertProblemContainsAsync(HttpStatusCode.BadRequest,
            "This edit is too much work for one request on a 4096×2304 image", "Split it into several edits.");
        Assert.Single(await client.GetAsAsync<List<ImageJobResponse>>("/api/v1/identities/image-session/jobs/"));
        // An ordinary edit of the same image is well within the budget.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Edit, new { edit_prompt = "blur, sharpen, black and white" })).StatusCode);
    }

    [Fact]
    public async Task Past_the_most_active_jobs_a_new_one_is_429_with_Retry_After()
    {
        await using var factory = LikenessApiFactory.WithScriptedProvider(out var provider,
            new Dictionary<string, string?> { ["Likeness:MaxActiveJobs"] = "1" });
        var (alice, identityId) = await StartAsync(factory);
        var (bob, _) = await factory.CreateUserClientAsync();
        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = provider.Calls;
        var running = alice.PostAsJsonAsync(Edit, new { edit_prompt = "invert" });
        await provider.WaitForCallsAsync(calls + 1);

        var refused = await bob.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" });
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "The image engine is busy with other images. Try again in a minute.");
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);

        provider.Gate.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" })).StatusCode);
    }

    [Fact]
    public async Task An_identity_deleted_while_its_image_is_made_is_a_404_not_a_misleading_409()
    {
        await using var factory = LikenessApiFactory.WithScriptedProvider(out var provider);
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var generating = client.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K" });
        await provider.WaitForCallsAsync(1);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/admin/identities/{identityId}/")).StatusCode);
        provider.Gate.SetResult();
        await (await generating).AssertProblemAsync(HttpStatusCode.NotFound, "Identity not found.");
        var status = await client.GetAsAsync<ImageSessionResponse>("/api/v1/identities/image-session/");
        Assert.False(status.HasActiveSession);
    }

    [Fact]
    public async Task The_offline_engine_edits_without_reading_the_reference_images()
    {
        await using var factory = new LikenessApiFactory();
        var (client, identityId) = await StartAsync(factory);
        using var admin = await factory.CreateAdminClientAsync();
        var references = await admin.ReferenceImagesAsync(identityId);
        // The reference bytes are gone from the store (it would be the plan's 400 if the edit read them).
        Assert.NotEmpty(references);
        foreach (var reference in references)
        {
            var key = reference.Sha256;
            File.Delete(Path.Combine(factory.ImagesDirectory, key[..2], key));
        }
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Edit, new { edit_prompt = "rotate 90" })).StatusCode);
    }
}
