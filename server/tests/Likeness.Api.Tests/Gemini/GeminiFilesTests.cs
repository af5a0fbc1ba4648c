using Likeness.Api.Providers.Gemini;

namespace Likeness.Api.Tests.Gemini;

/// <summary>
/// The keyed lock that serialises GeminiFiles' lookups and uploads per set of references: one holder per key at a
/// time, and no entry left once nobody holds or waits (GeminiVariantTests checks the uploads it saves).
/// </summary>
public sealed class GeminiFilesTests
{
    [Fact]
    public async Task Holders_of_one_key_take_turns_and_the_last_to_leave_removes_its_entry()
    {
        var gates = new KeyedLock();
        var first = await gates.LockAsync("a,b", CancellationToken.None);
        var inside = new Dictionary<string, int> { ["a,b"] = 1, ["c"] = 0 };
        var most = new Dictionary<string, int> { ["a,b"] = 1, ["c"] = 0 };
        var entered = 0;

        var holders = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            var key = i % 3 == 0 ? "c" : "a,b";
            using (await gates.LockAsync(key, CancellationToken.None))
            {
                lock (inside)
                {
                    inside[key]++;
                    most[key] = Math.Max(most[key], inside[key]);
                }
                Interlocked.Increment(ref entered);
                await Task.Yield();
                lock (inside)
                    inside[key]--;
            }
        })).ToList();
        // The four on "c" get through while "a,b" is held; the eight on "a,b" wait behind the first holder.
        await Wait.UntilAsync(() => Volatile.Read(ref entered) == 4 && gates.Count == 1,
            "the holders of the other key to get through and leave, its entry with them");
        lock (inside)
            inside["a,b"]--;
        first.Dispose();
        await Wait.ForAsync(Task.WhenAll(holders), "every holder to finish");

        Assert.Equal(12, entered);
        Assert.Equal(1, most["a,b"]);
        Assert.Equal(1, most["c"]);
        Assert.Equal(0, gates.Count);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_leaves_no_entry_behind()
    {
        var gates = new KeyedLock();
        var held = await gates.LockAsync("a", CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = gates.LockAsync("a", cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, gates.Count); // still held
        held.Dispose();
        held.Dispose(); // a second release is ignored: the gate is not opened twice

        Assert.Equal(0, gates.Count);
        using (await gates.LockAsync("a", CancellationToken.None))
            Assert.Equal(1, gates.Count);
        Assert.Equal(0, gates.Count);
    }
}
