using System.Diagnostics;

namespace Likeness.Api.Tests.Infrastructure;

/// <summary>
/// The suite's one way to wait for something another thread or process does: polls until the condition
/// holds, with a deadline generous enough for a busy 2-core CI machine, and fails saying what it waited for.
/// </summary>
public static class Wait
{
    /// <summary>How long a wait may take before it fails: long, because a busy machine can stall for seconds.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <summary>Waits until <paramref name="condition"/> holds; fails after <paramref name="timeout"/> (default <see cref="Deadline"/>).</summary>
    /// <param name="what">What is awaited, for the failure message ("the provider to be called").</param>
    /// <param name="detail">More to say on failure (e.g. a child process's output), read only then.</param>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? detail = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout, detail);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? detail = null)
    {
        var limit = timeout ?? Deadline;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
                Assert.Fail($"Waited {limit.TotalSeconds:0.#} s for {what}; it did not happen.{(detail is null ? "" : "\n" + detail())}");
            await Task.Delay(Poll);
        }
    }

    /// <summary>Reads <paramref name="read"/> until <paramref name="done"/> holds for the value, and returns that value.</summary>
    public static async Task<T> ForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Deadline;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
                return value;
            if (clock.Elapsed > limit)
                Assert.Fail($"Waited {limit.TotalSeconds:0.#} s for {what}; the last value was {value}.");
            await Task.Delay(Poll);
        }
    }

    /// <summary>Awaits a task with the deadline, failing with what it waited for instead of hanging.</summary>
    public static async Task<T> ForAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Deadline;
        try { return await task.WaitAsync(limit); }
        catch (TimeoutException) { Assert.Fail($"Waited {limit.TotalSeconds:0.#} s for {what}; it did not happen."); throw; }
    }

    public static async Task ForAsync(Task task, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Deadline;
        try { await task.WaitAsync(limit); }
        catch (TimeoutException) { Assert.Fail($"Waited {limit.TotalSeconds:0.#} s for {what}; it did not happen."); throw; }
    }
}
