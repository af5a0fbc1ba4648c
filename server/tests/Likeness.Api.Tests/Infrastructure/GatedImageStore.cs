using System.Collections.Concurrent;
using Likeness.Api.Storage;

namespace Likeness.Api.Tests.Infrastructure;

/// <summary>
/// The real store, with gates a test can close on one key: after a put of it (the bytes are written, the
/// request has not committed its row yet) or inside a delete of it (the janitor holds the key's claim).
/// </summary>
public sealed class GatedImageStore(IImageStore inner) : IImageStore
{
    public sealed class Gate
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly ConcurrentDictionary<string, Gate> _afterPut = new();
    private readonly ConcurrentDictionary<string, Gate> _inDelete = new();

    public IImageStore Inner => inner;

    /// <summary>The next put of the key writes the bytes, then waits for <see cref="Gate.Release"/>.</summary>
    public Gate HoldAfterPut(string key) => _afterPut[key] = new Gate();

    /// <summary>The next delete of the key waits for <see cref="Gate.Release"/> before deleting.</summary>
    public Gate HoldInDelete(string key) => _inDelete[key] = new Gate();

    public async Task<string> PutAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        var key = await inner.PutAsync(bytes, cancellationToken);
        if (_afterPut.TryRemove(key, out var gate))
        {
            gate.Reached.TrySetResult();
            await gate.Release.Task.WaitAsync(cancellationToken);
        }
        return key;
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        if (_inDelete.TryRemove(key, out var gate))
        {
            gate.Reached.TrySetResult();
            await gate.Release.Task.WaitAsync(cancellationToken);
        }
        await inner.DeleteAsync(key, cancellationToken);
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public IAsyncEnumerable<(string Key, DateTime WrittenAt)> ListAsync(CancellationToken cancellationToken = default) =>
        inner.ListAsync(cancellationToken);
}
