using Likeness.Api.Data;
using Likeness.Api.Storage;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>
/// The library of past sessions: Generate New (or a start from a photo) keeps the replaced session read-only,
/// its versions can be read, it can be reopened or deleted, it expires, and the store keeps what it uses.
/// </summary>
public sealed class ImageSessionLibraryTests
{
    private const string Library = "/api/v1/identities/image-session/library/";
    private const string Upload = "/api/v1/identities/image-session/start-from-upload/";

    private static string KeyOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static async Task<ImageSessionResponse> GenerateAsync(HttpClient client, Guid identityId, string prompt = "", string aspectRatio = "1:1")
    {
        var response = await client.PostAsJsonAsync(Generate,
            new { identity_id = identityId, resolution = "1K", aspect_ratio = aspectRatio, additional_prompt = prompt });
        return await response.ReadAsAsync<ImageSessionResponse>();
    }

    private static Task<List<LibrarySessionResponse>> LibraryAsync(HttpClient client, string url = Library) =>
        client.GetAsAsync<List<LibrarySessionResponse>>(url);

    private static Task<ImageSessionResponse> StatusAsync(HttpClient client) => client.GetAsAsync<ImageSessionResponse>(Status);

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
        var edited = await client.EditAsync("invert");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Library)).StatusCode);
        Assert.Empty(await LibraryAsync(client));

        var second = await GenerateAsync(client, identityId, "second");

        var entry = Assert.Single(await LibraryAsync(client));
        var sessionId = generated.SessionId;
        Assert.Equal(sessionId, entry.Id);
        Assert.Equal(identityId, entry.IdentityId);
        Assert.Equal("Ada", entry.IdentityName);
        Assert.False(entry.IdentityDeleted);
        Assert.Equal(2, entry.VersionCount);
        Assert.Equal(edited.VersionId, entry.CurrentVersionId);
        Assert.True(entry.ArchivedAt >= entry.CreatedAt);
        Assert.InRange(entry.ExpiresAt - DateTime.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));
        var prefix = $"{Library}{sessionId}";
        Assert.Equal($"{prefix}/versions/{edited.VersionId}/thumbnail/", entry.ThumbnailUrl);
        Assert.Equal($"{prefix}/", entry.HistoryUrl);

        // The last image and its thumbnail, as the cards show them.
        var last = await client.GetByteArrayAsync(entry.ImageUrl);
        Assert.Equal(edited.ImageBase64, Convert.ToBase64String(last));
        using var thumbnail = TestImages.Decode(await client.GetByteArrayAsync(entry.ThumbnailUrl));
        Assert.Equal(256, Math.Max(thumbnail.Width, thumbnail.Height));

        // Every version, with its own URLs; the generated one decodes to the very pixels it had.
        var history = await client.GetAsAsync<ImageSessionHistoryResponse>($"{prefix}/");
        Assert.Equal(sessionId, history.SessionId);
        var versions = history.Versions;
        Assert.Equal(["generate", "edit"], versions.Select(v => v.Kind));
        Assert.True(versions[1].IsCurrent);
        var first = await client.GetByteArrayAsync(versions[0].ImageUrl);
        using var firstPixels = TestImages.Decode(first);
        using var generatedPixels = TestImages.Decode(generated.ImageBase64!);
        Assert.Equal(generatedPixels.GetPixel(10, 10), firstPixels.GetPixel(10, 10));
        using var editedPixels = TestImages.Decode(last);
        var (g, e) = (generatedPixels.GetPixel(10, 10), editedPixels.GetPixel(10, 10));
        Assert.Equal((byte)(255 - g.Red), e.Red); // the edit was an invert

        // Read-only: the active session is the new one, and undo cannot reach the old one.
        var status = await StatusAsync(client);
        Assert.Equal(second.SessionId, status.SessionId);
        await (await client.PostAsync($"{Status}undo/", null)).AssertProblemAsync(HttpStatusCode.BadRequest, "Nothing to undo.");
        await (await client.PostAsJsonAsync($"{Status}select/", new { version_id = versions[0].Id }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Image version not found.");

        // Another user finds nothing of it; a version of another session is not this session's.
        var (stranger, _) = await factory.CreateUserClientAsync();
        Assert.Empty(await LibraryAsync(stranger));
        await (await stranger.GetAsync($"{prefix}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");
        await (await stranger.GetAsync(versions[0].ImageUrl))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Image version not found.");
        await (await client.GetAsync($"{prefix}/versions/{second.VersionId}/image/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Image version not found.");
        await (await client.GetAsync($"{Library}{second.SessionId}/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");
    }

    [Fact]
    public async Task Reopen_makes_a_library_session_active_again_and_sends_the_active_one_to_the_library()
    {
        await using var factory = new LikenessApiFactory();
        var (client, identityId, generated) = await factory.StartSessionAsync("1:1");
        var edited = await client.EditAsync("invert");
        var second = await GenerateAsync(client, identityId, "second");
        var oldId = generated.SessionId;
        var email = await EmailOf(client);
        factory.Clock.Advance(TimeSpan.FromDays(3));
        client = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);

        var reopened = await client.PostAsync($"{Library}{oldId}/reopen/", null);
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        var status = await reopened.ReadAsAsync<ImageSessionResponse>();
        Assert.True(status.HasActiveSession);
        Assert.Equal(oldId, status.SessionId);
        Assert.Equal(edited.VersionId, status.VersionId);
        Assert.True(status.CanUndo);
        Assert.Equal($"{Status}versions/{edited.VersionId}/image/", status.ImageUrl);
        // Its idle time starts over.
        Assert.InRange(status.ExpiresAt!.Value - factory.Clock.GetUtcNow().UtcDateTime,
            TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));

        var entry = Assert.Single(await LibraryAsync(client));
        Assert.Equal(second.SessionId, entry.Id);

        // Edits go on from where it stood, and undo walks its history.
        var next = await client.EditAsync("rotate 90");
        var history = await client.GetAsAsync<ImageSessionHistoryResponse>($"{Status}history/");
        Assert.Equal(3, history.Versions.Count);
        Assert.Equal(edited.VersionId, history.Versions[2].ParentId);
        Assert.Equal(next.VersionId, history.CurrentVersionId);

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
        var status = await StatusAsync(client);
        Assert.Equal(second.SessionId, status.SessionId);
        Assert.Equal((await edited.ReadAsAsync<ImageSessionResponse>()).VersionId, status.VersionId);
        var entry = Assert.Single(await LibraryAsync(client));
        Assert.Equal(oldId, entry.Id);
        Assert.Equal(1, entry.VersionCount);

        // Once the edit is done, the reopen goes through, and the edited session goes to the library whole.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"{Library}{oldId}/reopen/", null)).StatusCode);
        entry = Assert.Single(await LibraryAsync(client));
        Assert.Equal(second.SessionId, entry.Id);
        Assert.Equal(2, entry.VersionCount);
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
        var edited = await alice.EditAsync("invert");
        await GenerateAsync(alice, identityId, "second");
        // Bob's identical request makes the very same bytes as Alice's first image: one blob, two rows.
        var (bob, _) = await factory.CreateUserClientAsync();
        var bobs = await GenerateAsync(bob, identityId);
        var shared = KeyOf(Convert.FromBase64String(generated.ImageBase64!));
        Assert.Equal(shared, KeyOf(Convert.FromBase64String(bobs.ImageBase64!)));
        var aliceOnly = KeyOf(Convert.FromBase64String(edited.ImageBase64!));
        var oldId = generated.SessionId;

        await (await bob.DeleteAsync($"{Library}{oldId}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");
        await (await alice.DeleteAsync($"{Library}{(await StatusAsync(alice)).SessionId}/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found."); // the active one is not the library's

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"{Library}{oldId}/")).StatusCode);
        Assert.Empty(await LibraryAsync(alice));
        await (await alice.DeleteAsync($"{Library}{oldId}/")).AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");

        var store = factory.Services.GetRequiredService<IImageStore>();
        Assert.Null(await store.GetAsync(aliceOnly));
        Assert.NotNull(await store.GetAsync(shared));
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync(bobs.ImageUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync((await StatusAsync(alice)).ImageUrl)).StatusCode);
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
        var edited = await client.EditAsync("invert");
        factory.Clock.Advance(TimeSpan.FromDays(5));
        client = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        await GenerateAsync(client, identityId, "second");

        // The library session was last used 5 days ago: 2 more days and it is gone; the active one stays.
        factory.Clock.Advance(TimeSpan.FromDays(2.1));
        client = await factory.CreateSignedInClientAsync(email, LikenessApiFactory.UserPassword);
        Assert.Empty(await LibraryAsync(client));
        await (await client.GetAsync($"{Library}{first.SessionId}/"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");
        await (await client.PostAsync($"{Library}{first.SessionId}/reopen/", null))
            .AssertProblemAsync(HttpStatusCode.NotFound, "Library session not found.");
        Assert.True((await StatusAsync(client)).HasActiveSession);

        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ExpiredSessionCleaner>().RunOnceAsync());
        var db = scope.ServiceProvider.GetRequiredService<LikenessDbContext>();
        Assert.Equal(1, await db.ImageGenerationSessions.CountAsync());
        Assert.Equal(1, await db.ImageVersions.CountAsync());
        var store = factory.Services.GetRequiredService<IImageStore>();
        Assert.Null(await store.GetAsync(KeyOf(Convert.FromBase64String(edited.ImageBase64!))));
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

        var entry = Assert.Single(await LibraryAsync(client));
        Assert.True(entry.IdentityDeleted);
        Assert.Null(entry.IdentityName);
        Assert.Null(entry.IdentityId);
        var image = await client.GetByteArrayAsync(entry.ImageUrl);
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
            new { user_id = userId, identity_id = identityId, resolution = "1K", aspect_ratio = "1:1" })).ReadAsAsync<ImageSessionResponse>();
        await admin.PostAsJsonAsync("/api/v1/admin/identities/generate-image/",
            new { user_id = userId, identity_id = identityId, resolution = "1K", aspect_ratio = "1:1", additional_prompt = "again" });

        var entry = Assert.Single(await LibraryAsync(admin, $"{prefix}/library/"));
        var sessionId = first.SessionId;
        Assert.Equal($"{prefix}/library/{sessionId}/versions/{first.VersionId}/image/", entry.ImageUrl);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(entry.ImageUrl)).StatusCode);
        var history = await admin.GetAsAsync<ImageSessionHistoryResponse>($"{prefix}/library/{sessionId}/");
        Assert.StartsWith($"{prefix}/library/", history.Versions[0].ThumbnailUrl);
        var reopened = await (await admin.PostAsync($"{prefix}/library/{sessionId}/reopen/", null)).ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(sessionId, reopened.SessionId);
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
        var status = await response.ReadWithoutImageBase64Async();
        Assert.True(status.HasActiveSession);
        Assert.NotEqual(generated.SessionId, status.SessionId);
        Assert.Equal(identityId, status.SessionIdentityId);
        Assert.Equal(300, status.Width);
        Assert.Equal(200, status.Height);
        Assert.Equal("3:2", status.AspectRatio);
        Assert.Equal("upload", status.Provider);
        Assert.False(status.CanUndo);
        Assert.Equal(photo, await client.GetByteArrayAsync(status.ImageUrl));
        var history = await client.GetAsAsync<ImageSessionHistoryResponse>($"{Status}history/");
        var root = Assert.Single(history.Versions);
        Assert.Equal("upload", root.Kind);
        Assert.Null(root.ParentId);

        // The generated session went to the library, as with Generate New.
        var entry = Assert.Single(await LibraryAsync(client));
        Assert.Equal(generated.SessionId, entry.Id);

        // An edit goes on from the photo: inverted pixels, same size, and undo leads back to it.
        var edited = await client.EditAsync("invert");
        using var before = TestImages.Decode(photo);
        using var after = TestImages.Decode(edited.ImageBase64!);
        Assert.Equal((before.Width, before.Height), (after.Width, after.Height));
        var (b, a) = (before.GetPixel(10, 10), after.GetPixel(10, 10));
        Assert.Equal((255 - b.Red, 255 - b.Green, 255 - b.Blue), (a.Red, a.Green, a.Blue));
        var undone = await (await client.PostAsync($"{Status}undo/", null)).ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(root.Id, undone.VersionId);

        // A JPEG and a WebP are taken too; the upload replaced the photo session in turn.
        foreach (var (bytes, type) in new[] { (TestImages.Jpeg(64, 64, SKColors.Teal), "image/jpeg"), (TestImages.Webp(90, 160, SKColors.Gold), "image/webp") })
        {
            var again = await (await client.PostAsync(Upload, UploadForm(identityId, bytes, type, "me.img"))).ReadAsAsync<ImageSessionResponse>();
            Assert.Equal(type, again.MimeType);
        }
        Assert.Equal(3, (await LibraryAsync(client)).Count);
        Assert.Equal("9:16", (await StatusAsync(client)).AspectRatio);
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
        Assert.Empty(await LibraryAsync(client));
    }

    private static async Task<string> EmailOf(HttpClient client) =>
        (await client.GetAsAsync<UserResponse>("/api/v1/auth/me")).Email;
}
