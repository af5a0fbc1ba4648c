using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Likeness.Api.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace Likeness.Emulators.Gemini;

/// <summary>
/// A local stand-in for Gemini's <c>POST /v1beta/models/{model}:generateContent</c> and
/// <c>:streamGenerateContent?alt=sse</c> (Kestrel on loopback). It checks every request the way our client
/// must send it and answers a 400 in Google's error shape when something is wrong; otherwise it answers the
/// way Gemini 3 Pro Image does: thought summaries, up to two interim "thought" images, then the final image
/// (with a <c>thoughtSignature</c>) at the size Google's table gives (<see cref="GeminiImageSizes"/>), and a
/// last chunk with <c>finishReason</c> and <c>usageMetadata</c>. The image is one an <see cref="IImageProvider"/>
/// really made from the inputs.
///
/// <para><b>Streaming.</b> <c>streamGenerateContent?alt=sse</c> answers <c>text/event-stream</c>, one
/// <c>data: {GenerateContentResponse}</c> event per chunk, each followed by a blank line, with the delays of
/// <see cref="Delays"/> between them. Without <c>alt=sse</c> it answers the chunks as one JSON array, as Google
/// does; <c>generateContent</c> answers them merged into one response.</para>
///
/// <para><b>Generate or edit?</b> The wire format is the same for both: <c>[text, image, image, …]</c>.
/// Like the real model, the emulator decides from the content: a request is an <i>edit</i> when its first
/// image is one the emulator itself returned earlier (matched by a 16x16 colour fingerprint and aspect
/// ratio, so it still matches after the client re-encodes or downsizes it); the first image is then the
/// image to edit and the rest are references. Otherwise every image is a reference and it generates.
/// <see cref="ForceMode"/> overrides this for a test that needs to.</para>
///
/// <para>Faults queued with <see cref="Inject"/> apply to the next valid calls, one per call, in order.
/// Invalid requests are answered 400 and do not use up a fault.</para>
/// </summary>
public sealed class GeminiEmulator : IAsyncDisposable
{
    public const string DefaultApiKey = "emulator-key-7f3a9c41d2e8b6";
    public const string DefaultModel = "gemini-3-pro-image-preview";
    /// <summary>Gemini's inline request limit (the whole JSON body), as its own error message states it.</summary>
    public const long MaxRequestBytes = 20_971_520;
    public const int MaxImages = 15; // previous image + 14 references

