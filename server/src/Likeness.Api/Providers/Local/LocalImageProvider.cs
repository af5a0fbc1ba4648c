using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;

namespace Likeness.Api.Providers.Local;

/// <summary>
/// The embedded, offline image engine (the default provider). <see cref="GenerateImage"/> composes the
/// reference images and the prompt into a styled canvas of the requested size; <see cref="EditImage"/> applies
/// the documented edit vocabulary (<see cref="LocalEditInstructions"/>, docs/local-provider.md) to the previous
/// image. Deterministic: the same inputs give the same PNG bytes. Usable standalone (no DI needed).
/// </summary>
public sealed class LocalImageProvider : IImageProvider
{
    /// <summary>At most this many renders run at once (each 4K render holds a few hundred MB at its peak).</summary>
    private static readonly SemaphoreSlim Gate = new(Math.Max(1, Environment.ProcessorCount));

    private readonly ILogger<LocalImageProvider> logger;

    public LocalImageProvider()
        : this(NullLogger<LocalImageProvider>.Instance)
    {
    }

    public LocalImageProvider(ILogger<LocalImageProvider> logger)
    {
        this.logger = logger ?? NullLogger<LocalImageProvider>.Instance;
    }

    public string Name => "local";

    /// <summary>Edits apply instructions to the previous image only.</summary>
    public bool EditsUseReferenceImages => false;

    /// <summary>
    /// Bounded work per request: at most <see cref="LocalEditInstructions.MaxInstructions"/> instructions, and at
    /// most <see cref="LocalEditInstructions.RenderBudgetMs"/> of estimated rendering on an image of this size.
    /// A prompt with words the engine does not know passes here: the job refuses it with the 422 that names them.
    /// </summary>
    public void CheckEditPrompt(string editPrompt, int width, int height)
    {
        var count = LocalEditInstructions.CountInstructions(editPrompt);
        if (count > LocalEditInstructions.MaxInstructions)
            throw Problems.ApiProblem.Invalid("edit_prompt",
                $"An edit may hold at most {LocalEditInstructions.MaxInstructions} instructions; this one has {count}. Split it into several edits.");
        IReadOnlyList<EditInstruction> instructions;
        try
        {
            instructions = LocalEditInstructions.Parse(editPrompt);
        }
        catch (ImageRequestDeclinedException)
        {
            return;
        }
        var estimate = LocalEditInstructions.EstimateRenderMs(instructions, width, height);
        if (estimate > LocalEditInstructions.RenderBudgetMs)
            throw Problems.ApiProblem.Invalid("edit_prompt",
                $"This edit is too much work for one request on a {width}×{height} image (about {Math.Round(estimate / 1000.0, 1)} s of " +
                $"rendering; one request may take {LocalEditInstructions.RenderBudgetMs / 1000} s). Split it into several edits.");
    }

    /// <summary>Variants may use every render slot (they still wait for one like any render).</summary>
    public int MaxParallelVariants => Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Like the default, with the request's variant: a generate lays the canvas out differently
    /// (<see cref="LocalImageCompositor.Compose"/>), an edit runs its instructions at another strength
    /// (<see cref="LocalVariants"/>). Variant 0 is the image a single request makes.
    /// </summary>
    public async Task<ImageResult> MakeImage(ImageRequest request, CancellationToken cancellationToken = default, IImageProgress? progress = null) =>
        new(await (request.PreviousImage is { } previous
            ? Edit(request.Prompt, previous, request.Variant, cancellationToken, progress)
            : Generate(request.Prompt, request.References.Select(r => r.Image).ToList(), request.AspectRatio, request.Resolution,
                request.Variant, cancellationToken, progress)));

    public const string RegionCannotRotate = "A region edit cannot rotate the image; clear the mask to rotate the whole image.";

    public void CheckRegionEditPrompt(string editPrompt)
    {
        IReadOnlyList<EditInstruction> instructions;
        try
        {
            instructions = LocalEditInstructions.Parse(editPrompt);
        }
        catch (ImageRequestDeclinedException)
        {
            return; // the edit itself says what was not understood
        }
        if (instructions.Any(i => i.Operation == EditOperation.Rotate))
            throw Problems.ApiProblem.Invalid("edit_prompt", RegionCannotRotate);
    }

    public Task<ProviderImage> GenerateImage(
        string prompt,
        IReadOnlyList<ProviderImage> referenceImages,
        string aspectRatio,
        string resolution,
        CancellationToken cancellationToken = default,
        IImageProgress? progress = null) =>
        Generate(prompt, referenceImages, aspectRatio, resolution, variant: 0, cancellationToken, progress);

