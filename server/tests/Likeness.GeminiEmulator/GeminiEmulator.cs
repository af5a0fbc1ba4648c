using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Likeness.Api.Providers;
using Likeness.Api.Providers.Gemini;
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
    public const string DefaultModel = GeminiModels.Pro;
    /// <summary>Gemini's inline request limit (the whole JSON body), as its own error message states it.</summary>
    public const long MaxRequestBytes = 104_857_600;

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

    /// <summary>The Files API calls (uploads and gets), apart from <see cref="Calls"/>.</summary>
    public IReadOnlyList<EmulatorCall> FileCalls
    {
        get { lock (_fileCalls) return _fileCalls.ToArray(); }
    }

    /// <summary>Bytes of the upload requests that carried a file's bytes.</summary>
    public long UploadedBytes => FileCalls.Where(c => c.QueryString.Contains("upload_id=")).Sum(c => c.BodyBytes);

    private readonly List<EmulatorCall> _fileCalls = [];

    /// <summary>Forgets recorded calls and queued faults (not the images it made).</summary>
    public void Reset()
    {
        _faults.Clear();
        lock (_calls) _calls.Clear();
        lock (_fileCalls) _fileCalls.Clear();
        Interlocked.Exchange(ref _filesApiFailures, 0);
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
        var filesApi = call.Path.StartsWith("/upload/v1beta/files", StringComparison.Ordinal) || call.Path.StartsWith("/v1beta/files", StringComparison.Ordinal);
        if (filesApi)
            lock (_fileCalls) _fileCalls.Add(call);
        else
            lock (_calls) _calls.Add(call);
        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            call.BodyBytes = body.Length;
            if (filesApi)
            {
                await HandleFiles(context, call, body.ToArray());
                return;
            }

            var error = CheckEnvelope(context, call, body.Length);
            JsonNode? root = null;
            if (error is null)
                (root, error) = ParseJson(body.ToArray());
            ParsedRequest? request = null;
            if (error is null)
                (request, error) = CheckRequest(root!, call, RulesFor(call.Model!));
            if (error is not null)
            {
                call.Error = error.Message;
                await WriteError(context, call, error.Code, error.Status, error.Message);
                return;
            }

            call.Mode = DecideMode(request!);
            var reply = new Reply(context, call, call.Model ?? Model);
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
                         $"({(call.FinishedAt - call.StartedAt).TotalMilliseconds:0} ms, {call.BodyBytes} bytes in)");
        }
    }

    // ---- Files API ---------------------------------------------------------------------------------

    /// <summary>An uploaded file: what <c>files.get</c> answers, and the bytes a <c>fileData</c> part refers to.</summary>
    public sealed record EmulatorFile(string Name, string Uri, string MimeType, byte[] Bytes, string? DisplayName, DateTimeOffset CreateTime)
    {
        public DateTimeOffset ExpirationTime { get; set; } = CreateTime + FileLifetime;
    }

    /// <summary>Google keeps an uploaded file 48 hours.</summary>
    public static readonly TimeSpan FileLifetime = TimeSpan.FromHours(48);

    private readonly ConcurrentDictionary<string, EmulatorFile> _files = new();
    private readonly ConcurrentDictionary<string, (string MimeType, long Length, string? DisplayName)> _uploads = new();

    /// <summary>The files uploaded so far (expired ones included), by name (<c>files/…</c>).</summary>
    public IReadOnlyCollection<EmulatorFile> Files => _files.Values.ToArray();

    /// <summary>Makes every uploaded file expire now (as 48 hours passing would).</summary>
    public void ExpireFiles()
    {
        foreach (var file in _files.Values)
            file.ExpirationTime = DateTimeOffset.UtcNow.AddSeconds(-1);
    }

    /// <summary>Makes the next <paramref name="times"/> Files API calls fail with a 503.</summary>
    public void FailFilesApi(int times = 1) => Interlocked.Add(ref _filesApiFailures, times);

    private int _filesApiFailures;

    private static string FileId(string uriOrName) => uriOrName.Split('/')[^1];

    private EmulatorFile? FindFile(string uri) =>
        _files.TryGetValue("files/" + FileId(uri), out var file) && file.Uri == uri && file.ExpirationTime > DateTimeOffset.UtcNow ? file : null;

    private static JsonObject FileJson(EmulatorFile file) => new()
    {
        ["name"] = file.Name,
        ["displayName"] = file.DisplayName,
        ["mimeType"] = file.MimeType,
        ["sizeBytes"] = file.Bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["createTime"] = file.CreateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"),
        ["updateTime"] = file.CreateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"),
        ["expirationTime"] = file.ExpirationTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"),
        ["sha256Hash"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(Convert.ToHexString(SHA256.HashData(file.Bytes)).ToLowerInvariant())),
        ["uri"] = file.Uri,
        ["state"] = "ACTIVE",
        ["source"] = "UPLOADED",
    };

    /// <summary>
    /// The Files API's resumable upload (<c>POST /upload/v1beta/files</c> with <c>X-Goog-Upload-Command: start</c>,
    /// then the bytes to the <c>X-Goog-Upload-URL</c> with <c>upload, finalize</c>) and <c>GET /v1beta/files/{id}</c>.
    /// </summary>
    private async Task HandleFiles(HttpContext context, EmulatorCall call, byte[] body)
    {
        if (string.IsNullOrEmpty(call.ApiKeyHeader) || call.ApiKeyHeader != ApiKey)
        {
            await WriteError(context, call, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
            return;
        }
        if (_filesApiFailures > 0 && Interlocked.Decrement(ref _filesApiFailures) >= 0)
        {
            call.Fault = "Files API unavailable";
            await WriteError(context, call, 503, "UNAVAILABLE", "The service is currently unavailable.");
            return;
        }
        var request = context.Request;
        if (call.Method == "GET" && call.Path.StartsWith("/v1beta/files/", StringComparison.Ordinal))
        {
            var name = "files/" + FileId(call.Path);
            if (_files.TryGetValue(name, out var file) && file.ExpirationTime > DateTimeOffset.UtcNow)
                await WriteJson(context, call, FileJson(file));
            else
                await WriteError(context, call, 403, "PERMISSION_DENIED", $"You do not have permission to access the File {FileId(name)} or it may not exist.");
            return;
        }
        if (call.Method != "POST" || call.Path != "/upload/v1beta/files")
        {
            await WriteError(context, call, 404, "NOT_FOUND", $"The path {call.Path} is not a method of the Files API.");
            return;
        }
        var command = request.Headers["X-Goog-Upload-Command"].ToString();
        if (command == "start")
        {
            if (request.Headers["X-Goog-Upload-Protocol"].ToString() != "resumable")
            {
                await WriteError(context, call, 400, "INVALID_ARGUMENT", "Emulator rule: X-Goog-Upload-Protocol must be resumable.");
                return;
            }
            var mimeType = request.Headers["X-Goog-Upload-Header-Content-Type"].ToString();
            if (!long.TryParse(request.Headers["X-Goog-Upload-Header-Content-Length"].ToString(), out var length) || length <= 0)
            {
                await WriteError(context, call, 400, "INVALID_ARGUMENT", "Emulator rule: X-Goog-Upload-Header-Content-Length must be the file's size.");
                return;
            }
            if (!MimeTypes.Contains(mimeType))
            {
                await WriteError(context, call, 400, "INVALID_ARGUMENT", $"Unsupported MIME type: {mimeType}.");
                return;
            }
            string? displayName = null;
            if (body.Length > 0)
            {
                try
                {
                    displayName = JsonNode.Parse(body)?["file"]?["display_name"]?.GetValue<string>()
                                  ?? JsonNode.Parse(body)?["file"]?["displayName"]?.GetValue<string>();
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException)
                {
                    await WriteError(context, call, 400, "INVALID_ARGUMENT", $"Invalid JSON payload received. {ex.Message}");
                    return;
                }
            }
            var uploadId = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
            _uploads[uploadId] = (mimeType, length, displayName);
            context.Response.Headers["X-Goog-Upload-URL"] = $"{BaseUrl}/upload/v1beta/files?upload_id={uploadId}&upload_protocol=resumable";
            context.Response.Headers["X-Goog-Upload-Status"] = "active";
            call.StatusCode = 200;
            context.Response.StatusCode = 200;
            return;
        }
        var id = request.Query["upload_id"].ToString();
        if (!_uploads.TryRemove(id, out var upload))
        {
            await WriteError(context, call, 404, "NOT_FOUND", "Emulator rule: unknown upload_id (start the upload first).");
            return;
        }
        if (!command.Split(',').Select(c => c.Trim()).ToHashSet().SetEquals(["upload", "finalize"])
            || request.Headers["X-Goog-Upload-Offset"].ToString() != "0")
        {
            await WriteError(context, call, 400, "INVALID_ARGUMENT", "Emulator rule: send the bytes with X-Goog-Upload-Command: upload, finalize and X-Goog-Upload-Offset: 0.");
            return;
        }
        if (body.Length != upload.Length || Sniff(body).MimeType != upload.MimeType)
        {
            await WriteError(context, call, 400, "INVALID_ARGUMENT",
                $"Emulator rule: the upload is {body.Length} bytes of {Sniff(body).MimeType ?? "no image"}, not the {upload.Length} bytes of {upload.MimeType} announced.");
            return;
        }
        var fileId = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        var stored = new EmulatorFile($"files/{fileId}", $"{BaseUrl}/v1beta/files/{fileId}", upload.MimeType, body, upload.DisplayName, DateTimeOffset.UtcNow);
        _files[stored.Name] = stored;
        context.Response.Headers["X-Goog-Upload-Status"] = "final";
        await WriteJson(context, call, new JsonObject { ["file"] = FileJson(stored) });
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
        call.Model = match.Groups[1].Value;
        if (match.Groups[1].Value != Model && GeminiModels.Find(match.Groups[1].Value) is null)
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

    /// <summary>
    /// A checked request: the last user turn's prompt, every image in order (user turns' images; for a chat, the
    /// model's last image is <see cref="ChatPrevious"/>), the image config and the model's rules.
    /// </summary>
    private sealed record ParsedRequest(
        string Prompt, IReadOnlyList<ProviderImage> Images, ProviderImage? ChatPrevious, string AspectRatio, string ImageSize, GeminiModel Rules);

    private static Problem? UnknownFields(JsonObject obj, string at, params string[] allowed)
    {
        var unknown = obj.Select(p => p.Key).FirstOrDefault(k => !allowed.Contains(k));
        return unknown is null ? null : Invalid($"Invalid JSON payload received. Unknown name \"{unknown}\" at '{at}': Cannot find field.");
    }

    /// <summary>The rules of the model in the path: the catalogue's, or Gemini 3 Pro Image's for a model only named by --model.</summary>
    private static GeminiModel RulesFor(string model) =>
        GeminiModels.Find(model) ?? GeminiModels.Find(GeminiModels.Pro)! with { Id = model };

    private (ParsedRequest?, Problem?) CheckRequest(JsonNode root, EmulatorCall call, GeminiModel rules)
    {
        var obj = root.AsObject();
        if (UnknownFields(obj, "", "contents", "generationConfig") is { } unknownTop)
            return (null, unknownTop);

        if (obj["contents"] is not JsonArray contents || contents.Count == 0)
            return (null, Invalid("* GenerateContentRequest.contents: contents is not specified"));

        string? prompt = null;
        var userImages = new List<ProviderImage>();
        ProviderImage? lastModelImage = null;
        var imageCount = 0;
        for (var c = 0; c < contents.Count; c++)
        {
            if (contents[c] is not JsonObject content)
                return (null, Invalid($"Invalid JSON payload received. contents[{c}] must be an object."));
            if (UnknownFields(content, $"contents[{c}]", "role", "parts") is { } unknownContent)
                return (null, unknownContent);
            var role = content["role"]?.GetValueKind() == JsonValueKind.String ? content["role"]!.GetValue<string>() : null;
            if (role is not ("user" or "model"))
                return (null, Invalid("Please use a valid role: user, model."));
            if (c == 0 && role != "user")
                return (null, Invalid("Please ensure that multiturn requests start with a turn of role user."));
            if (c == contents.Count - 1 && role != "user")
                return (null, Invalid("Please ensure that multiturn requests end with a turn of role user."));
            if (content["parts"] is not JsonArray parts || parts.Count == 0)
                return (null, Invalid($"* GenerateContentRequest.contents[{c}].parts: contents.parts must not be empty."));
            var summaries = new List<PartSummary>();
            call.Contents.Add(new ContentSummary(role, summaries));
            string? turnText = null;
            for (var i = 0; i < parts.Count; i++)
            {
                var at = $"contents[{c}].parts[{i}]";
                if (parts[i] is not JsonObject part)
                    return (null, Invalid($"Invalid JSON payload received. {at} must be an object."));
                if (UnknownFields(part, at, "text", "inlineData", "fileData", "thought", "thoughtSignature") is { } unknownPart)
                    return (null, unknownPart);
                var data = new[] { "text", "inlineData", "fileData" }.Count(part.ContainsKey);
                if (data != 1)
                    return (null, Invalid($"{at}: a part holds exactly one of text, inlineData or fileData."));
                var thought = part["thought"] is { } t && t.GetValueKind() == JsonValueKind.True;
                var signature = part["thoughtSignature"]?.GetValueKind() == JsonValueKind.String ? part["thoughtSignature"]!.GetValue<string>() : null;
                if (role == "user" && (part.ContainsKey("thought") || signature is not null))
                    return (null, Invalid($"Emulator rule: {at} is a user part with a thought flag or signature; only the model's parts carry them."));
                var position = $"content position {c + 1}, part position {i + 1}";

                if (part["text"] is { } text)
                {
                    if (text.GetValueKind() != JsonValueKind.String)
                        return (null, Invalid($"{at}.text must be a string."));
                    var value = text.GetValue<string>();
                    if (role == "user")
                    {
                        if (i != 0)
                            return (null, Invalid($"Emulator rule: the prompt must be the first part of a user turn and only the first; {at} is text."));
                        if (string.IsNullOrWhiteSpace(value))
                            return (null, Invalid($"{at}.text must be a non-empty string."));
                        turnText = value;
                    }
                    else if (signature is not null && !VerifySignature(signature, Encoding.UTF8.GetBytes(value)))
                        return (null, Invalid($"Emulator rule: the thought_signature in {position} does not belong to this text (changed, or from another part)."));
                    summaries.Add(new PartSummary("text", value, null, 0, 0, Encoding.UTF8.GetByteCount(value), null, thought, signature));
                    call.Parts.Add(summaries[^1]);
                    continue;
                }
                if (role == "user" && i == 0)
                    return (null, Invalid("Emulator rule: the first part must be the text prompt (in every user turn)."));

                ProviderImage image;
                string? fileUri = null;
                if (part["inlineData"] is { } inlineNode)
                {
                    if (inlineNode is not JsonObject inline)
                        return (null, Invalid($"Invalid JSON payload received. {at}.inlineData must be an object."));
                    if (UnknownFields(inline, $"{at}.inline_data", "mimeType", "data") is { } unknownInline)
                        return (null, unknownInline);
                    if (inline["mimeType"]?.GetValueKind() != JsonValueKind.String || inline["data"]?.GetValueKind() != JsonValueKind.String)
                        return (null, Invalid($"{at}.inlineData needs mimeType and data strings."));
                    var mimeType = inline["mimeType"]!.GetValue<string>();
                    var encoded = inline["data"]!.GetValue<string>();
                    if (!MimeTypes.Contains(mimeType))
                        return (null, Invalid($"Unsupported MIME type: {mimeType} at {at}.inlineData.mimeType."));
                    if (!Base64.IsValid(encoded, out var decodedLength) || decodedLength == 0)
                        return (null, Invalid($"Invalid value at '{at}.inline_data.data' (TYPE_BYTES), Base64 decoding failed."));
                    image = new ProviderImage(Convert.FromBase64String(encoded), mimeType);
                }
                else
                {
                    if (part["fileData"] is not JsonObject file)
                        return (null, Invalid($"Invalid JSON payload received. {at}.fileData must be an object."));
                    if (UnknownFields(file, $"{at}.file_data", "mimeType", "fileUri") is { } unknownFile)
                        return (null, unknownFile);
                    if (file["fileUri"]?.GetValueKind() != JsonValueKind.String || file["mimeType"]?.GetValueKind() != JsonValueKind.String)
                        return (null, Invalid($"{at}.fileData needs mimeType and fileUri strings."));
                    fileUri = file["fileUri"]!.GetValue<string>();
                    if (FindFile(fileUri) is not { } stored)
                        return (null, new Problem(403, "PERMISSION_DENIED",
                            $"You do not have permission to access the File {FileId(fileUri)} or it may not exist."));
                    if (file["mimeType"]!.GetValue<string>() != stored.MimeType)
                        return (null, Invalid($"Emulator rule: {at}.fileData.mimeType is {file["mimeType"]!.GetValue<string>()} but the file is {stored.MimeType}."));
                    image = new ProviderImage(stored.Bytes, stored.MimeType);
                }
                var (actualType, width, height) = Sniff(image.Bytes);
                if (actualType != image.MimeType)
                    return (null, Invalid($"Unable to process input image at {at}: declared {image.MimeType} but the bytes are {actualType ?? "not an image"}."));
                if (role == "model" && !thought)
                {
                    if (signature is null)
                        return (null, Invalid($"Image part is missing a thought_signature in {position}."));
                    if (!VerifySignature(signature, image.Bytes))
                        return (null, Invalid($"Emulator rule: the thought_signature in {position} does not belong to this image (its bytes changed, or it is another part's)."));
                    lastModelImage = image;
                }
                else if (role == "user")
                {
                    userImages.Add(image);
                }
                imageCount++;
                summaries.Add(new PartSummary("image", null, image.MimeType, width, height, image.Bytes.Length,
                    Convert.ToHexString(SHA256.HashData(image.Bytes)), thought, signature, fileUri));
                call.Parts.Add(summaries[^1]);
            }
            if (role == "user")
                prompt = turnText;
        }
        if (contents.Count == 1 && userImages.Count == 0)
            return (null, Invalid("Emulator rule: at least one image (the reference images) must follow the prompt."));
        if (imageCount > rules.MaxInputImages)
            return (null, Invalid($"Too many input images: {imageCount}; {rules.Id} takes at most {rules.MaxInputImages}."));

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
        if (aspectRatio is null || !rules.AspectRatios.Contains(aspectRatio))
            return (null, Invalid($"Unsupported aspect ratio: '{aspectRatio}'. Supported: {string.Join(", ", rules.AspectRatios)}."));
        if (!rules.SendsImageSize)
        {
            if (imageConfig.ContainsKey("imageSize"))
                return (null, Invalid($"Emulator rule: {rules.Id} has one output size; imageConfig.imageSize must be left out."));
            imageSize = rules.Resolutions[0];
        }
        else if (imageSize is null || !rules.Resolutions.Contains(imageSize))
            return (null, Invalid($"Unsupported image size: '{imageSize}'. Supported: {string.Join(", ", rules.Resolutions)}."));
        return (new ParsedRequest(prompt!, userImages, lastModelImage, aspectRatio, imageSize, rules), null);
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
        if (request.ChatPrevious is not null)
            return EmulatorMode.Edit;
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
            case QuotaFault quota:
            {
                var quotaId = quota.PerDay ? "GenerateRequestsPerDayPerProjectPerModel-FreeTier" : "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";
                var details = new JsonArray(
                    new JsonObject
                    {
                        ["@type"] = "type.googleapis.com/google.rpc.QuotaFailure",
                        ["violations"] = new JsonArray(new JsonObject
                        {
                            ["quotaMetric"] = "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                            ["quotaId"] = quotaId,
                            ["quotaDimensions"] = new JsonObject { ["location"] = "global", ["model"] = call.Model },
                            ["quotaValue"] = quota.PerDay ? "100" : "10",
                        }),
                    },
                    new JsonObject
                    {
                        ["@type"] = "type.googleapis.com/google.rpc.Help",
                        ["links"] = new JsonArray(new JsonObject
                        {
                            ["description"] = "Learn more about Gemini API quotas", ["url"] = "https://ai.google.dev/gemini-api/docs/rate-limits",
                        }),
                    });
                if (quota.RetryDelaySeconds is { } delay)
                    details.Add(new JsonObject
                    {
                        ["@type"] = "type.googleapis.com/google.rpc.RetryInfo",
                        ["retryDelay"] = $"{delay.ToString(System.Globalization.CultureInfo.InvariantCulture)}s",
                    });
                await WriteJson(context, call, new JsonObject
                {
                    ["error"] = new JsonObject
                    {
                        ["code"] = 429,
                        ["message"] = $"You exceeded your current quota, please check your plan and billing details. * Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: {(quota.PerDay ? 100 : 10)}, model: {call.Model}",
                        ["status"] = "RESOURCE_EXHAUSTED",
                        ["details"] = details,
                    },
                }, 429);
                return true;
            }
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
                    finishParts.Add(new JsonObject { ["text"] = text, ["thoughtSignature"] = Sign(text) });
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
    private async Task AnswerInWords(EmulatorCall call, Reply reply, string modelText)
    {
        if (call.IncludeThoughts != false)
            await reply.Chunk(CandidateChunk(call, ThoughtText("**Considering the request**\nThe user wants an image; I will answer in words.")));
        await reply.Chunk(CandidateChunk(call, new JsonArray(new JsonObject { ["text"] = modelText, ["thoughtSignature"] = Sign(modelText) })));
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
            await reply.Chunk(CandidateChunk(call, new JsonArray(new JsonObject { ["text"] = $"Here is the {verb} image.", ["thoughtSignature"] = Sign($"Here is the {verb} image.") })));
        await reply.Chunk(CandidateChunk(call, new JsonArray(ImagePart(rendered.Final, thought: onlyThoughtImages))), delays.Drawing);
        await reply.Chunk(CandidateChunk(call, new JsonArray(new JsonObject { ["text"] = "" }), "STOP",
            Usage(call, GeminiImageSizes.OutputTokens(request.ImageSize), textTokens: onlyThoughtImages ? 0 : 12, thoughtTokens: 180)));
        await reply.Complete();
    }

    private sealed record Rendered(ProviderImage Final, IReadOnlyList<ProviderImage> Previews);

    /// <summary>Where Likeness's region-edit prompt puts the edit (see GeminiImageProvider.RegionPrompt).</summary>
    private const string RegionEditMarker = "The edit: ";

    /// <summary>
    /// The engine's image scaled to the size Gemini returns (<see cref="GeminiImageSizes"/>), and the interim
    /// thought images: smaller, blurrier versions of it (a quarter of the side, then half).
    /// </summary>
    private async Task<Rendered> Render(EmulatorCall call, ParsedRequest request, int previewCount, CancellationToken ct)
    {
        // The engine works at a size it knows; the answer is scaled to the model's size below.
        var engineRatio = ImageFormats.IsAspectRatio(request.AspectRatio) ? request.AspectRatio : "1:1";
        var engineSize = ImageFormats.IsResolution(request.ImageSize) ? request.ImageSize : "1K";
        // The stand-in engine reads instructions, not prose: of a region edit's prompt it takes the edit itself
        // (and, like a model that ignores the marking, changes the whole image).
        var prompt = request.Prompt.LastIndexOf(RegionEditMarker, StringComparison.Ordinal) is var at and >= 0
            ? request.Prompt[(at + RegionEditMarker.Length)..]
            : request.Prompt;
        var made = call.Mode == EmulatorMode.Edit
            ? request.ChatPrevious is { } previous
                ? await _engine.EditImage(prompt, previous, request.Images, engineRatio, engineSize, ct)
                : await _engine.EditImage(prompt, request.Images[0], request.Images.Skip(1).ToList(), engineRatio, engineSize, ct)
            : await _engine.GenerateImage(request.Prompt, request.Images, engineRatio, engineSize, ct);
        var (width, height) = request.Rules.OutputSize(request.AspectRatio, request.ImageSize);

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
    private JsonObject ImagePart(ProviderImage image, bool thought)
    {
        var part = new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = image.MimeType, ["data"] = Convert.ToBase64String(image.Bytes) } };
        if (thought)
            part["thought"] = true;
        else
            part["thoughtSignature"] = Sign(image.Bytes);
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

    /// <summary>
    /// A signature bound to the part's content: a random nonce and an HMAC (keyed by the API key) over the nonce and
    /// the content. A part sent back with changed text or bytes, or another part's signature, does not verify.
    /// </summary>
    private string Sign(string text) => Sign(Encoding.UTF8.GetBytes(text));

    private string Sign(byte[] content)
    {
        var nonce = RandomNumberGenerator.GetBytes(16);
        return Convert.ToBase64String([.. nonce, .. Mac(nonce, content)]);
    }

    private bool VerifySignature(string signature, byte[] content)
    {
        var bytes = new byte[signature.Length];
        if (!Convert.TryFromBase64String(signature, bytes, out var length) || length != 48)
            return false;
        return CryptographicOperations.FixedTimeEquals(bytes.AsSpan(16, 32), Mac(bytes[..16], content));
    }

    private byte[] Mac(byte[] nonce, byte[] content) =>
        HMACSHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes("signature:" + ApiKey)), (byte[])[.. nonce, .. SHA256.HashData(content)]);

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
    /// <summary>Every part of every turn, in order.</summary>
    public List<PartSummary> Parts { get; } = [];
    /// <summary>The turns as sent: role and parts (with thought flags, signatures and file URIs).</summary>
    public List<ContentSummary> Contents { get; } = [];
    /// <summary>The model named in the path.</summary>
    public string? Model { get; set; }
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
public sealed record PartSummary(
    string Kind, string? Text, string? MimeType, int Width, int Height, int Bytes, string? Sha256,
    bool Thought = false, string? ThoughtSignature = null, string? FileUri = null);

/// <summary>One turn of a request: its role and parts.</summary>
public sealed record ContentSummary(string Role, IReadOnlyList<PartSummary> Parts)
{
    public string Shape => string.Join(", ", Parts.Select(p => p.FileUri is not null ? "file" : p.Kind));
}

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
