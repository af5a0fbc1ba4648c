namespace Likeness.Api.Providers;

/// <summary>
/// Where a provider reports what it is doing while it makes one image; the job that runs it turns each
/// report into a live event (<c>stage</c>, <c>thought</c>, <c>preview</c>). Reports never fail the call:
/// an implementation swallows and logs its own errors.
/// </summary>
public interface IImageProgress
{
    /// <summary>The provider reached a stage (<see cref="ImageJobStage.Sending"/>, <c>Thinking</c>, <c>Drawing</c>).</summary>
    void Stage(ImageJobStage stage);

    /// <summary>A thought summary from the model, as it arrives.</summary>
    void Thought(string text);

    /// <summary>An interim image the model drew before its final one (stored and shown as a preview).</summary>
    Task Preview(ProviderImage image, CancellationToken cancellationToken);

    /// <summary>Something the user should know about this image (e.g. reference images left out); a <c>notice</c> event.</summary>
    void Notice(string message) { }
}

/// <summary>The stages of making an image, in order; a job's <c>stage</c> is one of them (snake_case in JSON).</summary>
public enum ImageJobStage
{
    Preparing,
    Sending,
    Thinking,
    Drawing,
    Storing,
}

/// <summary>For callers that do not follow progress (benchmarks, provider tests).</summary>
public sealed class NoImageProgress : IImageProgress
{
    public static readonly NoImageProgress Instance = new();

    public void Stage(ImageJobStage stage) { }

    public void Thought(string text) { }

    public Task Preview(ProviderImage image, CancellationToken cancellationToken) => Task.CompletedTask;
}
