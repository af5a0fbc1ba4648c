namespace Likeness.Api.Tests.Gemini;

/// <summary>An <see cref="IImageProgress"/> that writes down every report, in order, as one line each.</summary>
public sealed class RecordingProgress : IImageProgress
{
    private readonly List<string> _events = [];
    private readonly List<ProviderImage> _previews = [];

    /// <summary>Time each preview takes to "store"; a provider that does not await it returns before it is recorded.</summary>
    public TimeSpan PreviewDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs after a preview is recorded (a test can cancel the call from here).</summary>
    public Action<int>? OnPreview { get; init; }

    public IReadOnlyList<string> Events
    {
        get { lock (_events) return _events.ToArray(); }
    }

    public IReadOnlyList<ProviderImage> Previews
    {
        get { lock (_events) return _previews.ToArray(); }
    }

    public void Record(string line)
    {
        lock (_events) _events.Add(line);
    }

    public void Stage(ImageJobStage stage) => Record($"stage {stage}");

    public void Thought(string text) => Record($"thought {text.Split('\n')[0]}");

    public async Task Preview(ProviderImage image, CancellationToken cancellationToken)
    {
        await Task.Delay(PreviewDelay, cancellationToken);
        var (width, height) = TestImages.Size(image);
        int count;
        lock (_events)
        {
            _previews.Add(image);
            _events.Add($"preview {width}x{height}");
            count = _previews.Count;
        }
        OnPreview?.Invoke(count);
    }
}

/// <summary>An <see cref="IImageProgress"/> whose every report fails.</summary>
public sealed class ThrowingProgress : IImageProgress
{
    public int Calls;

    public void Stage(ImageJobStage stage)
    {
        Interlocked.Increment(ref Calls);
        throw new InvalidOperationException("stage report failed");
    }

    public void Thought(string text)
    {
        Interlocked.Increment(ref Calls);
        throw new InvalidOperationException("thought report failed");
    }

    public Task Preview(ProviderImage image, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        return Task.FromException(new InvalidOperationException("preview report failed"));
    }
}
