using Likeness.Api.Storage;
using Microsoft.Extensions.Options;

namespace Likeness.Api.Tests.Storage;

/// <summary>The file-system store on its own (the default store): the same contract the S3 store's tests check.</summary>
public sealed class FileSystemImageStoreTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "likeness-tests", Guid.NewGuid().ToString("N"));

    private string Root => Path.Combine(_dataDirectory, "images");

    public void Dispose()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }

    private FileSystemImageStore Store() => new(Options.Create(new LikenessOptions { DataDirectory = _dataDirectory }));

    private static byte[] Image(int i) => TestImages.Png(20 + i, 10, new SKColor((byte)(i * 40), 90, 200));

    private string PathOf(string key) => Path.Combine(Root, key[..2], key);

    [Fact]
    public async Task Put_then_get_round_trips_the_bytes_under_their_sha256_in_a_two_letter_folder()
    {
        var store = Store();
        var bytes = Image(1);

        var key = await store.PutAsync(bytes);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), key);
        Assert.Equal(key, FileSystemImageStore.KeyOf(bytes));
        Assert.Equal(bytes, await store.GetAsync(key));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(PathOf(key)));
        Assert.Equal([PathOf(key)], Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_same_bytes_give_the_same_key_and_one_file()
    {
        var store = Store();
        var first = await store.PutAsync(Image(2));
        var second = await store.PutAsync(Image(2));

        Assert.Equal(first, second);
        Assert.Single(Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Simultaneous_puts_of_the_same_bytes_all_succeed_and_leave_one_whole_file()
    {
        var store = Store();
        var bytes = TestImages.Png(300, 200, SKColors.Coral);

        var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.PutAsync(bytes))));

        Assert.Single(keys.Distinct());
        Assert.Equal(bytes, await store.GetAsync(keys[0]));
        Assert.Equal([PathOf(keys[0])], Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)); // no temporary file left
    }

    [Fact]
    public async Task Get_of_an_absent_key_is_null_even_without_its_folder()
    {
        var store = Store();
        Assert.Null(await store.GetAsync(new string('a', 64)));
        await store.PutAsync(Image(3));
        Assert.Null(await store.GetAsync(new string('b', 64)));
    }

    [Fact]
    public async Task Delete_removes_the_file_and_deleting_an_absent_key_is_fine()
    {
        var store = Store();
        var key = await store.PutAsync(Image(4));

        await store.DeleteAsync(key);
        Assert.Null(await store.GetAsync(key));
        Assert.False(File.Exists(PathOf(key)));

        await store.DeleteAsync(key);
        await store.DeleteAsync(key[..2] + new string('0', 62)); // absent, in a folder that exists
    }

    [Fact]
    public async Task Deleting_an_absent_key_whose_folder_was_never_made_is_fine_as_in_S3()
    {
        var store = Store();
        var absent = new string('c', 64);
        Assert.False(Directory.Exists(Path.Combine(Root, "cc")));

        await store.DeleteAsync(absent);

        Assert.Null(await store.GetAsync(absent));
        Assert.False(Directory.Exists(Path.Combine(Root, "cc"))); // a delete makes no folder
    }

    [Fact]
    public async Task List_gives_every_key_with_its_write_time_and_skips_other_files()
    {
        var store = Store();
        var keys = new List<string>();
        for (var i = 0; i < 5; i++)
            keys.Add(await store.PutAsync(Image(i)));
        // What is not an image key is not listed: a leftover temporary file, a stray file, an upper-case name.
        await File.WriteAllTextAsync(PathOf(keys[0]) + ".0123.tmp", "half");
        await File.WriteAllTextAsync(Path.Combine(Root, "notes.txt"), "x");
        Directory.CreateDirectory(Path.Combine(Root, "AB"));
        await File.WriteAllTextAsync(Path.Combine(Root, "AB", new string('A', 64)), "x");
        var writtenAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(PathOf(keys[1]), writtenAt);

        var listed = new List<(string Key, DateTime WrittenAt)>();
        await foreach (var item in store.ListAsync())
            listed.Add(item);

        Assert.Equal(keys.Order(), listed.Select(l => l.Key).Order());
        Assert.Equal(writtenAt, listed.Single(l => l.Key == keys[1]).WrittenAt);
        Assert.All(listed.Where(l => l.Key != keys[1]), l => Assert.InRange(l.WrittenAt, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public async Task A_put_of_bytes_already_stored_refreshes_the_write_time()
    {
        var store = Store();
        var key = await store.PutAsync(Image(6));
        var old = DateTime.UtcNow.AddDays(-3);
        File.SetLastWriteTimeUtc(PathOf(key), old);

        Assert.Equal(key, await store.PutAsync(Image(6)));

        Assert.InRange(File.GetLastWriteTimeUtc(PathOf(key)), DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../../etc/passwd")]
    [InlineData("abc")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("g000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("00/0000000000000000000000000000000000000000000000000000000000000")]
    public async Task Bad_keys_are_refused_before_touching_the_disk(string key)
    {
        var store = Store();
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(key));
    }

    [Fact]
    public async Task A_cancelled_put_leaves_neither_the_image_nor_a_temporary_file()
    {
        var store = Store();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var bytes = Image(7);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PutAsync(bytes, cancelled.Token));

        Assert.Null(await store.GetAsync(FileSystemImageStore.KeyOf(bytes)));
        Assert.Empty(Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Leftover_temporary_files_older_than_the_age_are_removed_and_newer_ones_kept()
    {
        var store = Store();
        var key = await store.PutAsync(Image(8));
        var old = PathOf(key) + ".old.tmp";
        var fresh = PathOf(key) + ".fresh.tmp";
        await File.WriteAllTextAsync(old, "half");
        await File.WriteAllTextAsync(fresh, "half");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-2));

        Assert.Equal(1, store.RemoveLeftoverTemporaryFiles(TimeSpan.FromHours(1)));

        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
        Assert.Equal(Image(8), await store.GetAsync(key));
    }

    [Fact]
    public async Task The_store_makes_its_folder_and_a_second_instance_reads_what_the_first_wrote()
    {
        Assert.False(Directory.Exists(Root));
        var key = await Store().PutAsync(Image(9));
        Assert.True(Directory.Exists(Root));
        Assert.Equal(Image(9), await Store().GetAsync(key));
    }

    [Fact]
    public async Task The_app_uses_the_file_store_under_its_data_folder_by_default()
    {
        await using var factory = new LikenessApiFactory();
        var store = factory.Services.GetRequiredService<IImageStore>();
        Assert.IsType<FileSystemImageStore>(store);
        var key = await store.PutAsync(Image(10));
        Assert.True(File.Exists(Path.Combine(factory.ImagesDirectory, key[..2], key)));
    }
}
