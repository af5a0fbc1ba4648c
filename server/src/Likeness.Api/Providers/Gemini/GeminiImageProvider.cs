using System.Diagnostics;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Likeness.Api.Providers.Gemini;

/// <summary>
/// The plan's GeminiImageService: generate and edit through Gemini's <c>streamGenerateContent</c> (SSE).
/// Generate sends <c>[prompt, ...reference_images]</c>; edit sends
/// <c>[edit_prompt, previous_image, ...reference_images]</c>, as the plan says. While the answer streams in,
/// the model's thoughts and interim images are reported to the caller's <see cref="IImageProgress"/>; the
/// result is the last image that is not a thought (or, when every image is a thought, the last one).
/// A safety block or an answer without an image is an <see cref="ImageRequestDeclinedException"/>
/// (the user is told why); anything else that goes wrong is an <see cref="ImageProviderFailedException"/>.
/// </summary>
public sealed class GeminiImageProvider : IImageProvider
{
    /// <summary>Gemini 3 Pro Image takes at most 14 reference images.</summary>
    public const int MaxReferenceImages = 14;

    private static readonly string[] ResponseModalities = ["TEXT", "IMAGE"];

    /// <summary>Asks for the thought summaries and interim images, which feed the live progress.</summary>
    private static readonly ThinkingConfig IncludeThoughts = new(IncludeThoughts: true);

    private readonly GeminiClient _client;
    private readonly GeminiOptions _options;
    private readonly ILogger<GeminiImageProvider> _logger;

    private readonly GeminiFiles? _files;

    internal GeminiImageProvider(GeminiClient client, IOptions<GeminiOptions> options, ILogger<GeminiImageProvider> logger, GeminiFiles? files = null)
    {
        _client = client;
        _files = options.Value.UseFilesApi ? files : null;
        _options = options.Value;
        _logger = logger;
    }

    public string Name => "gemini";

    public int MaxParallelVariants => Math.Max(1, _options.MaxConcurrentCalls);

    public async Task<ProviderImage> GenerateImage(
        string prompt,
        IReadOnlyList<ProviderImage> referenceImages,
        string aspectRatio,
        string resolution,
        CancellationToken cancellationToken = default,
        IImageProgress? progress = null) =>
        (await MakeImage(new ImageRequest
        {
            Prompt = prompt, References = AsInputs(referenceImages), AspectRatio = aspectRatio, Resolution = resolution,
        }, cancellationToken, progress)).Image;

    public async Task<ProviderImage> EditImage(
        string editPrompt,
        ProviderImage previousImage,
        IReadOnlyList<ProviderImage> referenceImages,
        string aspectRatio,
        string resolution,
        CancellationToken cancellationToken = default,
        IImageProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(previousImage);
        return (await MakeImage(new ImageRequest
        {
            Prompt = editPrompt, PreviousImage = previousImage, References = AsInputs(referenceImages),
            AspectRatio = aspectRatio, Resolution = resolution,
        }, cancellationToken, progress)).Image;
    }

    private static List<ReferenceInput> AsInputs(IReadOnlyList<ProviderImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.Select((image, i) => new ReferenceInput($"reference-{i + 1}", image)).ToList();
    }

    /// <summary>
    /// Generate, stateless edit or chat-mode edit. Chat mode sends the conversation: the first user turn
    /// (its prompt, the start image when the window does not reach the root, the references), each model turn
    /// with its parts and signatures as received (its image in its original bytes), each user prompt, then the
    /// new prompt. Input images never exceed the model's limit: references are left out from the last.
    /// </summary>
    public async Task<ImageResult> MakeImage(ImageRequest request, CancellationToken cancellationToken = default, IImageProgress? progress = null)
    {
        try
        {
            return await Make(request, cancellationToken, progress, retry: false);
        }
        catch (FilesGoneException gone)
        {
            // Gemini no longer has a file we uploaded (deleted, or expired early): forget them all and upload again.
            _logger.LogWarning("Gemini: a reference file is gone ({Reason}); uploading the references again", gone.InnerException?.Message);
            await _files!.Forget(request.References.Select(r => r.StorageKey), cancellationToken);
            return await Make(request, cancellationToken, progress, retry: true);
        }
    }

