using System.Diagnostics;
using Likeness.Api.Identities;
using Likeness.Api.Problems;
using Likeness.Api.Providers;
using Likeness.Api.Storage;

namespace Likeness.Api.ImageGeneration;

/// <summary>
/// Makes a turn's images with the engine (one, or several variants at once), checks each is a real image and
/// stores it with its thumbnail under the scope's claims, and shapes what is made into versions and usage rows
/// for the orchestrator to save. Reads the reference images the engine is sent.
/// </summary>
public sealed class ImageMaker(
    IServiceScopeFactory scopes,
    IImageStore store,
    ImageStoreClaims storeClaims,
    IImageProvider provider,
    TimeProvider time,
    ILogger<ImageMaker> logger)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Reads the reference images from the store once, in order. None is the plan's 400.</summary>
    public async Task<List<ReferenceInput>> ReadReferenceImages(IEnumerable<ReferenceImage> rows, CancellationToken cancellationToken)
    {
        var images = new List<ReferenceInput>();
        foreach (var row in rows.OrderBy(r => r.Order))
        {
            var bytes = await store.GetAsync(row.StorageKey, cancellationToken);
            if (bytes is null)
            {
                logger.LogWarning("Reference image {ReferenceImageId} is missing from the store", row.Id);
                continue;
            }
            images.Add(new ReferenceInput(row.StorageKey, new ProviderImage(bytes, row.MimeType)));
        }
        if (images.Count == 0)
            throw ApiProblem.BadRequest(ImageGenerationOrchestrator.ReferenceImagesRequired);
        return images;
    }

    public sealed record StoredImage(string ImageKey, string ThumbnailKey, string MimeType, int Width, int Height);

    /// <summary>Checks the provider's answer is a real image, then stores it and its thumbnail.</summary>
    private async Task<StoredImage> StoreResult(ProviderImage result, CancellationToken cancellationToken)
    {
        var mimeType = ImageInspector.SniffMimeType(result.Bytes);
        if (mimeType is null || ImageInspector.ReadSize(result.Bytes) is not var (width, height))
            throw new ImageProviderFailedException($"The {provider.Name} provider returned bytes that are not a PNG, JPEG or WebP image.");
        var thumbnail = ImageInspector.Thumbnail(result.Bytes);
        var imageKey = await storeClaims.PutAsync(result.Bytes, cancellationToken);
        var thumbnailKey = await storeClaims.PutAsync(thumbnail, cancellationToken);
        return new StoredImage(imageKey, thumbnailKey, mimeType, width, height);
    }

    /// <summary>
    /// The turn's versions, in variant order. Siblings are made 1 µs apart so that every listing by creation time
    /// (history, library) shows them in the order they were asked for: the same instant would tie, and PostgreSQL
    /// keeps only microseconds, so two calls of the clock within one microsecond would tie there too.
    /// </summary>
    public List<ImageVersion> NewVersions(
        IReadOnlyList<MadeVariant> made, Guid sessionId, Guid? parentId, ImageVersionKind kind, string prompt,
        string aspectRatio, string resolution, string modelId)
    {
        var now = Now;
        return made.Select((variant, i) => NewVersion(variant, now.AddTicks(i * TimeSpan.TicksPerMicrosecond),
            sessionId, parentId, kind, prompt, aspectRatio, resolution, modelId)).ToList();
    }

    private ImageVersion NewVersion(
        MadeVariant variant, DateTime createdAt, Guid sessionId, Guid? parentId, ImageVersionKind kind, string prompt,
        string aspectRatio, string resolution, string modelId)
    {
        var (made, stored) = (variant.Result, variant.Stored);
        return new ImageVersion
        {
            Id = variant.VersionId, SessionId = sessionId, ParentVersionId = parentId, Kind = kind, Prompt = prompt,
            Provider = provider.Name, AspectRatio = aspectRatio, Resolution = resolution,
            ImageKey = stored.ImageKey, ThumbnailKey = stored.ThumbnailKey, MimeType = stored.MimeType,
            Width = stored.Width, Height = stored.Height, DurationMs = variant.DurationMs, CreatedAt = createdAt,
            Model = made.Model ?? modelId,
            ModelAnswer = made.Answer is { } answer ? System.Text.Json.JsonSerializer.Serialize(answer, AnswerJson) : null,
            PromptTokens = made.Usage?.PromptTokens, OutputTokens = made.Usage?.OutputTokens, ThoughtsTokens = made.Usage?.ThoughtsTokens,
            CachedTokens = made.Usage?.CachedTokens, TotalTokens = made.Usage?.TotalTokens, EstimatedCostUsd = made.Usage?.EstimatedCostUsd,
        };
    }

    /// <summary>One image the engine made for a turn, stored and waiting to be saved as a version (with its id already).</summary>
    public sealed record MadeVariant(int Index, ImageResult Result, StoredImage Stored, long DurationMs, Guid VersionId);

    /// <summary>
    /// Makes <paramref name="variants"/> images for one turn (1–<see cref="ImageVariants.Max"/>), at most the
    /// engine's <see cref="IImageProvider.MaxParallelVariants"/> at once, and stores each as it comes (a
    /// <c>variant</c> event when there are several). <paramref name="finish"/> turns an engine's answer into the
    /// image to keep (a region edit's composite). A failed variant does not stop the others; when all fail, the
    /// first one's error is the turn's. Returns the made ones in order; the first becomes current.
    /// </summary>
    public async Task<List<MadeVariant>> MakeVariants(
        ImageRequest request, int variants, IImageJobRun run, Func<ImageResult, ImageResult>? finish, CancellationToken cancellationToken)
    {
        run.Progress.Stage(ImageJobStage.Sending);
        if (variants <= 1)
        {
            var stopwatch = Stopwatch.StartNew();
            var made = await provider.MakeImage(request, cancellationToken, run.Progress);
            made = finish?.Invoke(made) ?? made;
            stopwatch.Stop();
            run.Progress.Stage(ImageJobStage.Storing);
            return [new MadeVariant(0, made, await StoreResult(made.Image, cancellationToken), stopwatch.ElapsedMilliseconds, Guid.NewGuid())];
        }

        // Each call gets its own scope: an engine may use the database (Gemini's Files API), and this
        // orchestrator's context is for storing, one variant at a time.
        using var slots = new SemaphoreSlim(Math.Max(1, provider.MaxParallelVariants));
        using var storing = new SemaphoreSlim(1, 1);
        var notices = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<int, Exception>();
        var results = await Task.WhenAll(Enumerable.Range(0, variants).Select(async index =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var engine = scope.ServiceProvider.GetRequiredService<IImageProvider>();
                var stopwatch = Stopwatch.StartNew();
                // The first variant's thoughts and drafts are the job's; the others report their stages only.
                var made = await engine.MakeImage(request with { Variant = index }, cancellationToken,
                    new VariantProgress(run.Progress, notices, lead: index == 0));
                made = finish?.Invoke(made) ?? made;
                stopwatch.Stop();
                StoredImage stored;
                await storing.WaitAsync(cancellationToken);
                try
                {
                    stored = await StoreResult(made.Image, cancellationToken);
                }
                finally
                {
                    storing.Release();
                }
                var variant = new MadeVariant(index, made, stored, stopwatch.ElapsedMilliseconds, Guid.NewGuid());
                run.VariantMade(index, variants, variant.VersionId, stored.ImageKey, stored.MimeType, stored.Width, stored.Height);
                return variant;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var (status, detail) = ImageJobErrors.For(e, logger);
                logger.LogInformation("Variant {Index} of {Variants} failed with {Status}; the others go on", index + 1, variants, status);
                failures[index] = e;
                run.VariantFailed(index, variants, status, detail);
                return null;
            }
            finally
            {
                slots.Release();
            }
        }));
        run.Progress.Stage(ImageJobStage.Storing);
        var madeVariants = results.OfType<MadeVariant>().OrderBy(v => v.Index).ToList();
        if (madeVariants.Count == 0)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failures.OrderBy(f => f.Key).First().Value).Throw();
        return madeVariants;
    }

    /// <summary>
    /// What one variant's call reports: every call moves the job's stage (which only goes forward); the first
    /// (the lead) alone reports thoughts and drafts; a notice is told once, whichever call says it.
    /// </summary>
    private sealed class VariantProgress(IImageProgress job, System.Collections.Concurrent.ConcurrentDictionary<string, bool> notices, bool lead)
        : IImageProgress
    {
        public void Stage(ImageJobStage stage) => job.Stage(stage);

        public void Thought(string text)
        {
            if (lead)
                job.Thought(text);
        }

        public Task Preview(ProviderImage image, CancellationToken cancellationToken) =>
            lead ? job.Preview(image, cancellationToken) : Task.CompletedTask;

        public void Notice(string message)
        {
            if (notices.TryAdd(message, true))
                job.Notice(message);
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions AnswerJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault,
    };

    internal static ModelAnswer? ReadAnswer(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return null;
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<ModelAnswer>(json, AnswerJson);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public static ImageUsageRecord UsageRecord(Guid userId, IImageJobRun run, ImageVersion version, ImageResult made) => new()
    {
        Id = Guid.NewGuid(), UserId = userId, JobId = run.JobId, VersionId = version.Id, Provider = version.Provider,
        Model = version.Model, Resolution = version.Resolution, Images = 1,
        PromptTokens = made.Usage?.PromptTokens ?? 0, OutputTokens = made.Usage?.OutputTokens ?? 0,
        ThoughtsTokens = made.Usage?.ThoughtsTokens ?? 0, CachedTokens = made.Usage?.CachedTokens ?? 0,
        TotalTokens = made.Usage?.TotalTokens ?? 0, EstimatedCostUsd = made.Usage?.EstimatedCostUsd, CreatedAt = version.CreatedAt,
    };
}
