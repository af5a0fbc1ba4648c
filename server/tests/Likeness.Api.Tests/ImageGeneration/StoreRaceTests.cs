using Likeness.Api.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>
/// The store is content-addressed and shared: an image another request has just written and not yet
/// committed a row for must never be deleted by a session being replaced (a lost image: 404, then 500s).
/// </summary>
public sealed class StoreRaceTests
{
    private static LikenessApiFactory WithGatedStore(out Func<GatedImageStore> store)
    {
        GatedImageStore? gated = null;
        store = () => gated!;
        return LikenessApiFactory.With(null, services =>
        {
            services.RemoveAll<IImageStore>();
            services.AddSingleton<IImageStore>(sp => gated = new GatedImageStore(
                new FileSystemImageStore(sp.GetRequiredService<IOptions<LikenessOptions>>())));
        });
    }

    private static string KeyOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task A_replaced_session_does_not_delete_an_image_another_request_is_about_to_commit()
    {
        await using var factory = WithGatedStore(out var store);
        using var admin = await factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var (alice, _) = await factory.CreateUserClientAsync();
        var (bob, _) = await factory.CreateUserClientAsync();

        // Alice's image; the offline engine makes the very same bytes for Bob's identical request.
        var first = await (await alice.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1" })).ReadAsAsync<ImageSessionResponse>();
        var shared = KeyOf(Convert.FromBase64String(first.ImageBase64!));

        // Bob's generate has written the shared image and not yet committed its version.
        var gate = store().HoldAfterPut(shared);
        var bobs = bob.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1" });
        await gate.Reached.Task.WaitAsync(TimeSpan.FromMinutes(1));

        // Alice starts over and deletes her old session from the library: the only committed row pointing at the image goes.
        var again = await alice.PostAsJsonAsync(Generate, new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1", additional_prompt = "again" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var library = "/api/v1/identities/image-session/library/";
        Assert.Equal(HttpStatusCode.NoContent,
            (await alice.DeleteAsync($"{library}{first.SessionId}/")).StatusCode);
        Assert.Empty(await alice.GetAsAsync<List<LibrarySessionResponse>>(library));
        Assert.NotNull(await store().GetAsync(shared));

        gate.Release.SetResult();
        var bobsImage = await (await bobs).ReadAsAsync<ImageSessionResponse>();
        var image = await bob.GetAsync(bobsImage.ImageUrl);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal(shared, KeyOf(await image.Content.ReadAsByteArrayAsync()));
        Assert.Equal(HttpStatusCode.OK, (await bob.PostAsJsonAsync("/api/v1/identities/edit-image/", new { edit_prompt = "invert" })).StatusCode);
    }

    [Fact]
    public async Task A_writer_that_claims_a_key_while_the_janitor_deletes_it_writes_it_again()
    {
        await using var factory = WithGatedStore(out var store);
        using var admin = await factory.CreateAdminClientAsync(); // starts the app
        var bytes = TestImages.Png(40, 30, SkiaSharp.SKColors.Teal);
        var key = await store().Inner.PutAsync(bytes); // an orphan: no row refers to it

        var gate = store().HoldInDelete(key);
        using var janitorScope = factory.Services.CreateScope();
        var deleting = janitorScope.ServiceProvider.GetRequiredService<ImageJanitor>().DeleteUnreferencedAsync([key]);
        await gate.Reached.Task.WaitAsync(TimeSpan.FromMinutes(1)); // the janitor holds the key's claim row

        await using var writerScope = factory.Services.CreateAsyncScope();
        // SQLite's driver waits for a lock on the calling thread: the writer gets its own.
        var writing = Task.Run(() => writerScope.ServiceProvider.GetRequiredService<ImageStoreClaims>().PutAsync(bytes));
        gate.Release.SetResult();
        Assert.Equal(1, await deleting);
        Assert.Equal(key, await writing);
        Assert.NotNull(await store().GetAsync(key)); // the writer's blob is there for the row it will commit
    }

    [Fact]
    public async Task A_claim_in_flight_keeps_its_blob_and_once_released_the_blob_can_go()
    {
        await using var factory = WithGatedStore(out var store);
        using var admin = await factory.CreateAdminClientAsync();
        var bytes = TestImages.Png(30, 40, SkiaSharp.SKColors.Coral);

        var writerScope = factory.Services.CreateAsyncScope();
        var key = await writerScope.ServiceProvider.GetRequiredService<ImageStoreClaims>().PutAsync(bytes);
        using (var scope = factory.Services.CreateScope())
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<ImageJanitor>().DeleteUnreferencedAsync([key]));
        Assert.NotNull(await store().GetAsync(key));

        await writerScope.DisposeAsync(); // the request ended without committing a row
        using (var scope = factory.Services.CreateScope())
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ImageJanitor>().DeleteUnreferencedAsync([key]));
        Assert.Null(await store().GetAsync(key));
    }

    [Fact]
    public async Task A_claim_whose_request_died_stops_protecting_its_blob_after_the_grace()
    {
        await using var factory = WithGatedStore(out var store);
        using var admin = await factory.CreateAdminClientAsync();
        var bytes = TestImages.Png(30, 40, SkiaSharp.SKColors.Olive);
        var writerScope = factory.Services.CreateAsyncScope(); // never disposed: its request died
        var key = await writerScope.ServiceProvider.GetRequiredService<ImageStoreClaims>().PutAsync(bytes);

        factory.Clock.Advance(ImageJanitor.ClaimGrace + TimeSpan.FromSeconds(1));
        using var scope = factory.Services.CreateScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ImageJanitor>().DeleteUnreferencedAsync([key]));
        Assert.Null(await store().GetAsync(key));
    }
}