    private sealed class FilesGoneException(Exception inner) : Exception("A file is gone.", inner);

    private async Task<ImageResult> Make(ImageRequest request, CancellationToken cancellationToken, IImageProgress? progress, bool retry)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Prompt);
        ArgumentNullException.ThrowIfNull(request.References);
        var model = GeminiModels.Find(request.Model ?? _options.EffectiveDefaultModel)
            ?? throw new ArgumentOutOfRangeException(nameof(request), request.Model, "Unknown Gemini model.");
        if (!model.AspectRatios.Contains(request.AspectRatio))
            throw new ArgumentOutOfRangeException(nameof(request), request.AspectRatio, ImageFormats.UnknownAspectRatio);
        if (!model.Resolutions.Contains(request.Resolution))
            throw new ArgumentOutOfRangeException(nameof(request), request.Resolution, ImageFormats.UnknownResolution);
        if (request.References.Count > MaxReferenceImages)
            throw new ArgumentException($"Gemini takes at most {MaxReferenceImages} reference images, not {request.References.Count}.", nameof(request));

        // A region edit is one stateless turn: the previous image, then the overlay that marks the region.
        var overlay = request.PreviousImage is not null ? request.RegionOverlay : null;
        var chat = request.Chat is { Turns.Count: > 0 } history && overlay is null ? Window(history, model) : null;
        var operation = chat is not null ? "chat edit" : overlay is not null ? "region edit" : request.PreviousImage is not null ? "edit" : "generate";
        var leading = chat is not null ? (chat.StartImage is null ? 0 : 1) + chat.Turns.Count
            : (request.PreviousImage is null ? 0 : 1) + (overlay is null ? 0 : 1);
        var keptReferences = Math.Max(0, Math.Min(request.References.Count, model.MaxInputImages - leading));
        if (keptReferences < request.References.Count)
        {
            var leftOut = Enumerable.Range(keptReferences + 1, request.References.Count - keptReferences).ToList();
            var message = $"{model.Label} takes at most {model.MaxInputImages} input images, so " +
                          (leftOut.Count == 1 ? $"reference image {leftOut[0]} was" : $"reference images {string.Join(", ", leftOut)} were") +
                          $" left out of this request.";
            if (!retry)
            {
                _logger.LogWarning("Gemini {Operation}: {Message}", operation, message);
                ReportNotice(progress, message);
            }
        }
        var references = request.References.Take(keptReferences).ToList();

        // References go as Files API files when they can (uploaded once, reused while alive); the rest inline.
        var files = _files is not null && references.Count > 0
            ? await _files.For(references, cancellationToken)
            : new FileData?[references.Count];

        // The inputs the size budget may shrink: the user turn's inline images. The model's own images never change.
        var inputs = new List<GeminiRequestBudget.Input>();
        var slots = new List<(FileData? File, int Inline)>();
        var firstImage = chat is not null ? chat.StartImage : request.PreviousImage;
        if (firstImage is not null)
        {
            slots.Add((null, inputs.Count));
            inputs.Add(new(chat is not null ? "oldest kept image" : "previous image", firstImage));
        }
        if (overlay is not null)
        {
            slots.Add((null, inputs.Count));
            inputs.Add(new("region overlay", overlay));
        }
        for (var i = 0; i < references.Count; i++)
        {
            if (files[i] is { } file)
            {
                slots.Add((file, -1));
                continue;
            }
            slots.Add((null, inputs.Count));
            inputs.Add(new GeminiRequestBudget.Input($"reference image {i + 1}", references[i].Image));
        }
        List<Part> UserParts(IReadOnlyList<InlineData> inline) =>
            slots.Select(s => s.File is { } f ? new Part { FileData = f } : new Part { InlineData = inline[s.Inline] }).ToList();

        var overhead = GeminiClient.Serialize(BuildRequest(request, model, chat,
            UserParts(inputs.Select(i => new InlineData(i.Image.MimeType, "")).ToList()))).LongLength;
        var fitted = GeminiRequestBudget.Fit(inputs, overhead, _options.MaxRequestBytes);
        if (fitted.Actions.Count > 0)
            _logger.LogWarning("Gemini {Operation}: shrank the inputs to fit the inline request limit: {Actions}",
                operation, string.Join("; ", fitted.Actions));

        var body = GeminiClient.Serialize(BuildRequest(request, model, chat,
            UserParts(fitted.Images.Select(i => new InlineData(i.MimeType, Convert.ToBase64String(i.Bytes))).ToList())));
        if (body.LongLength > _options.MaxRequestBytes)
            throw new ImageProviderFailedException(
                $"The Gemini request is {body.LongLength} bytes, over the {_options.MaxRequestBytes} byte budget.");

        var reporter = new GeminiProgressReporter(progress, operation, _logger);
        reporter.Stage(ImageJobStage.Sending);
        var stopwatch = Stopwatch.StartNew();
        GeminiCall call;
        try
        {
            call = await _client.StreamGenerateContent(body, reporter.OnChunk, cancellationToken, model.Id);
        }
        catch (ImageProviderFailedException ex) when (!retry && files.Any(f => f is not null) && ex is not ImageQuotaExceededException
                                                      && ex.Message.Contains("File", StringComparison.Ordinal)
                                                      && (ex.Message.Contains(" 403 ") || ex.Message.Contains(" 404 ") || ex.Message.Contains(" 400 ")))
        {
            throw new FilesGoneException(ex);
        }
        stopwatch.Stop();
        var (image, imagePart) = Interpret(operation, call, body.LongLength, stopwatch.Elapsed);
        reporter.Drawing(); // when every image was a thought, the final one arrived as one
        var parts = call.Response.Candidates?.FirstOrDefault()?.Content?.Parts ?? [];
        return new ImageResult(image)
        {
            Answer = StoredAnswer(parts, imagePart),
            Usage = Usage(call.Response.UsageMetadata, model, request.Resolution),
            Model = model.Id,
        };
    }

    private void ReportNotice(IImageProgress? progress, string message)
    {
        try
        {
            progress?.Notice(message);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Gemini: reporting a notice failed; the call goes on.");
        }
    }

    /// <summary>
    /// Keeps as many model turns as the model's input image limit allows with at least one reference: each
    /// dropped turn's image becomes the start image of the first kept user turn.
    /// </summary>
    private static ChatHistory Window(ChatHistory history, GeminiModel model)
    {
        var turns = history.Turns.ToList();
        var start = history.StartImage;
        while (turns.Count > 1 && (start is null ? 0 : 1) + turns.Count + 1 > model.MaxInputImages)
        {
            start = turns[0].Image;
            turns.RemoveAt(0);
        }
        return new ChatHistory(start, turns);
    }

    /// <param name="userImages">The first user turn's images, in order: the start (or previous) image if any, then the references.</param>
    private GenerateContentRequest BuildRequest(ImageRequest request, GeminiModel model, ChatHistory? chat, IReadOnlyList<Part> userImages)
    {
        var config = new GenerationConfig(ResponseModalities,
            new ImageConfig(request.AspectRatio, model.SendsImageSize ? request.Resolution : null), IncludeThoughts);
        if (chat is null)
        {
            var prompt = request.PreviousImage is not null && request.RegionOverlay is not null ? RegionPrompt(request.Prompt) : request.Prompt;
            var parts = new List<Part> { new() { Text = prompt } };
            parts.AddRange(userImages);
            return new GenerateContentRequest([new Content("user", parts)], config);
        }

        var contents = new List<Content>();
        for (var i = 0; i < chat.Turns.Count; i++)
        {
            var turn = chat.Turns[i];
            var userParts = new List<Part> { new() { Text = turn.UserPrompt } };
            if (i == 0)
                userParts.AddRange(userImages);
            contents.Add(new Content("user", userParts));
            contents.Add(new Content("model", ModelParts(turn)));
        }
        contents.Add(new Content("user", [new Part { Text = request.Prompt }]));
        return new GenerateContentRequest(contents, config);
    }

    /// <summary>A region edit's prompt: the first image is the one to edit, the second marks (in magenta) the only region to change.</summary>
    internal static string RegionPrompt(string editPrompt) =>
        "Edit the first image. The second image is the same picture with the region to change tinted and outlined in magenta. " +
        "Change only that region and keep everything outside it exactly as it is; do not draw the magenta marking. " +
        "Return the whole image at the first image's size. The edit: " + editPrompt;

    /// <summary>A stored answer as the model sent it: every part and signature; the image in its original bytes.</summary>
    private static List<Part> ModelParts(ChatTurn turn)
    {
        var parts = new List<Part>();
        foreach (var part in turn.Answer.Parts)
        {
            if (part.Image)
                parts.Add(new Part
                {
                    InlineData = new InlineData(turn.Image.MimeType, Convert.ToBase64String(turn.Image.Bytes)),
                    Thought = part.Thought ? true : null,
                    ThoughtSignature = part.ThoughtSignature,
                });
            else if (part.OtherImage)
                continue; // a thought image: not kept, never signed
            else
                parts.Add(new Part { Text = part.Text ?? "", Thought = part.Thought ? true : null, ThoughtSignature = part.ThoughtSignature });
        }
        return parts;
    }

    /// <summary>The answer's parts in order, for the next chat turn; the chosen image part refers to the version's image.</summary>
    private static ModelAnswer StoredAnswer(IReadOnlyList<Part> parts, Part? imagePart)
    {
        var stored = new List<AnswerPart>();
        foreach (var part in parts)
        {
            if (part.InlineData is { Data.Length: > 0 } || part.FileData is not null)
                stored.Add(new AnswerPart
                {
                    Image = ReferenceEquals(part, imagePart), OtherImage = !ReferenceEquals(part, imagePart),
                    Thought = part.Thought == true, ThoughtSignature = part.ThoughtSignature,
                });
            else if (part.Text is { Length: > 0 } || part.ThoughtSignature is { Length: > 0 })
                stored.Add(new AnswerPart { Text = part.Text ?? "", Thought = part.Thought == true, ThoughtSignature = part.ThoughtSignature });
        }
        return new ModelAnswer(stored);
    }

    /// <summary>Tokens as Gemini counted them; cost: one output image at the catalogue's price plus the input tokens.</summary>
    private ImageUsage? Usage(UsageMetadata? usage, GeminiModel model, string resolution)
    {
        if (usage is null)
            return null;
        var imageTokens = usage.CandidatesTokensDetails?.Where(d => d.Modality == "IMAGE").Sum(d => d.TokenCount ?? 0) ?? 0;
        var cost = (_options.PricePerImage(model, resolution) ?? 0m)
                   + (usage.PromptTokenCount ?? 0) * _options.InputPricePerMillionTokens(model) / 1_000_000m;
        return new ImageUsage(usage.PromptTokenCount ?? 0, usage.CandidatesTokenCount ?? 0, usage.ThoughtsTokenCount ?? 0,
            usage.CachedContentTokenCount ?? 0, usage.TotalTokenCount ?? 0, imageTokens, Math.Round(cost, 6));
    }

    private (ProviderImage Image, Part Part) Interpret(string operation, GeminiCall call, long requestBytes, TimeSpan elapsed)
    {
        var response = call.Response;
        var candidate = response.Candidates?.FirstOrDefault();
        LogUsage(operation, call, candidate?.FinishReason ?? response.PromptFeedback?.BlockReason, requestBytes, elapsed);

        var parts = candidate?.Content?.Parts ?? [];
        foreach (var part in parts.Where(p => !string.IsNullOrWhiteSpace(p.Text)))
        {
            if (part.Thought == true)
                _logger.LogDebug("Gemini {Operation} thought: {Text}", operation, part.Text);
            else
                _logger.LogInformation("Gemini {Operation} text: {Text}", operation, part.Text);
        }
        var modelText = string.Join(" ", parts.Where(p => p.Thought != true && !string.IsNullOrWhiteSpace(p.Text)).Select(p => p.Text!.Trim()));

        if (response.PromptFeedback?.BlockReason is { Length: > 0 } blockReason)
        {
            _logger.LogWarning("Gemini {Operation}: prompt blocked ({BlockReason}), safety ratings: {Ratings}", operation, blockReason,
                string.Join(", ", (response.PromptFeedback.SafetyRatings ?? []).Select(r => $"{r.Category}={r.Probability}{(r.Blocked == true ? " (blocked)" : "")}")));
            throw new ImageRequestDeclinedException(GeminiDeclineMessages.ForBlockReason(blockReason));
        }
        if (candidate is null)
        {
            _logger.LogWarning("Gemini {Operation}: the response had no candidates.", operation);
            throw new ImageRequestDeclinedException(GeminiDeclineMessages.NoImage(null, modelText));
        }
        if (candidate.FinishReason is { Length: > 0 } finishReason && finishReason != "STOP")
        {
            _logger.LogWarning("Gemini {Operation}: finished with {FinishReason} {FinishMessage}", operation, finishReason, candidate.FinishMessage);
            throw new ImageRequestDeclinedException(GeminiDeclineMessages.ForFinishReason(finishReason, modelText));
        }

        // The final image is the last one that is not a thought. Google documents that the last image within
        // Thinking is also the final rendered image, so when every image is a thought the last one is it.
        var imagePart = parts.LastOrDefault(p => p.Thought != true && p.InlineData is { Data.Length: > 0 })
                        ?? parts.LastOrDefault(p => p.InlineData is { Data.Length: > 0 });
        if (imagePart?.Thought == true)
            _logger.LogInformation("Gemini {Operation}: every image was marked as a thought; the last one is the result.", operation);
        if (imagePart?.InlineData is not { } inline)
        {
            _logger.LogWarning("Gemini {Operation}: finished with {FinishReason} but sent no image.", operation, candidate.FinishReason ?? "(none)");
            throw new ImageRequestDeclinedException(GeminiDeclineMessages.NoImage("NO_IMAGE", modelText));
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(inline.Data);
        }
        catch (FormatException ex)
        {
            throw new ImageProviderFailedException("Gemini's image part is not valid base64.", ex);
        }
        var mimeType = SniffMimeType(bytes)
            ?? throw new ImageProviderFailedException(
                $"Gemini's image part ({inline.MimeType}, {bytes.Length} bytes) is not a PNG, JPEG or WebP image.");
        if (mimeType != inline.MimeType)
            _logger.LogWarning("Gemini {Operation}: the image was declared {Declared} but is {Actual}.", operation, inline.MimeType, mimeType);
        return (new ProviderImage(bytes, mimeType), imagePart);
    }

    private void LogUsage(string operation, GeminiCall call, string? finishReason, long requestBytes, TimeSpan elapsed)
    {
        var usage = call.Response.UsageMetadata;
        int? Modality(IReadOnlyList<ModalityTokenCount>? details, string modality) =>
            details?.Where(d => d.Modality == modality).Sum(d => d.TokenCount ?? 0);
        var imageTokens = Modality(usage?.CandidatesTokensDetails, "IMAGE");
        var textTokens = Modality(usage?.CandidatesTokensDetails, "TEXT");

        _logger.LogInformation(
            "Gemini {Operation} usage: model {ModelVersion}, response {ResponseId}, {Attempts} attempt(s), {Chunks} chunk(s), {ElapsedMs} ms, " +
            "request {RequestBytes} bytes, finish {FinishReason}; tokens: prompt {PromptTokens}, output {CandidatesTokens} " +
            "(image {ImageTokens}, text {TextTokens}), thoughts {ThoughtsTokens}, cached {CachedTokens}, total {TotalTokens}; " +
            "estimated cost {EstimatedCostUsd} USD",
            operation, call.Response.ModelVersion ?? _client.Model, call.Response.ResponseId, call.Attempts, call.Chunks,
            (long)elapsed.TotalMilliseconds, requestBytes, finishReason ?? "(none)",
            usage?.PromptTokenCount ?? 0, usage?.CandidatesTokenCount ?? 0, imageTokens ?? 0, textTokens ?? 0,
            usage?.ThoughtsTokenCount ?? 0, usage?.CachedContentTokenCount ?? 0, usage?.TotalTokenCount ?? 0,
            EstimateCost(usage, imageTokens)?.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture) ?? "n/a");
    }

    /// <summary>
    /// Input tokens at the input price; image output tokens at the image price; the rest of the output
    /// (text and thinking, which Gemini bills as output) at the text price.
    /// </summary>
    internal decimal? EstimateCost(UsageMetadata? usage, int? imageTokens)
    {
        if (_options.Pricing is not { } price || usage is null)
            return null;
        var image = imageTokens ?? 0;
        var textOut = (usage.CandidatesTokenCount ?? 0) - image + (usage.ThoughtsTokenCount ?? 0);
        return ((usage.PromptTokenCount ?? 0) * price.InputPerMillionTokens
                + Math.Max(0, textOut) * price.TextOutputPerMillionTokens
                + image * price.ImageOutputPerMillionTokens) / 1_000_000m;
    }

    internal static string? SniffMimeType(byte[] bytes)
    {
        using var codec = SKCodec.Create(new MemoryStream(bytes));
        return codec?.EncodedFormat switch
        {
            SKEncodedImageFormat.Png => "image/png",
            SKEncodedImageFormat.Jpeg => "image/jpeg",
            SKEncodedImageFormat.Webp => "image/webp",
            _ => null,
        };
    }
}

