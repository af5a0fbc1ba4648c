using System.Net.Http.Headers;
using System.Security.Cryptography;
using Likeness.Api.Data;
using Likeness.Api.ImageGeneration;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>
/// The library of past sessions: Generate New (or a start from a photo) keeps the replaced session read-only,
/// its versions can be read, it can be reopened or deleted, it expires, and the store keeps what it uses.
/// </summary>
public sealed class ImageSessionLibraryTests
{
    private const string Generate = "/api/v1/identities/generate-image/";
    private const string Edit = "/api/v1/identities/edit-image/";
    private const string Status = "/api/v1/identities/image-session/";
    private const string Library = "/api/v1/identities/image-session/library/";
    private const string Upload = "/api/v1/identities/image-session/start-from-upload/";

    private static string KeyOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static async Task<JsonElement> GenerateAsync(HttpClient client, Guid identityId, string prompt = "", string aspectRatio = "1:1")
    {
        var response = await client.PostAsJsonAsync(Generate,
            new { identity_id = identityId, resolution = "1K", aspect_ratio = aspectRatio, additional_prompt = prompt });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private static async Task<JsonElement> EditAsync(HttpClient client, string prompt)
    {
        var response = await client.PostAsJsonAsync(Edit, new { edit_prompt = prompt });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private static MultipartFormDataContent UploadForm(Guid identityId, byte[] image, string contentType = "image/png", string fileName = "me.png")
    {
        var form = new MultipartFormDataContent { { new StringContent(identityId.ToString()), "identity_id" } };
        var part = new ByteArrayContent(image);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(part, "image", fileName);
        return form;
    }

    [Fact]
    public async Task Generate_new_keeps_the_replaced_session_read_only_in_the_library_with_every_version()
    {
        await using var factory = new LikenessApiFactory();
        var (client, identityId, generated) = await factory.StartSessionAsync("1:1");
        var edited = await EditAsync(client, "invert");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Library)).StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>(Library)).EnumerateArray());

        var second = await GenerateAsync(client, identityId, "second");

        var entry = Assert.Single((await client.GetFromJsonAsync<JsonElement>(Library)).EnumerateArray());
        var sessionId = generated.SessionId;
        Assert.Equal(sessionId, entry.GetProperty("id").GetGuid());
        Assert.Equal(identityId, entry.GetProperty("identity_id").GetGuid());
        Assert.Equal("Ada", entry.GetProperty("identity_name").GetString());
        Assert.False(entry.GetProperty("identity_deleted").GetBoolean());
        Assert.Equal(2, entry.GetProperty("version_count").GetInt32());
        Assert.Equal(edited.GetProperty("version_id").GetGuid(), entry.GetProperty("current_version_id").GetGuid());
        Assert.True(entry.GetProperty("archived_at").GetDateTime() >= entry.GetProperty("created_at").GetDateTime());
        Assert.InRange(entry.GetProperty("expires_at").GetDateTime() - DateTime.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));
        var prefix = $"{Library}{sessionId}";
        Assert.Equal($"{prefix}/versions/{edited.GetProperty("version_id").GetGuid()}/thumbnail/", entry.GetProperty("thumbnail_url").GetString());
        Assert.Equal($"{prefix}/", entry.GetProperty("history_url").GetString());

        // The last image and its thumbnail, as the cards show them.
        var last = await client.GetByteArrayAsync(entry.GetProperty("image_url").GetString());
        Assert.Equal(edited.GetProperty("image_base64").GetString(), Convert.ToBase64String(last));
        using var thumbnail = TestImages.Decode(await client.GetByteArrayAsync(entry.GetProperty("thumbnail_url").GetString()));
        Assert.Equal(256, Math.Max(thumbnail.Width, thumbnail.Height));

        // Every version, with its own URLs; the generated one decodes to the very pixels it had.
        var history = await client.GetFromJsonAsync<JsonElement>($"{prefix}/");
        Assert.Equal(sessionId, history.GetProperty("session_id").GetGuid());
        var versions = history.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["generate", "edit"], versions.Select(v => v.GetProperty("kind").GetString()));
        Assert.True(versions[1].GetProperty("is_current").GetBoolean());
        var first = await client.GetByteArrayAsync(versions[0].GetProperty("image_url").GetString());
        using var firstPixels = TestImages.Decode(first);
        using var generatedPixels = TestImages.Decode(generated.ImageBase64!);
        Assert.Equal(generatedPixels.GetPixel(10, 10), firstPixels.GetPixel(10, 10));
        using var editedPixels = TestImages.Decode(last);
        var (g, e) = (generatedPixels.GetPixel(10, 10), editedPixels.GetPixel(10, 10));
        Assert.Equal((byte)(255 - g.Red), e.Red); // the edit was an invert

        // Read-only: the active session is the new one, and undo cannot reach the old one.
        var status = await client.GetFromJsonAsync<JsonElement>(Status);
        Assert.Equal(second.GetProperty("session_id").GetGuid(), status.GetProperty("session_id").GetGuid());
        await (await client.PostAsync($"{Status}undo/", null)).AssertProblemAsync(HttpStatusCode.BadRequest, "Nothing to undo.");
        await (await client.PostAsJsonAsync($"{Status}select/", new { version_id = versions[0].GetProperty("id").GetGuid() }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Image version not found.");

        // Another user finds nothing of it; a version of another session is not this session's.
        var (stranger, _) = await factory.CreateUserClientAsync();
        Assert.Empty((await stranger.GetFromJsonAsync<JsonElement>(Library)).EnumerateArray());
        await (await stranger.GetAsync($"{prefix}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");
        await (await stranger.GetAsync(versions[0].GetProperty("image_url").GetString()))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Image version not found.");
        await (await client.GetAsync($"{prefix}/versions/{second.GetProperty("version_id").GetGuid()}/image/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Image version not found.");
        await (await client.GetAsync($"{Library}{second.GetProperty("session_id").GetGuid()}/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");
    }

    [Fact]
    public async Task Reopen_makes_a_library_session_active_again_and_sends_the_active_one_to_the_library()
    {
        await using var factory = new LikenessApiFactory();
        var (client, identityId, generated) = await factory.StartSessionAsync("1:1");
        var edited = await EditAsync(client, "invert");
        var second = await GenerateAsync(client, identityId, "second");
        var oldId = generated.SessionId;
        var email = await EmailOf(client);
        factory.Clock.Advance(TimeSpan.FromDays(3));
        client = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);

        var reopened = await client.PostAsync($"{Library}{oldId}/reopen/", null);
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        var status = await reopened.JsonAsync();
        Assert.True(status.GetProperty("has_active_session").GetBoolean());
        Assert.Equal(oldId, status.GetProperty("session_id").GetGuid());
        Assert.Equal(edited.GetProperty("version_id").GetGuid(), status.GetProperty("version_id").GetGuid());
        Assert.True(status.GetProperty("can_undo").GetBoolean());
        Assert.Equal($"{Status}versions/{edited.GetProperty("version_id").GetGuid()}/image/", status.GetProperty("image_url").GetString());
        // Its idle time starts over.
        Assert.InRange(status.GetProperty("expires_at").GetDateTime() - factory.Clock.GetUtcNow().UtcDateTime,
            TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));

        var entry = Assert.Single((await client.GetFromJsonAsync<JsonElement>(Library)).EnumerateArray());
        Assert.Equal(second.GetProperty("session_id").GetGuid(), entry.GetProperty("id").GetGuid());

        // Edits go on from where it stood, and undo walks its history.
        var next = await EditAsync(client, "rotate 90");
        var history = await client.GetFromJsonAsync<JsonElement>($"{Status}history/");
        Assert.Equal(3, history.GetProperty("versions").GetArrayLength());
        Assert.Equal(edited.GetProperty("version_id").GetGuid(),
            history.GetProperty("versions")[2].GetProperty("parent_id").GetGuid());
        Assert.Equal(next.GetProperty("version_id").GetGuid(), history.GetProperty("current_version_id").GetGuid());

        // Reopening what is not in the library is a 404 (the active session, an unknown id).
        await (await client.PostAsync($"{Library}{oldId}/reopen/", null))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");
        await (await client.PostAsync($"{Library}{Guid.NewGuid()}/reopen/", null))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");
    }

    [Fact]
    public async Task Reopen_while_an_edit_runs_is_a_409_and_the_edit_lands_on_the_active_session()
    {
        await using var factory = LikenessApiFactory.WithScriptedProvider(out var provider);
        var (client, identityId, generated) = await factory.StartSessionAsync("1:1");
        var second = await GenerateAsync(client, identityId, "second");
        var oldId = generated.SessionId;

        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = provider.Calls;
        var edit = client.PostAsJsonAsync(Edit, new { edit_prompt = "invert" });
        await provider.WaitForCallsAsync(calls + 1); // the edit is inside the provider, holding the active session

        await (await client.PostAsync($"{Library}{oldId}/reopen/", null))
            .AssertProblemAsync(HttpStatusCode.Conflict, "An image is still being made. Try again when it finishes.");

        provider.Gate.SetResult();
        provider.Gate = null;
        var edited = await edit;
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var status = await client.GetFromJsonAsync<JsonElement>(Status);
        Assert.Equal(second.GetProperty("session_id").GetGuid(), status.GetProperty("session_id").GetGuid());
        Assert.Equal((await edited.JsonAsync()).GetProperty("version_id").GetGuid(), status.GetProperty("version_id").GetGuid());
        var entry = Assert.Single((await client.GetFromJsonAsync<JsonElement>(Library)).EnumerateArray());
        Assert.Equal(oldId, entry.GetProperty("id").GetGuid());
        Assert.Equal(1, entry.GetProperty("version_count").GetInt32());

        // Once the edit is done, the reopen goes through, and the edited session goes to the library whole.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"{Library}{oldId}/reopen/", null)).StatusCode);
        entry = Assert.Single((await client.GetFromJsonAsync<JsonElement>(Library)).EnumerateArray());
        Assert.Equal(second.GetProperty("session_id").GetGuid(), entry.GetProperty("id").GetGuid());
        Assert.Equal(2, entry.GetProperty("version_count").GetInt32());
    }

    [Fact]
    public async Task Generate_new_archives_the_old_session_without_its_lease_and_leaves_one_active_session()
    {
        await using var factory = new LikenessApiFactory();
        var (client, identityId, generated) = await factory.StartSessionAsync("1:1");
        await GenerateAsync(client, identityId, "second");
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LikenessDbContext>();
        var old = await db.ImageGenerationSessions.AsNoTracking().SingleAsync(s => s.Id == generated.SessionId);
        Assert.NotNull(old.ArchivedAt);
        Assert.Null(old.LeaseToken);
        Assert.Equal(1, await db.ImageGenerationSessions.CountAsync(s => s.ArchivedAt == null));
    }

    [Fact]
    public async Task Delete_removes_a_library_session_and_only_the_images_nothing_else_uses()
    {
        await using var factory = new LikenessApiFactory();
        var (alice, identityId, generated) = await factory.StartSessionAsync("1:1");
        var edited = await EditAsync(alice, "invert");
        await GenerateAsync(alice, identityId, "second");
        // Bob's identical request makes the very same bytes as Alice's first image: one blob, two rows.
        var (bob, _) = await factory.CreateUserClientAsync();
        var bobs = await GenerateAsync(bob, identityId);
        var shared = KeyOf(Convert.FromBase64String(generated.ImageBase64!));
        Assert.Equal(shared, KeyOf(Convert.FromBase64String(bobs.GetProperty("image_base64").GetString()!)));
        var aliceOnly = KeyOf(Convert.FromBase64String(edited.GetProperty("image_base64").GetString()!));
        var oldId = generated.SessionId;

        await (await bob.DeleteAsync($"{Library}{oldId}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");
        await (await alice.DeleteAsync($"{Library}{(await alice.GetFromJsonAsync<JsonElement>(Status)).GetProperty("session_id").GetGuid()}/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found."); // the active one is not the library's

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"{Library}{oldId}/")).StatusCode);
        Assert.Empty((await alice.GetFromJsonAsync<JsonElement>(Library)).EnumerateArray());
        await (await alice.DeleteAsync($"{Library}{oldId}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");

        var store = factory.Services.GetRequiredService<IImageStore>();
        Assert.Null(await store.GetAsync(aliceOnly));
        Assert.NotNull(await store.GetAsync(shared));
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync(bobs.GetProperty("image_url").GetString())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync((await alice.GetFromJsonAsync<JsonElement>(Status)).GetProperty("image_url").GetString())).StatusCode);
    }

    [Fact]
    public async Task Library_sessions_expire_like_sessions_and_the_cleaner_deletes_their_images()
    {
        await using var factory = new LikenessApiFactory();
        var (_, email) = await factory.CreateUserAsync();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var client = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        var first = await GenerateAsync(client, identityId, "first");
        var edited = await EditAsync(client, "invert");
        factory.Clock.Advance(TimeSpan.FromDays(5));
        client = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        await GenerateAsync(client, identityId, "second");

        // The library session was last used 5 days ago: 2 more days and it is gone; the active one stays.
        factory.Clock.Advance(TimeSpan.FromDays(2.1));
        client = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>(Library)).EnumerateArray());
        await (await client.GetAsync($"{Library}{first.GetProperty("session_id").GetGuid()}/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");
        await (await client.PostAsync($"{Library}{first.GetProperty("session_id").GetGuid()}/reopen/", null))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");
        Assert.True((await client.GetFromJsonAsync<JsonElement>(Status)).GetProperty("has_active_session").GetBoolean());

        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ExpiredSessionCleaner>().RunOnceAsync());
        var db = scope.ServiceProvider.GetRequiredService<LikenessDbContext>();
        Assert.Equal(1, await db.ImageGenerationSessions.CountAsync());
        Assert.Equal(1, await db.ImageVersions.CountAsync());
        var store = factory.Services.GetRequiredService<IImageStore>();
        Assert.Null(await store.GetAsync(KeyOf(Convert.FromBase64String(edited.GetProperty("image_base64").GetString()!))));
    }

    [Fact]
    public async Task A_library_session_whose_identity_was_deleted_says_so_and_still_shows_its_images()
    {
        await using var factory = new LikenessApiFactory();
        using var admin = await factory.CreateAdminClientAsync();
        var (client, identityId, generated) = await factory.StartSessionAsync("1:1");
        var other = await admin.CreateIdentityAsync(name: "Bob");
        await GenerateAsync(client, other);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/admin/identities/{identityId}/")).StatusCode);

        var entry = Assert.Single((await client.GetFromJsonAsync<JsonElement>(Library)).EnumerateArray());
        Assert.True(entry.GetProperty("identity_deleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("identity_name").ValueKind);
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("identity_id").ValueKind);
        var image = await client.GetByteArrayAsync(entry.GetProperty("image_url").GetString());
        Assert.Equal(generated.ImageBase64, Convert.ToBase64String(image));
    }

    [Fact]
    public async Task An_admin_reads_and_reopens_a_users_library_under_the_users_prefix()
    {
        await using var factory = new LikenessApiFactory();
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var (userId, _) = await factory.CreateUserAsync();
        var prefix = $"/api/v1/admin/users/{userId}/image-session";
        var first = await (await admin.PostAsJsonAsync("/api/v1/admin/identities/generate-image/",
            new { user_id = userId, identity_id = identityId, resolution = "1K", aspect_ratio = "1:1" })).JsonAsync();
        await admin.PostAsJsonAsync("/api/v1/admin/identities/generate-image/",
            new { user_id = userId, identity_id = identityId, resolution = "1K", aspect_ratio = "1:1", additional_prompt = "again" });

        var entry = Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"{prefix}/library/")).EnumerateArray());
        var sessionId = first.GetProperty("session_id").GetGuid();
        Assert.Equal($"{prefix}/library/{sessionId}/versions/{first.GetProperty("version_id").GetGuid()}/image/",
            entry.GetProperty("image_url").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(entry.GetProperty("image_url").GetString())).StatusCode);
        var history = await admin.GetFromJsonAsync<JsonElement>($"{prefix}/library/{sessionId}/");
        Assert.StartsWith($"{prefix}/library/", history.GetProperty("versions")[0].GetProperty("thumbnail_url").GetString());
        var reopened = await (await admin.PostAsync($"{prefix}/library/{sessionId}/reopen/", null)).JsonAsync();
        Assert.Equal(sessionId, reopened.GetProperty("session_id").GetGuid());
        await (await admin.GetAsync($"/api/v1/admin/users/{Guid.NewGuid()}/image-session/library/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "User not found.");
    }

    [Fact]
    public async Task Start_from_upload_makes_the_photo_version_one_and_edits_go_on_from_it()
    {
        await using var factory = new LikenessApiFactory();
        var (client, identityId, generated) = await factory.StartSessionAsync("1:1");
        var photo = TestImages.QuadrantsPng(300, 200);

        var response = await client.PostAsync(Upload, UploadForm(identityId, photo));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await response.JsonAsync();
        Assert.True(status.GetProperty("has_active_session").GetBoolean());
        Assert.NotEqual(generated.SessionId, status.GetProperty("session_id").GetGuid());
        Assert.Equal(identityId, status.GetProperty("session_identity_id").GetGuid());
        Assert.Equal(300, status.GetProperty("width").GetInt32());
        Assert.Equal(200, status.GetProperty("height").GetInt32());
        Assert.Equal("3:2", status.GetProperty("aspect_ratio").GetString());
        Assert.Equal("upload", status.GetProperty("provider").GetString());
        Assert.False(status.GetProperty("can_undo").GetBoolean());
        Assert.False(status.TryGetProperty("image_base64", out _));
        Assert.Equal(photo, await client.GetByteArrayAsync(status.GetProperty("image_url").GetString()));
        var history = await client.GetFromJsonAsync<JsonElement>($"{Status}history/");
        var root = Assert.Single(history.GetProperty("versions").EnumerateArray());
        Assert.Equal("upload", root.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("parent_id").ValueKind);

        // The generated session went to the library, as with Generate New.
        var entry = Assert.Single((await client.GetFromJsonAsync<JsonElement>(Library)).EnumerateArray());
        Assert.Equal(generated.SessionId, entry.GetProperty("id").GetGuid());

        // An edit goes on from the photo: inverted pixels, same size, and undo leads back to it.
        var edited = await EditAsync(client, "invert");
        using var before = TestImages.Decode(photo);
        using var after = TestImages.Decode(edited.GetProperty("image_base64").GetString()!);
        Assert.Equal((before.Width, before.Height), (after.Width, after.Height));
        var (b, a) = (before.GetPixel(10, 10), after.GetPixel(10, 10));
        Assert.Equal((255 - b.Red, 255 - b.Green, 255 - b.Blue), (a.Red, a.Green, a.Blue));
        var undone = await (await client.PostAsync($"{Status}undo/", null)).JsonAsync();
        Assert.Equal(root.GetProperty("id").GetGuid(), undone.GetProperty("version_id").GetGuid());

        // A JPEG and a WebP are taken too; the upload replaced the photo session in turn.
        foreach (var (bytes, type) in new[] { (TestImages.Jpeg(64, 64, SKColors.Teal), "image/jpeg"), (TestImages.Webp(90, 160, SKColors.Gold), "image/webp") })
        {
            var again = await (await client.PostAsync(Upload, UploadForm(identityId, bytes, type, "me.img"))).JsonAsync();
            Assert.Equal(type, again.GetProperty("mime_type").GetString());
        }
        Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>(Library)).GetArrayLength());
        Assert.Equal("9:16", (await client.GetFromJsonAsync<JsonElement>(Status)).GetProperty("aspect_ratio").GetString());
    }

    [Fact]
    public async Task Start_from_upload_checks_the_photo_like_a_reference_image_and_changes_nothing_when_refused()
    {
        await using var factory = new LikenessApiFactory();
        var (client, identityId, _) = await factory.StartSessionAsync("1:1");
        var before = await client.GetStringAsync(Status);

        await (await client.PostAsync(Upload, UploadForm(identityId, "not an image at all"u8.ToArray(), "image/png", "fake.png")))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "\"fake.png\" is not a PNG, JPEG or WebP image. Only those types are accepted.");
        var truncated = TestImages.Png(200, 200, SKColors.Teal)[..60];
        await (await client.PostAsync(Upload, UploadForm(identityId, truncated, "image/png", "cut.png")))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "\"cut.png\" could not be decoded: the image is corrupt or incomplete.");
        await (await client.PostAsync(Upload, UploadForm(identityId, [], "image/png", "empty.png")))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "\"empty.png\" is empty.");
        await (await client.PostAsync(Upload, UploadForm(Guid.NewGuid(), TestImages.Png(20, 20, SKColors.Teal))))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Identity not found.");
        using var admin = await factory.CreateAdminClientAsync();
        var bare = await admin.CreateIdentityAsync(referenceCount: 0, name: "Bare");
        await (await client.PostAsync(Upload, UploadForm(bare, TestImages.Png(20, 20, SKColors.Teal))))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "Reference images are required for image generation.");
        var noImage = new MultipartFormDataContent { { new StringContent(identityId.ToString()), "identity_id" } };
        await (await client.PostAsync(Upload, noImage)).AssertProblemAsync(HttpStatusCode.BadRequest, "No image was sent. Send the photo as a multipart part named 'image'.");
        var noIdentity = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Png(20, 20, SKColors.Teal)), "image", "me.png" } };
        await (await client.PostAsync(Upload, noIdentity)).AssertProblemAsync(HttpStatusCode.BadRequest, "identity_id is required.");
        await (await client.PostAsJsonAsync(Upload, new { identity_id = identityId }))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "Send the request body as multipart/form-data.");

        Assert.Equal(before, await client.GetStringAsync(Status));
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>(Library)).EnumerateArray());
    }

    private static async Task<string> EmailOf(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me")).GetProperty("email").GetString()!;
}
