using Likeness.Api.ImageGeneration;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>Versions, undo, redo, select and branching.</summary>
public sealed class ImageHistoryTests(LikenessApiFactory factory) : IClassFixture<LikenessApiFactory>
{
    private const string Session = "/api/v1/identities/image-session";

    private async Task<(HttpClient Client, Guid IdentityId)> StartAsync()
    {
        var (client, _) = await factory.CreateUserClientAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var generated = await client.PostAsJsonAsync("/api/v1/identities/generate-image/", new { identity_id = identityId, resolution = "1K", aspect_ratio = "3:2" });
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        return (client, identityId);
    }

    private static async Task<JsonElement> EditAsync(HttpClient client, string prompt)
    {
        var response = await client.PostAsJsonAsync("/api/v1/identities/edit-image/", new { edit_prompt = prompt });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static Guid VersionOf(JsonElement body) => body.GetProperty("version_id").GetGuid();

    [Fact]
    public async Task Undo_and_redo_walk_the_versions()
    {
        var (client, _) = await StartAsync();
        var root = VersionOf(await client.GetFromJsonAsync<JsonElement>($"{Session}/"));
        var a = await EditAsync(client, "rotate 90");
        var b = await EditAsync(client, "invert");
        Assert.False(b.GetProperty("can_redo").GetBoolean());

        var undone = await (await client.PostAsync($"{Session}/undo/", null)).JsonAsync();
        Assert.Equal(VersionOf(a), VersionOf(undone));
        Assert.True(undone.GetProperty("can_undo").GetBoolean());
        Assert.True(undone.GetProperty("can_redo").GetBoolean());
        Assert.False(undone.TryGetProperty("image_base64", out _));
        Assert.Equal(a.GetProperty("image_base64").GetString(),
            Convert.ToBase64String(await client.GetByteArrayAsync(undone.GetProperty("image_url").GetString())));

        var undoneTwice = await (await client.PostAsync($"{Session}/undo/", null)).JsonAsync();
        Assert.Equal(root, VersionOf(undoneTwice));
        Assert.False(undoneTwice.GetProperty("can_undo").GetBoolean());
        await (await client.PostAsync($"{Session}/undo/", null)).AssertProblemAsync(HttpStatusCode.BadRequest, "Nothing to undo.");

        Assert.Equal(VersionOf(a), VersionOf(await (await client.PostAsync($"{Session}/redo/", null)).JsonAsync()));
        var redone = await (await client.PostAsync($"{Session}/redo/", null)).JsonAsync();
        Assert.Equal(VersionOf(b), VersionOf(redone));
        Assert.Equal("invert", redone.GetProperty("last_prompt").GetString());
        await (await client.PostAsync($"{Session}/redo/", null)).AssertProblemAsync(HttpStatusCode.BadRequest, "Nothing to redo.");

        // An edit after undo starts from the undone-to image.
        await client.PostAsync($"{Session}/undo/", null);
        var fromA = await EditAsync(client, "rotate 90");
        using var image = TestImages.Decode(fromA.GetProperty("image_base64").GetString()!);
        Assert.Equal((1024, 683), (image.Width, image.Height)); // 3:2 rotated twice
    }

    [Fact]
    public async Task Editing_an_older_version_branches_and_keeps_the_newer_line()
    {
        var (client, _) = await StartAsync();
        var root = VersionOf(await client.GetFromJsonAsync<JsonElement>($"{Session}/"));
        var a = VersionOf(await EditAsync(client, "rotate 90"));
        var b = VersionOf(await EditAsync(client, "invert"));

        var selected = await (await client.PostAsJsonAsync($"{Session}/select/", new { version_id = root })).JsonAsync();
        Assert.Equal(root, VersionOf(selected));
        Assert.True(selected.GetProperty("can_redo").GetBoolean());
        var c = VersionOf(await EditAsync(client, "sepia"));

        var history = await client.GetFromJsonAsync<JsonElement>($"{Session}/history/");
        var versions = history.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([root, a, b, c], versions.Select(v => v.GetProperty("id").GetGuid()));
        Assert.Equal(c, history.GetProperty("current_version_id").GetGuid());
        var byId = versions.ToDictionary(v => v.GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, byId[root].GetProperty("parent_id").ValueKind);
        Assert.Equal(root, byId[a].GetProperty("parent_id").GetGuid());
        Assert.Equal(a, byId[b].GetProperty("parent_id").GetGuid());
        Assert.Equal(root, byId[c].GetProperty("parent_id").GetGuid());
        Assert.Equal("generate", byId[root].GetProperty("kind").GetString());
        Assert.Equal("edit", byId[c].GetProperty("kind").GetString());
        Assert.Equal("sepia", byId[c].GetProperty("prompt").GetString());
        Assert.True(byId[c].GetProperty("is_current").GetBoolean());
        Assert.Equal("local", byId[c].GetProperty("provider").GetString());
        Assert.True(byId[c].GetProperty("duration_ms").GetInt64() >= 0);

        // The older line is still reachable, and redo from the root goes to the newest child.
        Assert.Equal(b, VersionOf(await (await client.PostAsJsonAsync($"{Session}/select/", new { version_id = b })).JsonAsync()));
        await client.PostAsJsonAsync($"{Session}/select/", new { version_id = root });
        Assert.Equal(c, VersionOf(await (await client.PostAsync($"{Session}/redo/", null)).JsonAsync()));

        // Thumbnails are small PNGs.
        var thumbnail = await client.GetAsync(byId[c].GetProperty("thumbnail_url").GetString());
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
        var history = await fresh.GetFromJsonAsync<JsonElement>($"{Session}/history/");
        Assert.Empty(history.GetProperty("versions").EnumerateArray());
    }

    [Fact]
    public async Task Admin_moves_through_a_users_versions_by_user_id()
    {
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var (_, userId) = await factory.CreateUserClientAsync();
        var first = await (await admin.PostAsJsonAsync("/api/v1/admin/identities/generate-image/", new { user_id = userId, identity_id = identityId, resolution = "1K" })).JsonAsync();
        await admin.PostAsJsonAsync("/api/v1/admin/identities/edit-image/", new { user_id = userId, edit_prompt = "invert" });

        var prefix = $"/api/v1/admin/users/{userId}/image-session";
        var undone = await (await admin.PostAsync($"{prefix}/undo/", null)).JsonAsync();
        Assert.Equal(VersionOf(first), VersionOf(undone));
        var history = await admin.GetFromJsonAsync<JsonElement>($"{prefix}/history/");
        Assert.Equal(2, history.GetProperty("versions").GetArrayLength());
        Assert.All(history.GetProperty("versions").EnumerateArray(),
            v => Assert.StartsWith($"{prefix}/versions/", v.GetProperty("image_url").GetString()));
        Assert.StartsWith($"{prefix}/versions/", undone.GetProperty("image_url").GetString());
        var image = await admin.GetAsync(undone.GetProperty("image_url").GetString());
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal(Convert.FromBase64String(first.GetProperty("image_base64").GetString()!), await image.Content.ReadAsByteArrayAsync());

        var selected = await (await admin.PostAsJsonAsync($"{prefix}/select/", new { version_id = history.GetProperty("versions")[1].GetProperty("id").GetGuid() })).JsonAsync();
        Assert.True(selected.GetProperty("can_undo").GetBoolean());
        Assert.Equal(VersionOf(selected), (await admin.GetFromJsonAsync<JsonElement>($"{prefix}/redo/".Replace("redo/", ""))).GetProperty("version_id").GetGuid());
    }
}
