namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>Versions, undo, redo, select and branching.</summary>
public sealed class ImageHistoryTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private async Task<(HttpClient Client, Guid IdentityId)> StartAsync()
    {
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var generated = await client.PostAsJsonAsync("/api/v1/identities/generate-image/", new { identity_id = identityId, resolution = "1K", aspect_ratio = "3:2" });
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        return (client, identityId);
    }

    /// <summary>The version a session answer stands on; it must have one.</summary>
    private static Guid VersionOf(ImageSessionResponse body) => body.VersionId ?? throw new Xunit.Sdk.XunitException("The answer has no version_id.");

    [Fact]
    public async Task Undo_and_redo_walk_the_versions()
    {
        var (client, _) = await StartAsync();
        var root = VersionOf(await client.GetAsAsync<ImageSessionResponse>($"{Session}/"));
        var a = await client.EditAsync("rotate 90");
        var b = await client.EditAsync("invert");
        Assert.False(b.CanRedo);

        var undone = await (await client.PostAsync($"{Session}/undo/", null)).ReadWithoutImageBase64Async();
        Assert.Equal(VersionOf(a), VersionOf(undone));
        Assert.True(undone.CanUndo);
        Assert.True(undone.CanRedo);
        Assert.Equal(a.ImageBase64, Convert.ToBase64String(await client.GetByteArrayAsync(undone.ImageUrl)));

        var undoneTwice = await (await client.PostAsync($"{Session}/undo/", null)).ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(root, VersionOf(undoneTwice));
        Assert.False(undoneTwice.CanUndo);
        await (await client.PostAsync($"{Session}/undo/", null)).AssertProblemAsync(HttpStatusCode.BadRequest, "Nothing to undo.");

        Assert.Equal(VersionOf(a), VersionOf(await (await client.PostAsync($"{Session}/redo/", null)).ReadAsAsync<ImageSessionResponse>()));
        var redone = await (await client.PostAsync($"{Session}/redo/", null)).ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(VersionOf(b), VersionOf(redone));
        Assert.Equal("invert", redone.LastPrompt);
        await (await client.PostAsync($"{Session}/redo/", null)).AssertProblemAsync(HttpStatusCode.BadRequest, "Nothing to redo.");

        // An edit after undo starts from the undone-to image.
        await client.PostAsync($"{Session}/undo/", null);
        var fromA = await client.EditAsync("rotate 90");
        using var image = TestImages.Decode(fromA.ImageBase64!);
        Assert.Equal((1024, 683), (image.Width, image.Height)); // 3:2 rotated twice
    }

    [Fact]
    public async Task Editing_an_older_version_branches_and_keeps_the_newer_line()
    {
        var (client, _) = await StartAsync();
        var root = VersionOf(await client.GetAsAsync<ImageSessionResponse>($"{Session}/"));
        var a = VersionOf(await client.EditAsync("rotate 90"));
        var b = VersionOf(await client.EditAsync("invert"));

        var selected = await (await client.PostAsJsonAsync($"{Session}/select/", new { version_id = root })).ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(root, VersionOf(selected));
        Assert.True(selected.CanRedo);
        var c = VersionOf(await client.EditAsync("sepia"));

        var history = await client.GetAsAsync<ImageSessionHistoryResponse>($"{Session}/history/");
        var versions = history.Versions;
        Assert.Equal([root, a, b, c], versions.Select(v => v.Id));
        Assert.Equal(c, history.CurrentVersionId);
        var byId = versions.ToDictionary(v => v.Id);
        Assert.Null(byId[root].ParentId);
        Assert.Equal(root, byId[a].ParentId);
        Assert.Equal(a, byId[b].ParentId);
        Assert.Equal(root, byId[c].ParentId);
        Assert.Equal("generate", byId[root].Kind);
        Assert.Equal("edit", byId[c].Kind);
        Assert.Equal("sepia", byId[c].Prompt);
        Assert.True(byId[c].IsCurrent);
        Assert.Equal("local", byId[c].Provider);
        Assert.True(byId[c].DurationMs >= 0);

        // The older line is still reachable, and redo from the root goes to the newest child.
        Assert.Equal(b, VersionOf(await (await client.PostAsJsonAsync($"{Session}/select/", new { version_id = b })).ReadAsAsync<ImageSessionResponse>()));
        await client.PostAsJsonAsync($"{Session}/select/", new { version_id = root });
        Assert.Equal(c, VersionOf(await (await client.PostAsync($"{Session}/redo/", null)).ReadAsAsync<ImageSessionResponse>()));

        // Thumbnails are small PNGs.
        var thumbnail = await client.GetAsync(byId[c].ThumbnailUrl);
        Assert.Equal("image/png", thumbnail.Content.Headers.ContentType?.MediaType);
        using var thumb = TestImages.Decode(await thumbnail.Content.ReadAsByteArrayAsync());
        Assert.Equal(256, Math.Max(thumb.Width, thumb.Height));
    }

    [Fact]
    public async Task Selecting_a_version_of_no_session_or_an_unknown_version_fails_clearly()
    {
        var (client, _) = await StartAsync();
        await (await client.PostAsJsonAsync($"{Session}/select/", new { version_id = Guid.NewGuid() }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Image version not found.");
        await (await client.PostAsJsonAsync($"{Session}/select/", new { version_id = "x" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "version_id must be a UUID.");
        var (fresh, _) = await factory.CreateUserClientAsync();
        await (await fresh.PostAsync($"{Session}/undo/", null))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "No active image session. Please generate an image first.");
        var history = await fresh.GetAsAsync<ImageSessionHistoryResponse>($"{Session}/history/");
        Assert.Empty(history.Versions);
    }

    [Fact]
    public async Task Admin_moves_through_a_users_versions_by_user_id()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var (_, userId) = await factory.CreateUserClientAsync();
        var first = await (await admin.PostAsJsonAsync("/api/v1/admin/identities/generate-image/", new { user_id = userId, identity_id = identityId, resolution = "1K" })).ReadAsAsync<ImageSessionResponse>();
        await admin.PostAsJsonAsync("/api/v1/admin/identities/edit-image/", new { user_id = userId, edit_prompt = "invert" });

        var prefix = $"/api/v1/admin/users/{userId}/image-session";
        var undone = await (await admin.PostAsync($"{prefix}/undo/", null)).ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(VersionOf(first), VersionOf(undone));
        var history = await admin.GetAsAsync<ImageSessionHistoryResponse>($"{prefix}/history/");
        Assert.Equal(2, history.Versions.Count);
        Assert.All(history.Versions, v => Assert.StartsWith($"{prefix}/versions/", v.ImageUrl));
        Assert.StartsWith($"{prefix}/versions/", undone.ImageUrl);
        var image = await admin.GetAsync(undone.ImageUrl);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal(Convert.FromBase64String(first.ImageBase64!), await image.Content.ReadAsByteArrayAsync());

        var selected = await (await admin.PostAsJsonAsync($"{prefix}/select/", new { version_id = history.Versions[1].Id })).ReadAsAsync<ImageSessionResponse>();
        Assert.True(selected.CanUndo);
        Assert.Equal(VersionOf(selected), VersionOf(await admin.GetAsAsync<ImageSessionResponse>($"{prefix}/redo/".Replace("redo/", ""))));
    }
}