    public static readonly string[] AspectRatios = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];
    public static readonly string[] ImageSizes = ["1K", "2K", "4K"];
    private static readonly string[] MimeTypes = ["image/png", "image/jpeg", "image/webp"];
    private static readonly Regex PathPattern = new("^/v1beta/models/([^/:]+):(generateContent|streamGenerateContent)$", RegexOptions.Compiled);

    private readonly WebApplication _app;
    private readonly IImageProvider _engine;
    private readonly ConcurrentQueue<GeminiFault> _faults = new();
    private readonly List<EmulatorCall> _calls = [];
    private readonly List<Fingerprint> _produced = [];
    private readonly Action<string>? _log;
    private int _callNumber;

    public string BaseUrl { get; }
    public string ApiKey { get; }
    public string Model { get; }

    /// <summary>Null: decide generate/edit from the content (see the class summary).</summary>
    public EmulatorMode? ForceMode { get; set; }

    /// <summary>How long each stage takes (all zero by default, so tests are fast).</summary>
    public EmulatorDelays Delays { get; set; } = EmulatorDelays.None;

    /// <summary>Interim thought images sent before the final one (0 to 2, as Gemini 3 Pro Image does).</summary>
    public int Previews
    {
        get;
        set => field = value is >= 0 and <= 2 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "0, 1 or 2.");
    } = 2;

    private GeminiEmulator(WebApplication app, IImageProvider engine, EmulatorOptions options, Action<string>? log)
    {
        _app = app;
        _engine = engine;
        _log = log;
        ApiKey = options.ApiKey;
        Model = options.Model;
        Delays = options.ToDelays();
        Previews = options.Previews;
        BaseUrl = app.Urls.First();
    }

    /// <summary>Starts an emulator on a free loopback port (the tests' way).</summary>
    public static Task<GeminiEmulator> Start(IImageProvider engine, string apiKey = DefaultApiKey, string model = DefaultModel) =>
        Start(engine, new EmulatorOptions { ApiKey = apiKey, Model = model });

    /// <summary>
    /// Starts an emulator. <paramref name="args"/> are ASP.NET Core's (<c>--urls</c>, …); without <c>urls</c> it
    /// listens on a free loopback port. <paramref name="log"/> receives one line per call.
    /// </summary>
    public static async Task<GeminiEmulator> Start(IImageProvider engine, EmulatorOptions options, string[]? args = null, Action<string>? log = null)
    {
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args ?? [] });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 256 * 1024 * 1024);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        GeminiEmulator? emulator = null;
        app.Run(context => emulator!.Handle(context));
        await app.StartAsync();
        emulator = new GeminiEmulator(app, engine, options, log);
        return emulator;
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdown() => _app.WaitForShutdownAsync();

    /// <summary>Makes the next <paramref name="times"/> valid calls fail as <paramref name="fault"/> says.</summary>
    public void Inject(GeminiFault fault, int times = 1)
    {
        for (var i = 0; i < times; i++)
            _faults.Enqueue(fault);
    }

    public IReadOnlyList<EmulatorCall> Calls
    {
        get { lock (_calls) return _calls.ToArray(); }
    }

    public int CallCount => Calls.Count;

    /// <summary>Forgets recorded calls and queued faults (not the images it made).</summary>
    public void Reset()
    {
        _faults.Clear();
        lock (_calls) _calls.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task Handle(HttpContext context)
    {
        var call = new EmulatorCall
        {
            Number = Interlocked.Increment(ref _callNumber),
            Method = context.Request.Method,
            Path = context.Request.Path.Value ?? "",
            QueryString = context.Request.QueryString.Value ?? "",
            ApiKeyHeader = context.Request.Headers["x-goog-api-key"].ToString(),
            ContentType = context.Request.ContentType,
            StartedAt = DateTimeOffset.UtcNow,
        };
        lock (_calls) _calls.Add(call);
        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            call.BodyBytes = body.Length;

            var error = CheckEnvelope(context, call, body.Length);
            JsonNode? root = null;
            if (error is null)
                (root, error) = ParseJson(body.ToArray());
            ParsedRequest? request = null;
            if (error is null)
                (request, error) = CheckRequest(root!, call);
            if (error is not null)
            {
                call.Error = error.Message;
                await WriteError(context, call, error.Code, error.Status, error.Message);
                return;
            }

            call.Mode = DecideMode(request!);
            var reply = new Reply(context, call, Model);
            var onlyThoughtImages = false;
            if (_faults.TryDequeue(out var fault))
            {
                call.Fault = fault.ToString();
                switch (fault)
                {
                    case OnlyThoughtImagesFault:
                        onlyThoughtImages = true;
                        break;
                    case StreamBreakFault streamBreak:
                        reply.BreakAfter = streamBreak.AfterChunks;
                        reply.BreakCleanly = streamBreak.Cleanly;
                        break;
                    case ErrorInStreamFault errorInStream:
                        reply.BreakAfter = errorInStream.AfterChunks;
                        reply.BreakCleanly = true;
                        reply.ErrorAtBreak = true;
                        break;
                    default:
                        if (await ApplyFault(context, call, reply, fault))
                            return;
                        break;
                }
            }
            await Answer(context, call, reply, request!, onlyThoughtImages);
        }
        catch (StreamBrokenException)
        {
            call.StreamBroken = true;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            call.ClientAborted = true;
        }
        finally
        {
            call.FinishedAt = DateTimeOffset.UtcNow;
            _log?.Invoke($"{call.StartedAt:HH:mm:ss.fff} #{call.Number} {call.Method} {call.Path}{call.QueryString} -> " +
                         $"{(call.StreamBroken ? "stream broken" : call.ClientAborted ? "client went away" : call.StatusCode.ToString())}" +
                         $"{(call.Streaming ? $", {call.ChunksSent} chunk(s)" : "")}{(call.Mode is { } m ? $", {m}" : "")}" +
                         $"{(call.Fault is { } f ? $", fault {f}" : "")}{(call.Error is { } e ? $": {e}" : "")} " +
                         $"({(call.FinishedAt - call.StartedAt).TotalMilliseconds:0} ms)");
        }
    }

    // ---- validation -------------------------------------------------------------------------------

    private sealed record Problem(int Code, string Status, string Message);

    private static Problem Invalid(string message) => new(400, "INVALID_ARGUMENT", message);

    private Problem? CheckEnvelope(HttpContext context, EmulatorCall call, long bodyBytes)
    {
        var match = PathPattern.Match(call.Path);
        if (!match.Success)
            return new Problem(404, "NOT_FOUND", $"The path {call.Path} is not a generateContent or streamGenerateContent method of the v1beta API.");
        var method = match.Groups[2].Value;
        if (call.Method != "POST")
            return new Problem(405, "INVALID_ARGUMENT", $"{method} takes POST, not {call.Method}.");
        call.Streaming = method == "streamGenerateContent";
        var alt = context.Request.Query["alt"].ToString();
        if (alt is not ("" or "sse" or "json"))
            return Invalid($"Invalid value at 'alt' ({alt}): expected json or sse.");
        call.ServerSentEvents = call.Streaming && alt == "sse";
        if (match.Groups[1].Value != Model)
            return new Problem(404, "NOT_FOUND",
                $"models/{match.Groups[1].Value} is not found for API version v1beta, or is not supported for generateContent. " +
                "Call ListModels to see the list of available models and their supported methods.");
        // Gemini accepts ?key= too; we do not, because URLs end up in logs.
        if (context.Request.Query.ContainsKey("key"))
            return Invalid("Emulator rule: the API key must travel in the x-goog-api-key header, never in the URL.");
        if (string.IsNullOrEmpty(call.ApiKeyHeader))
            return new Problem(403, "PERMISSION_DENIED",
                "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
        if (call.ApiKeyHeader != ApiKey)
            return Invalid("API key not valid. Please pass a valid API key.");
        if (call.ContentType is null || !call.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Invalid($"Invalid JSON payload received. Content-Type must be application/json, not '{call.ContentType}'.");
        if (bodyBytes > MaxRequestBytes)
            return Invalid($"Request payload size exceeds the limit: {MaxRequestBytes} bytes.");
        return null;
    }

    private static (JsonNode?, Problem?) ParseJson(byte[] body)
    {
        try
        {
            var node = JsonNode.Parse(body);
            return node is JsonObject ? (node, null) : (null, Invalid("Invalid JSON payload received. Expected an object."));
        }
        catch (JsonException ex)
        {
            return (null, Invalid($"Invalid JSON payload received. {ex.Message}"));
        }
    }

    private sealed record ParsedRequest(string Prompt, IReadOnlyList<ProviderImage> Images, string AspectRatio, string ImageSize);

    private static Problem? UnknownFields(JsonObject obj, string at, params string[] allowed)
    {
        var unknown = obj.Select(p => p.Key).FirstOrDefault(k => !allowed.Contains(k));
        return unknown is null ? null : Invalid($"Invalid JSON payload received. Unknown name \"{unknown}\" at '{at}': Cannot find field.");
    }

    private static (ParsedRequest?, Problem?) CheckRequest(JsonNode root, EmulatorCall call)
    {
        var obj = root.AsObject();
        if (UnknownFields(obj, "", "contents", "generationConfig") is { } unknownTop)
            return (null, unknownTop);

        if (obj["contents"] is not JsonArray contents || contents.Count == 0)
            return (null, Invalid("* GenerateContentRequest.contents: contents is not specified"));
        if (contents.Count != 1 || contents[0] is not JsonObject content)
            return (null, Invalid($"Emulator rule: expected one user turn in contents, got {contents.Count}."));
        if (UnknownFields(content, "contents[0]", "role", "parts") is { } unknownContent)
            return (null, unknownContent);
        if (content["role"]?.GetValueKind() != JsonValueKind.String || content["role"]!.GetValue<string>() != "user")
            return (null, Invalid("Please use a valid role: user, model. The single turn must have role \"user\"."));
        if (content["parts"] is not JsonArray parts || parts.Count == 0)
            return (null, Invalid("* GenerateContentRequest.contents[0].parts: contents.parts must not be empty."));

        string? prompt = null;
        var images = new List<ProviderImage>();
        for (var i = 0; i < parts.Count; i++)
        {
            var at = $"contents[0].parts[{i}]";
            if (parts[i] is not JsonObject part)
                return (null, Invalid($"Invalid JSON payload received. {at} must be an object."));
            if (UnknownFields(part, at, "text", "inlineData") is { } unknownPart)
                return (null, unknownPart);
            if (part.Count != 1)
                return (null, Invalid($"{at}: a part holds exactly one of text or inlineData."));
            if (part["text"] is { } text)
            {
                if (i != 0)
                    return (null, Invalid($"Emulator rule: the prompt must be the first part and only the first; {at} is text."));
                if (text.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(text.GetValue<string>()))
                    return (null, Invalid($"{at}.text must be a non-empty string."));
                prompt = text.GetValue<string>();
                call.Parts.Add(new PartSummary("text", prompt, null, 0, 0, Encoding.UTF8.GetByteCount(prompt), null));
                continue;
            }
            if (i == 0)
                return (null, Invalid("Emulator rule: the first part must be the text prompt."));
            if (part["inlineData"] is not JsonObject inline)
                return (null, Invalid($"Invalid JSON payload received. {at}.inlineData must be an object."));
            if (UnknownFields(inline, $"{at}.inline_data", "mimeType", "data") is { } unknownInline)
                return (null, unknownInline);
            if (inline["mimeType"]?.GetValueKind() != JsonValueKind.String || inline["data"]?.GetValueKind() != JsonValueKind.String)
                return (null, Invalid($"{at}.inlineData needs mimeType and data strings."));
            var mimeType = inline["mimeType"]!.GetValue<string>();
            var data = inline["data"]!.GetValue<string>();
            if (!MimeTypes.Contains(mimeType))
                return (null, Invalid($"Unsupported MIME type: {mimeType} at {at}.inlineData.mimeType."));
            if (!Base64.IsValid(data, out var decodedLength) || decodedLength == 0)
                return (null, Invalid($"Invalid value at '{at}.inline_data.data' (TYPE_BYTES), Base64 decoding failed."));
            var bytes = Convert.FromBase64String(data);
            var (actualType, width, height) = Sniff(bytes);
            if (actualType != mimeType)
                return (null, Invalid($"Unable to process input image at {at}: declared {mimeType} but the bytes are {actualType ?? "not an image"}."));
            images.Add(new ProviderImage(bytes, mimeType));
            call.Parts.Add(new PartSummary("image", null, mimeType, width, height, bytes.Length, Convert.ToHexString(SHA256.HashData(bytes))));
        }
        if (images.Count == 0)
            return (null, Invalid("Emulator rule: at least one image (the reference images) must follow the prompt."));
        if (images.Count > MaxImages)
            return (null, Invalid($"Too many images: {images.Count}; at most {MaxImages} (the previous image and 14 references)."));

        if (obj["generationConfig"] is not JsonObject config)
            return (null, Invalid("Emulator rule: generationConfig is required (responseModalities and imageConfig)."));
        if (UnknownFields(config, "generation_config", "responseModalities", "imageConfig", "thinkingConfig") is { } unknownConfig)
            return (null, unknownConfig);
        if (config["thinkingConfig"] is { } thinking)
        {
            if (thinking is not JsonObject thinkingConfig)
                return (null, Invalid("Invalid JSON payload received. generationConfig.thinkingConfig must be an object."));
            if (UnknownFields(thinkingConfig, "generation_config.thinking_config", "includeThoughts", "thinkingLevel") is { } unknownThinking)
                return (null, unknownThinking);
            if (thinkingConfig["includeThoughts"] is { } include)
            {
                if (include.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                    return (null, Invalid("Invalid value at 'generation_config.thinking_config.include_thoughts' (TYPE_BOOL)."));
                call.IncludeThoughts = include.GetValue<bool>();
            }
        }
        if (config["responseModalities"] is not JsonArray modalities
            || modalities.Any(m => m?.GetValueKind() != JsonValueKind.String))
            return (null, Invalid("generationConfig.responseModalities must be an array of strings."));
        call.ResponseModalities = modalities.Select(m => m!.GetValue<string>()).ToList();
        if (call.ResponseModalities.Any(m => m is not ("TEXT" or "IMAGE")))
            return (null, Invalid($"Invalid value at 'generation_config.response_modalities' (type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig.Modality): {string.Join(",", call.ResponseModalities)}"));
        if (!call.ResponseModalities.Contains("IMAGE"))
            return (null, Invalid("Emulator rule: responseModalities must include IMAGE to get an image."));
        if (config["imageConfig"] is not JsonObject imageConfig)
            return (null, Invalid("Emulator rule: generationConfig.imageConfig is required."));
        if (UnknownFields(imageConfig, "generation_config.image_config", "aspectRatio", "imageSize") is { } unknownImage)
            return (null, unknownImage);
        var aspectRatio = imageConfig["aspectRatio"]?.GetValueKind() == JsonValueKind.String ? imageConfig["aspectRatio"]!.GetValue<string>() : null;
        var imageSize = imageConfig["imageSize"]?.GetValueKind() == JsonValueKind.String ? imageConfig["imageSize"]!.GetValue<string>() : null;
        call.AspectRatio = aspectRatio;
        call.ImageSize = imageSize;
        if (aspectRatio is null || !AspectRatios.Contains(aspectRatio))
            return (null, Invalid($"Unsupported aspect ratio: '{aspectRatio}'. Supported: {string.Join(", ", AspectRatios)}."));
        if (imageSize is null || !ImageSizes.Contains(imageSize))
            return (null, Invalid($"Unsupported image size: '{imageSize}'. Supported: 1K, 2K, 4K."));
        return (new ParsedRequest(prompt!, images, aspectRatio, imageSize), null);
    }

    private static (string? MimeType, int Width, int Height) Sniff(byte[] bytes)
    {
        using var codec = SKCodec.Create(new MemoryStream(bytes));
        if (codec is null)
            return (null, 0, 0);
        var type = codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Png => "image/png",
            SKEncodedImageFormat.Jpeg => "image/jpeg",
            SKEncodedImageFormat.Webp => "image/webp",
            var other => other.ToString(),
        };
        return (type, codec.Info.Width, codec.Info.Height);
    }

    // ---- generate or edit -------------------------------------------------------------------------

    private EmulatorMode DecideMode(ParsedRequest request)
    {
        if (ForceMode is { } forced)
            return forced;
        if (request.Images.Count < 2)
            return EmulatorMode.Generate;
        var first = Fingerprint.Of(request.Images[0].Bytes);
        lock (_produced)
            return _produced.Any(p => p.Matches(first)) ? EmulatorMode.Edit : EmulatorMode.Generate;
    }

    // ---- answers ----------------------------------------------------------------------------------

    /// <returns>True when the fault answered the call; false when a normal answer should follow.</returns>
    private async Task<bool> ApplyFault(HttpContext context, EmulatorCall call, Reply reply, GeminiFault fault)
    {
        switch (fault)
        {
            case SlowFault slow:
                await Task.Delay(slow.Delay, context.RequestAborted);
                return false;
            case StatusFault status:
                if (status.RetryAfterSeconds is { } seconds)
                    context.Response.Headers.RetryAfter = seconds.ToString();
                await WriteError(context, call, status.Code, StatusName(status.Code), status.Code switch
                {
                    429 => "Resource has been exhausted (e.g. check quota).",
                    500 => "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
                    503 => "The model is overloaded. Please try again later.",
                    504 => "Deadline expired before operation could complete.",
                    403 => "The caller does not have permission",
                    _ => "Request contains an invalid argument.",
                });
                return true;
            case MalformedBodyFault:
                call.StatusCode = 200;
                context.Response.StatusCode = 200;
                const string cutOff = "{\n  \"candidates\": [\n    {\n      \"content\": {\n        \"parts\": [\n          {\n            \"text\": \"Here is yo";
                if (call.ServerSentEvents)
                {
                    context.Response.ContentType = "text/event-stream";
                    await context.Response.WriteAsync("data: " + cutOff.ReplaceLineEndings(" ") + "\r\n\r\n", context.RequestAborted);
                    call.ChunksSent = 1;
                }
                else
                {
                    context.Response.ContentType = "application/json; charset=UTF-8";
                    await context.Response.WriteAsync(cutOff, context.RequestAborted);
                }
                return true;
            case ConnectionDropFault:
                call.StatusCode = 0;
                context.Abort();
                return true;
            case PromptBlockedFault blocked:
                await reply.Chunk(new JsonObject
                {
                    ["promptFeedback"] = new JsonObject
                    {
                        ["blockReason"] = blocked.BlockReason,
                        ["safetyRatings"] = new JsonArray(
                            new JsonObject { ["category"] = "HARM_CATEGORY_DANGEROUS_CONTENT", ["probability"] = "HIGH", ["blocked"] = true }),
                    },
                    ["usageMetadata"] = Usage(call, outputImageTokens: 0, textTokens: 0, thoughtTokens: 0),
                });
                await reply.Complete();
                return true;
            case FinishFault finish:
                if (call.IncludeThoughts != false)
                    await reply.Chunk(CandidateChunk(call, ThoughtText("**Considering the request**\nI am checking the request against the usage policies.")));
                var finishParts = new JsonArray();
                if (finish.ModelText is { } text)
                    finishParts.Add(new JsonObject { ["text"] = text, ["thoughtSignature"] = Signature() });
                await reply.Chunk(CandidateChunk(call, finishParts, finish.FinishReason,
                    Usage(call, outputImageTokens: 0, textTokens: finish.ModelText is null ? 0 : 12, thoughtTokens: 180)));
                await reply.Complete();
                return true;
            case NoImageFault noImage:
                await AnswerInWords(call, reply, noImage.ModelText);
                return true;
            default:
                throw new InvalidOperationException($"Unknown fault {fault}.");
        }
    }

    /// <summary>The real model answers in words when it will not draw: thoughts, text, STOP, no image.</summary>
    private static async Task AnswerInWords(EmulatorCall call, Reply reply, string modelText)
    {
        if (call.IncludeThoughts != false)
            await reply.Chunk(CandidateChunk(call, ThoughtText("**Considering the request**\nThe user wants an image; I will answer in words.")));
        await reply.Chunk(CandidateChunk(call, new JsonArray(new JsonObject { ["text"] = modelText, ["thoughtSignature"] = Signature() })));
        await reply.Chunk(CandidateChunk(call, new JsonArray(new JsonObject { ["text"] = "" }), "STOP",
            Usage(call, outputImageTokens: 0, textTokens: 12, thoughtTokens: 180)));
        await reply.Complete();
    }

    private async Task Answer(HttpContext context, EmulatorCall call, Reply reply, ParsedRequest request, bool onlyThoughtImages)
    {
        var ct = context.RequestAborted;
        await reply.Start(); // like Google: the status and headers at once, the chunks as they come
        var delays = Delays;
        var previewCount = Previews;
        var showThoughts = call.IncludeThoughts != false;
        // The engine works while the thoughts stream, as the model draws while it thinks.
        var render = Task.Run(() => Render(call, request, previewCount, ct), ct);

        string[] thoughts =
        [
            $"**Planning the image**\nI will follow the prompt and keep the person consistent with the {request.Images.Count} image(s) given.",
            $"**Composing the scene**\nI am placing the subject and checking the framing for a {request.AspectRatio} picture at {request.ImageSize}.",
            "**Checking the likeness**\nI am comparing my draft with the reference images before I draw the final picture.",
        ];
        foreach (var thought in thoughts)
        {
            var delay = delays.Thinking / thoughts.Length;
            if (showThoughts)
                await reply.Chunk(CandidateChunk(call, ThoughtText(thought)), delay);
            else if (delay > TimeSpan.Zero)
                await Task.Delay(delay, ct);
        }

        Rendered rendered;
        try
        {
            rendered = await render;
        }
        catch (ImageRequestDeclinedException declined)
        {
            await AnswerInWords(call, reply, declined.Message);
            return;
        }

        if (showThoughts || onlyThoughtImages)
        {
            foreach (var preview in rendered.Previews)
                await reply.Chunk(CandidateChunk(call, new JsonArray(ImagePart(preview, thought: true))), delays.Preview);
        }
        else if (delays.Preview > TimeSpan.Zero)
        {
            await Task.Delay(delays.Preview * rendered.Previews.Count, ct);
        }

        var verb = call.Mode == EmulatorMode.Edit ? "edited" : "generated";
        if (!onlyThoughtImages) // the first part after the thoughts carries a signature, as Google documents
            await reply.Chunk(CandidateChunk(call, new JsonArray(new JsonObject { ["text"] = $"Here is the {verb} image.", ["thoughtSignature"] = Signature() })));
        await reply.Chunk(CandidateChunk(call, new JsonArray(ImagePart(rendered.Final, thought: onlyThoughtImages))), delays.Drawing);
        await reply.Chunk(CandidateChunk(call, new JsonArray(new JsonObject { ["text"] = "" }), "STOP",
            Usage(call, GeminiImageSizes.OutputTokens(request.ImageSize), textTokens: onlyThoughtImages ? 0 : 12, thoughtTokens: 180)));
        await reply.Complete();
    }

    private sealed record Rendered(ProviderImage Final, IReadOnlyList<ProviderImage> Previews);

    /// <summary>
    /// The engine's image scaled to the size Gemini returns (<see cref="GeminiImageSizes"/>), and the interim
    /// thought images: smaller, blurrier versions of it (a quarter of the side, then half).
    /// </summary>
    private async Task<Rendered> Render(EmulatorCall call, ParsedRequest request, int previewCount, CancellationToken ct)
    {
        var made = call.Mode == EmulatorMode.Edit
            ? await _engine.EditImage(request.Prompt, request.Images[0], request.Images.Skip(1).ToList(), request.AspectRatio, request.ImageSize, ct)
            : await _engine.GenerateImage(request.Prompt, request.Images, request.AspectRatio, request.ImageSize, ct);
        var (width, height) = GeminiImageSizes.PixelSize(request.AspectRatio, request.ImageSize);

        using var source = SKBitmap.Decode(made.Bytes) ?? throw new InvalidOperationException("The engine made an image SkiaSharp cannot read.");
        using var sourceImage = SKImage.FromBitmap(source);
        var final = source.Width == width && source.Height == height && made.MimeType == "image/png"
            ? made
            : Draw(sourceImage, width, height, blurSigma: 0, SKEncodedImageFormat.Png);
        var previews = new List<ProviderImage>();
        if (previewCount >= 2)
            previews.Add(Draw(sourceImage, Math.Max(16, width / 4), Math.Max(16, height / 4), blurSigma: 6, SKEncodedImageFormat.Jpeg));
        if (previewCount >= 1)
            previews.Add(Draw(sourceImage, Math.Max(16, width / 2), Math.Max(16, height / 2), blurSigma: 2, SKEncodedImageFormat.Jpeg));

        lock (_produced)
            _produced.Add(Fingerprint.Of(final.Bytes));
        call.ResponseImage = Summarize(final);
        call.ThoughtImages = previews.Select(Summarize).ToList();
        return new Rendered(final, previews);
    }

    private static ProviderImage Draw(SKImage source, int width, int height, float blurSigma, SKEncodedImageFormat format)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"Cannot make a {width}x{height} surface.");
        surface.Canvas.Clear(SKColors.White);
        using var filter = blurSigma > 0 ? SKImageFilter.CreateBlur(blurSigma, blurSigma, SKShaderTileMode.Clamp) : null;
        using var paint = new SKPaint { ImageFilter = filter };
        surface.Canvas.DrawImage(source, new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), paint);
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(format, format == SKEncodedImageFormat.Jpeg ? 70 : 100)
            ?? throw new InvalidOperationException($"Cannot encode a {width}x{height} {format}.");
        return new ProviderImage(data.ToArray(), format == SKEncodedImageFormat.Jpeg ? "image/jpeg" : "image/png");
    }

    private static PartSummary Summarize(ProviderImage image)
    {
        var (_, width, height) = Sniff(image.Bytes);
        return new PartSummary("image", null, image.MimeType, width, height, image.Bytes.Length, Convert.ToHexString(SHA256.HashData(image.Bytes)));
    }

    private static JsonArray ThoughtText(string text) => new(new JsonObject { ["text"] = text, ["thought"] = true });

    /// <summary>An image part; thought images carry no signature, every other image part does (Google's rule).</summary>
    private static JsonObject ImagePart(ProviderImage image, bool thought)
    {
        var part = new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = image.MimeType, ["data"] = Convert.ToBase64String(image.Bytes) } };
        if (thought)
            part["thought"] = true;
        else
            part["thoughtSignature"] = Signature();
        return part;
    }

    /// <summary>One chunk: a candidate with these parts; the usage so far (the prompt's) unless <paramref name="usage"/> is given.</summary>
    private static JsonObject CandidateChunk(EmulatorCall call, JsonArray parts, string? finishReason = null, JsonObject? usage = null)
    {
        var candidate = new JsonObject { ["content"] = new JsonObject { ["role"] = "model", ["parts"] = parts } };
        if (finishReason is not null)
            candidate["finishReason"] = finishReason;
        candidate["index"] = 0;
        return new JsonObject
        {
            ["candidates"] = new JsonArray(candidate),
            ["usageMetadata"] = usage ?? PromptUsage(call),
        };
    }

    private static (int Text, int Images) PromptTokens(EmulatorCall call) =>
        (call.Parts.Where(p => p.Kind == "text").Sum(p => Math.Max(1, p.Bytes / 4)), call.Parts.Count(p => p.Kind == "image") * 560);

    /// <summary>What Gemini puts in the chunks before the last: the prompt's tokens only.</summary>
    private static JsonObject PromptUsage(EmulatorCall call)
    {
        var (text, images) = PromptTokens(call);
        return new JsonObject
        {
            ["promptTokenCount"] = text + images,
            ["totalTokenCount"] = text + images,
            ["promptTokensDetails"] = new JsonArray(
                new JsonObject { ["modality"] = "TEXT", ["tokenCount"] = text },
                new JsonObject { ["modality"] = "IMAGE", ["tokenCount"] = images }),
        };
    }

    /// <summary>Token counts shaped like Gemini's: text ~4 characters a token, 560 per input image.</summary>
    private static JsonObject Usage(EmulatorCall call, int outputImageTokens, int textTokens, int thoughtTokens)
    {
        var (promptText, promptImages) = PromptTokens(call);
        var candidates = outputImageTokens + textTokens;
        var usage = new JsonObject
        {
            ["promptTokenCount"] = promptText + promptImages,
            ["candidatesTokenCount"] = candidates,
            ["totalTokenCount"] = promptText + promptImages + candidates + thoughtTokens,
            ["promptTokensDetails"] = new JsonArray(
                new JsonObject { ["modality"] = "TEXT", ["tokenCount"] = promptText },
                new JsonObject { ["modality"] = "IMAGE", ["tokenCount"] = promptImages }),
        };
        if (thoughtTokens > 0)
            usage["thoughtsTokenCount"] = thoughtTokens;
        if (candidates > 0)
        {
            var details = new JsonArray();
            if (outputImageTokens > 0) details.Add(new JsonObject { ["modality"] = "IMAGE", ["tokenCount"] = outputImageTokens });
            if (textTokens > 0) details.Add(new JsonObject { ["modality"] = "TEXT", ["tokenCount"] = textTokens });
            usage["candidatesTokensDetails"] = details;
        }
        return usage;
    }

    private static string NewResponseId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');

    private static string Signature() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    private static string StatusName(int code) => code switch
    {
        400 => "INVALID_ARGUMENT",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        500 => "INTERNAL",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    };

    private static Task WriteError(HttpContext context, EmulatorCall call, int code, string status, string message) =>
        WriteJson(context, call, new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status },
        }, code);

    private static async Task WriteJson(HttpContext context, EmulatorCall call, JsonNode body, int statusCode = 200)
    {
        call.StatusCode = statusCode;
        call.ResponseBody = statusCode == 200 ? null : body.ToJsonString();
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(body.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), context.RequestAborted);
    }

    private sealed class StreamBrokenException : Exception;

    /// <summary>
    /// One answer, chunk by chunk, as Gemini sends it: Server-Sent Events (<c>alt=sse</c>), a JSON array of
    /// the chunks (<c>streamGenerateContent</c> without <c>alt=sse</c>), or the chunks merged into one
    /// response (<c>generateContent</c>).
    /// </summary>
    private sealed class Reply(HttpContext context, EmulatorCall call, string model)
    {
        private readonly List<JsonObject> _chunks = [];
        private readonly string _responseId = NewResponseId();

        /// <summary>Drop the connection instead of sending chunk number <c>BreakAfter + 1</c>.</summary>
        public int? BreakAfter { get; set; }

        /// <summary>At <see cref="BreakAfter"/>, end the response normally instead of dropping the connection.</summary>
        public bool BreakCleanly { get; set; }

        /// <summary>At <see cref="BreakAfter"/>, send a 500 INTERNAL error event first.</summary>
        public bool ErrorAtBreak { get; set; }

        public async Task Chunk(JsonObject chunk, TimeSpan delay = default)
        {
            var ct = context.RequestAborted;
            if (delay > TimeSpan.Zero)
                await Task.Delay(delay, ct);
            if (BreakAfter is { } limit && _chunks.Count >= limit)
            {
                if (ErrorAtBreak && call.ServerSentEvents)
                {
                    await Start();
                    var error = new JsonObject
                    {
                        ["error"] = new JsonObject
                        {
                            ["code"] = 500, ["status"] = "INTERNAL",
                            ["message"] = "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
                        },
                    };
                    await context.Response.WriteAsync("data: " + error.ToJsonString() + "\r\n\r\n", ct);
                }
                if (context.Response.HasStarted)
                    await context.Response.Body.FlushAsync(ct);
                if (!BreakCleanly)
                {
                    // A reset on loopback can overtake bytes the client has not read yet (it discards them);
                    // over a real network what was sent arrives first. Give the client a moment to read it.
                    if (_chunks.Count > 0)
                        await Task.Delay(TimeSpan.FromSeconds(1), ct);
                    context.Abort();
                }
                throw new StreamBrokenException();
            }
            chunk["modelVersion"] = model;
            chunk["responseId"] = _responseId;
            _chunks.Add(chunk);
            call.ChunksSent = _chunks.Count;
            if (!call.ServerSentEvents)
                return;
            await Start();
            await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\r\n\r\n", ct);
            await context.Response.Body.FlushAsync(ct);
        }

        /// <summary>Sends the status and headers of a Server-Sent Events answer (once; nothing without SSE).</summary>
        public async Task Start()
        {
            if (!call.ServerSentEvents || context.Response.HasStarted)
                return;
            call.StatusCode = 200;
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        public Task Complete()
        {
            if (call.ServerSentEvents)
                return Task.CompletedTask;
            return call.Streaming
                ? WriteJson(context, call, new JsonArray(_chunks.Select(c => (JsonNode)c.DeepClone()).ToArray()))
                : WriteJson(context, call, Merge(_chunks));
        }

        /// <summary>What generateContent answers: the chunks' parts in one candidate, the last value of everything else.</summary>
        private static JsonObject Merge(IReadOnlyList<JsonObject> chunks)
        {
            var merged = new JsonObject();
            var parts = new JsonArray();
            JsonObject? candidate = null;
            foreach (var chunk in chunks)
            {
                foreach (var (key, value) in chunk)
                {
                    if (key != "candidates")
                    {
                        merged[key] = value?.DeepClone();
                        continue;
                    }
                    if (candidate is null)
                    {
                        candidate = new JsonObject { ["content"] = new JsonObject { ["role"] = "model", ["parts"] = parts } };
                        merged["candidates"] = new JsonArray(candidate);
                    }
                    foreach (var (field, fieldValue) in value![0]!.AsObject())
                    {
                        if (field != "content")
                            candidate[field] = fieldValue?.DeepClone();
                        else
                            foreach (var part in fieldValue?["parts"]?.AsArray() ?? [])
                                Append(parts, part!.AsObject());
                    }
                }
            }
            return merged;
        }

        /// <summary>Text that streams in pieces is one part in a whole answer; empty text parts disappear.</summary>
        private static void Append(JsonArray parts, JsonObject part)
        {
            if (part["text"] is { } text && part["inlineData"] is null)
            {
                var value = text.GetValue<string>();
                if (value.Length == 0)
                    return;
                var thought = part["thought"]?.GetValue<bool>() == true;
                if (part["thoughtSignature"] is null && parts.Count > 0 && parts[^1] is JsonObject last
                    && last["text"] is { } lastText && (last["thought"]?.GetValue<bool>() == true) == thought)
                {
                    last["text"] = lastText.GetValue<string>() + "\n\n" + value;
                    return;
                }
            }
            parts.Add(part.DeepClone());
        }
    }
}

