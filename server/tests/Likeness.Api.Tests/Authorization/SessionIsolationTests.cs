namespace Likeness.Api.Tests.Authorization;

/// <summary>A user can never read or change another user's image session, not even by guessing a version id.</summary>
public class SessionIsolationTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private const string NoActiveSession = "No active image session. Please generate an image first.";
    private const string VersionNotFound = "Image version not found.";
    private const string Self = "/api/v1/identities/image-session";

    [Fact]
    public async Task Another_users_session_is_invisible_and_untouchable()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(referenceCount: 1, name: "Isolation");
        var (alice, aliceId) = await factory.CreateUserClientAsync();
        var (bob, bobId) = await factory.CreateUserClientAsync();
        using var _alice = alice;
        using var _bob = bob;
        var generated = await admin.PostAsJsonAsync("/api/v1/admin/identities/generate-image/",
            new { user_id = aliceId, identity_id = identityId, resolution = "1K", aspect_ratio = "1:1" });
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        var aliceSession = await generated.ReadAsAsync<ImageSessionResponse>();
        var aliceVersion = aliceSession.VersionId!.Value;
        var aliceSessionId = aliceSession.SessionId!.Value;

        // Alice sees her own session through the self endpoints.
        var aliceStatus = await alice.GetAsAsync<ImageSessionResponse>($"{Self}/");
        Assert.True(aliceStatus.HasActiveSession);
        Assert.Equal(aliceVersion, aliceStatus.VersionId);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"{Self}/versions/{aliceVersion}/image/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"{Self}/versions/{aliceVersion}/thumbnail/")).StatusCode);

        // Bob's self endpoints show nothing of it.
        var bobStatus = await (await bob.GetAsync($"{Self}/")).ReadWithoutImageBase64Async();
        Assert.False(bobStatus.HasActiveSession);
        Assert.Null(bobStatus.SessionId);
        Assert.Empty(await bob.GetAsAsync<List<ImageJobResponse>>($"{Self}/jobs/"));
        var bobHistory = await bob.GetAsAsync<ImageSessionHistoryResponse>($"{Self}/history/");
        Assert.Empty(bobHistory.Versions);
        Assert.Null(bobHistory.SessionId);

        // Bob cannot fetch Alice's version by id, nor change her session.
        await (await bob.GetAsync($"{Self}/versions/{aliceVersion}/image/")).AssertProblemAsync(HttpStatusCode.NotFound, VersionNotFound);
        await (await bob.GetAsync($"{Self}/versions/{aliceVersion}/thumbnail/")).AssertProblemAsync(HttpStatusCode.NotFound, VersionNotFound);
        await (await bob.PostAsJsonAsync($"{Self}/select/", new { version_id = aliceVersion })).AssertProblemAsync(HttpStatusCode.BadRequest, NoActiveSession);
        await (await bob.PostAsJsonAsync($"{Self}/undo/", new { })).AssertProblemAsync(HttpStatusCode.BadRequest, NoActiveSession);
        await (await bob.PostAsJsonAsync($"{Self}/redo/", new { })).AssertProblemAsync(HttpStatusCode.BadRequest, NoActiveSession);
        await (await bob.PostAsJsonAsync("/api/v1/identities/edit-image/", new { edit_prompt = "invert" })).AssertProblemAsync(HttpStatusCode.BadRequest, NoActiveSession);

        // Even with a session of his own, Alice's versions are not his.
        var bobGenerated = await bob.PostAsJsonAsync("/api/v1/identities/generate-image/",
            new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1" });
        Assert.Equal(HttpStatusCode.OK, bobGenerated.StatusCode);
        var bobSession = await bobGenerated.ReadAsAsync<ImageSessionResponse>();
        Assert.NotNull(bobSession.SessionId);
        Assert.NotEqual(aliceSessionId, bobSession.SessionId);
        var bobVersion = bobSession.VersionId!.Value;
        await (await bob.PostAsJsonAsync($"{Self}/select/", new { version_id = aliceVersion })).AssertProblemAsync(HttpStatusCode.NotFound, VersionNotFound);
        await (await bob.GetAsync($"{Self}/versions/{aliceVersion}/image/")).AssertProblemAsync(HttpStatusCode.NotFound, VersionNotFound);
        await (await bob.GetAsync($"{Self}/versions/{aliceVersion}/thumbnail/")).AssertProblemAsync(HttpStatusCode.NotFound, VersionNotFound);
        var bobVersions = (await bob.SessionVersionsAsync()).Select(v => v.Id).ToList();
        Assert.Equal([bobVersion], bobVersions);
        Assert.Equal(HttpStatusCode.OK, (await bob.PostAsJsonAsync("/api/v1/identities/edit-image/", new { edit_prompt = "invert" })).StatusCode);

        // And Alice cannot reach Bob's.
        await (await alice.GetAsync($"{Self}/versions/{bobVersion}/image/")).AssertProblemAsync(HttpStatusCode.NotFound, VersionNotFound);
        await (await alice.PostAsJsonAsync($"{Self}/select/", new { version_id = bobVersion })).AssertProblemAsync(HttpStatusCode.NotFound, VersionNotFound);

        // The admin routes check the pairing of user and version too.
        await (await admin.GetAsync($"/api/v1/admin/users/{bobId}/image-session/versions/{aliceVersion}/image/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, VersionNotFound);
        await (await admin.GetAsync($"/api/v1/admin/users/{bobId}/image-session/versions/{aliceVersion}/thumbnail/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, VersionNotFound);
        await (await admin.PostAsJsonAsync($"/api/v1/admin/users/{bobId}/image-session/select/", new { version_id = aliceVersion }))
            .AssertProblemAsync(HttpStatusCode.NotFound, VersionNotFound);
        Assert.Equal(HttpStatusCode.OK,
            (await admin.GetAsync($"/api/v1/admin/users/{aliceId}/image-session/versions/{aliceVersion}/image/")).StatusCode);

        // After all that, Alice's session is exactly as it was.
        var after = await alice.GetAsAsync<ImageSessionResponse>($"{Self}/");
        Assert.Equal(aliceSessionId, after.SessionId);
        Assert.Equal(aliceVersion, after.VersionId);
        Assert.Single(await alice.SessionVersionsAsync());
    }

    [Fact]
    public async Task A_version_image_url_only_answers_its_owner()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync(referenceCount: 1, name: "Urls");
        var (alice, _) = await factory.CreateUserClientAsync();
        var (bob, _) = await factory.CreateUserClientAsync();
        using var _alice = alice;
        using var _bob = bob;
        var generated = await (await alice.PostAsJsonAsync("/api/v1/identities/generate-image/",
            new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1" })).ReadAsAsync<ImageSessionResponse>();
        var imageUrl = generated.ImageUrl!;
        var thumbnailUrl = (await alice.SessionVersionsAsync())[0].ThumbnailUrl;

        foreach (var url in new[] { imageUrl, thumbnailUrl })
        {
            Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync(url)).StatusCode);
            await (await bob.GetAsync(url)).AssertProblemAsync(HttpStatusCode.NotFound, VersionNotFound);
            // The admin's own self path is a user path too: the admin has no such version.
            await (await admin.GetAsync(url)).AssertProblemAsync(HttpStatusCode.NotFound, VersionNotFound);
        }
    }
}