    public Task<ProviderImage> EditImage(
        string editPrompt,
        ProviderImage previousImage,
        IReadOnlyList<ProviderImage> referenceImages,
        string aspectRatio,
        string resolution,
        CancellationToken cancellationToken = default,
        IImageProgress? progress = null) =>
        Edit(editPrompt, previousImage, variant: 0, cancellationToken, progress);

    /// <summary>Generate, as variant <paramref name="variant"/> of the turn (<see cref="LocalVariants"/>; 0 is the plain image).</summary>
    private Task<ProviderImage> Generate(
        string prompt, IReadOnlyList<ProviderImage> referenceImages, string aspectRatio, string resolution, int variant,
        CancellationToken cancellationToken, IImageProgress? progress)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(referenceImages);
            var (width, height) = ImageFormats.PixelSize(aspectRatio, resolution);
            return Run(() => Generate(prompt ?? "", referenceImages, width, height, cancellationToken, variant), progress, cancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException<ProviderImage>(e);
        }
    }

    /// <summary>Edit, as variant <paramref name="variant"/> of the turn (<see cref="LocalVariants"/>; 0 is the plain edit).</summary>
    private Task<ProviderImage> Edit(string editPrompt, ProviderImage previousImage, int variant, CancellationToken cancellationToken, IImageProgress? progress)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(previousImage);
            // Parse first: a prompt the engine does not understand fails fast, before any pixel work.
            var instructions = LocalVariants.Vary(LocalEditInstructions.Parse(editPrompt), variant);
            return Run(() => Edit(instructions, previousImage, cancellationToken), progress, cancellationToken);
        }
        catch (Exception e)
        {
            // Like an async method: every failure is reported through the returned task.
            return Task.FromException<ProviderImage>(e);
        }
    }

    private async Task<ProviderImage> Run(Func<ProviderImage> render, IImageProgress? progress, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The offline engine does not think: it draws as soon as it has a render slot.
            progress?.Stage(ImageJobStage.Drawing);
            return await Task.Run(render, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }
    }

    private ProviderImage Generate(string prompt, IReadOnlyList<ProviderImage> referenceImages, int width, int height,
        CancellationToken cancellationToken, int variant = 0)
    {
        var stopwatch = Stopwatch.StartNew();
        var references = new List<SKBitmap>(referenceImages.Count);
        try
        {
            // A reference never needs more pixels than its card: lay the cards out on the whole canvas (an upper
            // bound of the area they get) from the headers alone, and decode each straight to its card's size.
            // Fourteen 40 MP photos then take a few megabytes, not gigabytes.
            var canvasLongSide = Math.Max(width, height);
            var headers = referenceImages.Select(r => Storage.ImageInspector.ReadSize(r.Bytes)).ToList();
            var cards = headers.All(h => h is not null)
                ? LocalImageCompositor.Layout(headers.Select(h => new SKSize(h!.Value.Width, h.Value.Height)).ToList(), SKRect.Create(width, height), 0)
                : null;
            for (var i = 0; i < referenceImages.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var maxLongSide = cards is { Count: > 0 } && i < cards.Count
                    ? Math.Min(canvasLongSide, (int)Math.Ceiling(Math.Max(cards[i].Width, cards[i].Height)) + 1)
                    : canvasLongSide;
                references.Add(LocalImaging.Decode(referenceImages[i].Bytes, $"reference image {i + 1}", maxLongSide));
            }
            cancellationToken.ThrowIfCancellationRequested();
            using var canvas = LocalImageCompositor.Compose(prompt, references, width, height, variant);
            var png = LocalImaging.EncodePng(canvas);
            logger.LogInformation("Local engine generated a {Width}x{Height} image from {Count} reference image(s) in {Elapsed} ms",
                width, height, references.Count, stopwatch.ElapsedMilliseconds);
            return new ProviderImage(png, "image/png");
        }
        finally
        {
            foreach (var reference in references)
                reference.Dispose();
        }
    }

    private ProviderImage Edit(IReadOnlyList<EditInstruction> instructions, ProviderImage previousImage, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var previous = LocalImaging.Decode(previousImage.Bytes, "previous image");
        var (width, height) = (previous.Width, previous.Height);
        // ApplyAll takes ownership of the decoded bitmap (it may edit it in place or dispose it).
        using var edited = LocalImageEditor.ApplyAll(previous, instructions, cancellationToken);
        var png = LocalImaging.EncodePng(edited);
        logger.LogInformation("Local engine applied {Instructions} to a {Width}x{Height} image in {Elapsed} ms",
            string.Join(", ", instructions.Select(i => i.Operation)), width, height, stopwatch.ElapsedMilliseconds);
        return new ProviderImage(png, "image/png");
    }
}