public enum EmulatorMode { Generate, Edit }

/// <summary>What the emulator saw and did for one call, for assertions.</summary>
public sealed class EmulatorCall
{
    public int Number { get; init; }
    public string Method { get; init; } = "";
    public string Path { get; init; } = "";
    public string QueryString { get; init; } = "";
    public string ApiKeyHeader { get; init; } = "";
    public string? ContentType { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; set; }
    public long BodyBytes { get; set; }
    public List<PartSummary> Parts { get; } = [];
    public List<string>? ResponseModalities { get; set; }
    public string? AspectRatio { get; set; }
    public string? ImageSize { get; set; }
    public EmulatorMode? Mode { get; set; }
    public string? Fault { get; set; }
    /// <summary>0 when the connection was dropped.</summary>
    public int StatusCode { get; set; }
    public string? Error { get; set; }
    public string? ResponseBody { get; set; }
    public PartSummary? ResponseImage { get; set; }
    public bool ClientAborted { get; set; }
    /// <summary>streamGenerateContent (true) or generateContent.</summary>
    public bool Streaming { get; set; }
    /// <summary>streamGenerateContent?alt=sse: the answer is Server-Sent Events.</summary>
    public bool ServerSentEvents { get; set; }
    /// <summary><c>generationConfig.thinkingConfig.includeThoughts</c> as sent (null when absent).</summary>
    public bool? IncludeThoughts { get; set; }
    /// <summary>Chunks of the answer sent (or, without SSE, put in the answer).</summary>
    public int ChunksSent { get; set; }
    /// <summary>The emulator dropped the connection in the middle of the answer (<see cref="GeminiFault.StreamBreak"/>).</summary>
    public bool StreamBroken { get; set; }
    /// <summary>The interim images sent before the final one, in order.</summary>
    public IReadOnlyList<PartSummary> ThoughtImages { get; set; } = [];