/// <summary>Plain-words reasons shown to the user when Gemini declines (the API answers 422 with them).</summary>
internal static class GeminiDeclineMessages
{
    public static string ForBlockReason(string blockReason) => blockReason switch
    {
        "SAFETY" or "IMAGE_SAFETY" => $"The image service declined this prompt for safety reasons ({blockReason}).",
        "PROHIBITED_CONTENT" => $"The image service declined this prompt because it may involve prohibited content ({blockReason}).",
        "BLOCKLIST" => $"The image service declined this prompt because it contains terms the service does not allow ({blockReason}).",
        _ => $"The image service declined this prompt ({blockReason}). Try rephrasing it.",
    };

    public static string ForFinishReason(string finishReason, string modelText)
    {
        var sentence = finishReason switch
        {
            "SAFETY" or "IMAGE_SAFETY" => $"The image service declined this request for safety reasons ({finishReason}).",
            "PROHIBITED_CONTENT" or "IMAGE_PROHIBITED_CONTENT" =>
                $"The image service declined this request because it may involve prohibited content ({finishReason}).",
            "RECITATION" or "IMAGE_RECITATION" =>
                $"The image service declined this request because the result could copy existing protected work too closely ({finishReason}).",
            "BLOCKLIST" => $"The image service declined this request because it contains terms the service does not allow ({finishReason}).",
            "SPII" => $"The image service declined this request because it may involve sensitive personal information ({finishReason}).",
            "LANGUAGE" => $"The image service declined this request because its language is not supported ({finishReason}).",
            "MAX_TOKENS" => $"The image service stopped before it finished the image ({finishReason}). Try a shorter prompt.",
            "NO_IMAGE" or "IMAGE_OTHER" or "OTHER" =>
                $"The image service could not make an image for this request ({finishReason}). Try rephrasing the prompt.",
            _ => $"The image service declined this request ({finishReason}). Try rephrasing the prompt.",
        };
        return WithModelText(sentence, modelText);
    }

