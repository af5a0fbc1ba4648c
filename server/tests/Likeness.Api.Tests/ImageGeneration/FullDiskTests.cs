using System.Diagnostics;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>
/// The image store (and, for SQLite, the database) on a real, small file system (a tmpfs mounted for the
/// test) that fills up: the user gets a clear 507, nothing changes, and no half-written file stays behind.
/// </summary>
public sealed class FullDiskTests : IAsyncLifetime
{
    private readonly LikenessApiFactory _factory = new();
    private string Images => _factory.ImagesDirectory;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Images);
        Run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", Images);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Run("umount", "-l", Images);
    }

    private static void Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0,
            $"`{command} {string.Join(' ', arguments)}` failed ({process.StandardError.ReadToEnd().Trim()}): this test needs root to mount a small tmpfs.");
    }

    [Fact]
    public async Task A_full_disk_is_a_507_that_changes_nothing_and_leaves_no_partial_file()
    {
        var (client, _) = await _factory.CreateUserClientAsync();
        using var admin = await _factory.CreateAdminClientAsync();
        var identityId = await admin.CreateIdentityAsync();
        var generated = await (await client.PostAsJsonAsync("/api/v1/identities/generate-image/",
            new { identity_id = identityId, resolution = "1K", aspect_ratio = "1:1" })).ReadAsAsync<ImageSessionResponse>();
        var before = await client.GetStringAsync("/api/v1/identities/image-session/history/");

        // Fill the disk but for a few kilobytes: the next image cannot be written.
        var filler = Path.Combine(Images, "filler.bin");
        await using (var stream = File.Create(filler))
        {
            var block = new byte[64 * 1024];
            try
            {
                while (true)
                    await stream.WriteAsync(block);
            }
            catch (IOException)
            {
                // full
            }
        }

        await (await client.PostAsJsonAsync("/api/v1/identities/edit-image/", new { edit_prompt = "rotate 90" }))
            .AssertProblemAsync(HttpStatusCode.InsufficientStorage, "The server is out of storage space. Nothing was changed.");
        await (await client.PostAsJsonAsync("/api/v1/identities/generate-image/", new { identity_id = identityId, resolution = "1K", aspect_ratio = "16:9" }))
            .AssertProblemAsync(HttpStatusCode.InsufficientStorage, "The server is out of storage space. Nothing was changed.");
        var upload = await admin.UploadReferenceImagesAsync(identityId, [("big.png", TestImages.Png(600, 600, SkiaSharp.SKColors.Plum), "image/png")]);
        Assert.Equal(HttpStatusCode.InsufficientStorage, upload.StatusCode);

        Assert.Equal(before, await client.GetStringAsync("/api/v1/identities/image-session/history/"));
        Assert.Empty(Directory.EnumerateFiles(Images, "*.tmp", SearchOption.AllDirectories));

        // Space again: the session was not left locked, and the next edit builds on the generated image.
        File.Delete(filler);
        var edited = await (await client.PostAsJsonAsync("/api/v1/identities/edit-image/", new { edit_prompt = "rotate 90" })).ReadAsAsync<ImageSessionResponse>();
        var history = await client.GetAsAsync<ImageSessionHistoryResponse>("/api/v1/identities/image-session/history/");
        Assert.NotNull(generated.VersionId);
        Assert.Equal(generated.VersionId, history.Versions[1].ParentId);
        Assert.NotNull(edited.VersionId);
        Assert.Equal(edited.VersionId, history.CurrentVersionId);
    }

    [Fact]
    public async Task A_full_database_disk_is_a_507_for_sign_in_and_identity_creation_too()
    {
        if (LikenessApiFactory.IsPostgres)
            return; // the PostgreSQL server's disk is not this test's to fill; SQLite's file is
        var factory = new LikenessApiFactory();
        Run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", factory.DataDirectory);
        try
        {
            using var admin = await factory.CreateAdminClientAsync();
            var (_, email) = await factory.CreateUserAsync();
            var filler = Path.Combine(factory.DataDirectory, "filler.bin");
            await using (var stream = File.Create(filler))
            {
                var block = new byte[16 * 1024];
                try
                {
                    while (true)
                        await stream.WriteAsync(block);
                }
                catch (IOException)
                {
                    // full
                }
            }

            await (await admin.PostAsJsonAsync("/api/v1/admin/identities/", new { name = string.Concat(Enumerable.Repeat("Ada ", 40)), description = new string('x', 3000) }))
                .AssertProblemAsync(HttpStatusCode.InsufficientStorage, "The server is out of storage space. Nothing was changed.");
            using var anonymous = factory.CreateClient();
            await (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = LikenessApiFactory.UserPassword }))
                .AssertProblemAsync(HttpStatusCode.InsufficientStorage, "The server is out of storage space. Nothing was changed.");

            File.Delete(filler);
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/admin/identities/", new { name = "Ada" })).StatusCode);
        }
        finally
        {
            await factory.DisposeAsync();
            Run("umount", "-l", factory.DataDirectory);
        }
    }
}