    public IEnumerable<PartSummary> Images => Parts.Where(p => p.Kind == "image");
    public string Shape => string.Join(", ", Parts.Select(p => p.Kind));
}

/// <summary>One request part: text (with its text) or an image (type, size, bytes, SHA-256).</summary>
public sealed record PartSummary(string Kind, string? Text, string? MimeType, int Width, int Height, int Bytes, string? Sha256);

/// <summary>
/// A 16x16 box-averaged colour thumbnail plus the aspect ratio: survives re-encoding and downsizing,
/// yet two different pictures are far apart.
/// </summary>
internal sealed class Fingerprint
{
    private const int Side = 16;
    private readonly byte[] _cells;
    private readonly double _aspect;

    private Fingerprint(byte[] cells, double aspect)
    {
        _cells = cells;
        _aspect = aspect;
    }

    public static Fingerprint Of(byte[] encoded)
    {
        using var decoded = SKBitmap.Decode(encoded) ?? throw new ArgumentException("Not an image.");
        using var bitmap = decoded.ColorType == SKColorType.Rgba8888 ? null : decoded.Copy(SKColorType.Rgba8888);
        var source = bitmap ?? decoded;
        var pixels = source.GetPixelSpan();
        int w = source.Width, h = source.Height;
        var sums = new long[Side * Side * 3];
        var counts = new long[Side * Side];
        for (var y = 0; y < h; y++)
        {
            var cy = y * Side / h;
            var row = y * source.RowBytes;
            for (var x = 0; x < w; x++)
            {
                var cell = cy * Side + x * Side / w;
                var p = row + x * 4;
                sums[cell * 3] += pixels[p];
                sums[cell * 3 + 1] += pixels[p + 1];
                sums[cell * 3 + 2] += pixels[p + 2];
                counts[cell]++;
            }
        }
        var cells = new byte[sums.Length];
        for (var i = 0; i < sums.Length; i++)
            cells[i] = (byte)(counts[i / 3] == 0 ? 0 : sums[i] / counts[i / 3]);
        return new Fingerprint(cells, (double)w / h);
    }

    public bool Matches(Fingerprint other)
    {
        if (Math.Abs(_aspect / other._aspect - 1) > 0.02)
            return false;
        var diff = 0L;
        for (var i = 0; i < _cells.Length; i++)
            diff += Math.Abs(_cells[i] - other._cells[i]);
        return diff / (double)_cells.Length < 6;
    }
}