    public static string NoImage(string? reason, string modelText) => WithModelText(
        reason is null
            ? "The image service did not return an image for this request. Try rephrasing the prompt."
            : $"The image service did not return an image for this request ({reason}). Try rephrasing the prompt.",
        modelText);

    /// <summary>The model often says why it declined; that helps the user more than a code.</summary>
    private static string WithModelText(string sentence, string modelText)
    {
        if (string.IsNullOrWhiteSpace(modelText))
            return sentence;
        return $"{sentence} The service said: \"{modelText.Shorten(300)}\"";
    }
}

/// <summary>
/// Turns the chunks of one answer into progress reports, in the order they arrive: <c>Thinking</c> at the
/// first thought, each thought summary, each interim image (awaited), <c>Drawing</c> at the first part
/// after the thoughts. A reporter that throws is logged and ignored: progress never fails the call.
/// </summary>
internal sealed class GeminiProgressReporter(IImageProgress? progress, string operation, ILogger logger)
{
    private bool _thinking;
    private bool _drawing;

    public void Stage(ImageJobStage stage)
    {
        if (progress is null)
            return;
        try
        {
            progress.Stage(stage);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Gemini {Operation}: the progress report of stage {Stage} failed; the call goes on.", operation, stage);
        }
    }

    /// <summary>Reports <c>Drawing</c> unless it has been reported already.</summary>
    public void Drawing()
    {
        if (_drawing)
            return;
        _drawing = true;
        Stage(ImageJobStage.Drawing);
    }

    public async Task OnChunk(GenerateContentResponse chunk, CancellationToken cancellationToken)
    {
        foreach (var part in chunk.Candidates?.FirstOrDefault()?.Content?.Parts ?? [])
        {
            if (part.Thought != true)
            {
                if (part.InlineData is { Data.Length: > 0 } || !string.IsNullOrWhiteSpace(part.Text))
                    Drawing();
                continue;
            }
            if (!_thinking)
            {
                _thinking = true;
                Stage(ImageJobStage.Thinking);
            }
            if (!string.IsNullOrWhiteSpace(part.Text))
                Thought(part.Text);
            else if (part.InlineData is { Data.Length: > 0 } inline && Decode(inline) is { } image)
                await Preview(image, cancellationToken);
        }
    }

    private void Thought(string text)
    {
        if (progress is null)
            return;
        try
        {
            progress.Thought(text);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Gemini {Operation}: the progress report of a thought failed; the call goes on.", operation);
        }
    }

    private async Task Preview(ProviderImage image, CancellationToken cancellationToken)
    {
        if (progress is null)
            return;
        try
        {
            await progress.Preview(image, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Gemini {Operation}: the progress report of an interim image failed; the call goes on.", operation);
        }
    }

    private ProviderImage? Decode(InlineData inline)
    {
        try
        {
            var bytes = Convert.FromBase64String(inline.Data);
            if (GeminiImageProvider.SniffMimeType(bytes) is { } mimeType)
                return new ProviderImage(bytes, mimeType);
            logger.LogWarning("Gemini {Operation}: an interim image ({MimeType}, {Bytes} bytes) is not a PNG, JPEG or WebP; not shown.",
                operation, inline.MimeType, bytes.Length);
        }
        catch (FormatException)
        {
            logger.LogWarning("Gemini {Operation}: an interim image is not valid base64; not shown.", operation);
        }
        return null;
    }
}
