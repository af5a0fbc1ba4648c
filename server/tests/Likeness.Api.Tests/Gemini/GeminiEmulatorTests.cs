using System.Text;
using System.Text.Json.Nodes;

namespace Likeness.Api.Tests.Gemini;

/// <summary>
/// The emulator's own checks: a request that breaks the protocol gets Gemini's 400 error shape, so the
/// provider tests passing means the provider's requests really are right.
/// </summary>
public sealed class GeminiEmulatorTests : GeminiTestBase
{
    private static readonly string Png = Convert.ToBase64String(TestImages.Disc(64, 64, SKColors.Teal).Bytes);
    private static readonly string Jpeg = Convert.ToBase64String(TestImages.Disc(64, 64, SKColors.Teal, SKEncodedImageFormat.Jpeg).Bytes);

    private static JsonObject ValidBody() => new()
    {
        ["contents"] = new JsonArray(new JsonObject
        {
            ["role"] = "user",
            ["parts"] = new JsonArray(
                new JsonObject { ["text"] = "Ada" },
                new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = "image/png", ["data"] = Png } }),
        }),
        ["generationConfig"] = new JsonObject
        {
            ["responseModalities"] = new JsonArray("TEXT", "IMAGE"),
            ["imageConfig"] = new JsonObject { ["aspectRatio"] = "1:1", ["imageSize"] = "1K" },
        },
    };

    private async Task<(HttpStatusCode Status, JsonNode? Body)> Post(JsonObject body, string? key = null, string? path = null, string? model = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post,
            Emulator.BaseUrl + (path ?? $"/v1beta/models/{model ?? Emulator.Model}:generateContent"));
        if (key != "")
            request.Headers.Add("x-goog-api-key", key ?? Emulator.ApiKey);
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    private async Task AssertRejected(JsonObject body, string messagePart, int code = 400, string status = "INVALID_ARGUMENT",
        string? key = null, string? path = null, string? model = null)
    {
        var (httpStatus, answer) = await Post(body, key, path, model);
        Assert.Equal(code, (int)httpStatus);
        Assert.Equal(code, (int)answer!["error"]!["code"]!);
        Assert.Equal(status, (string)answer["error"]!["status"]!);
        Assert.Contains(messagePart, (string)answer["error"]!["message"]!);
    }

    [Fact]
    public async Task A_valid_request_gets_Geminis_response_shape()
    {
        var (status, body) = await Post(ValidBody());

        Assert.Equal(HttpStatusCode.OK, status);
        var candidate = body!["candidates"]![0]!;
        Assert.Equal("STOP", (string)candidate["finishReason"]!);
        var parts = candidate["content"]!["parts"]!.AsArray();
        Assert.Equal("model", (string)candidate["content"]!["role"]!);
        // Thinking first (the streamed thought text is one part here), two interim images, then the answer.
        Assert.Equal(["thought text", "thought image", "thought image", "text", "image"], parts.Select(Kind));
        Assert.Null(parts[1]!["thoughtSignature"]); // thoughts carry no signature
        Assert.NotNull(parts[3]!["thoughtSignature"]); // the first part after the thoughts does
        Assert.Equal("image/png", (string)parts[4]!["inlineData"]!["mimeType"]!);
        using var image = SKBitmap.Decode(Convert.FromBase64String((string)parts[4]!["inlineData"]!["data"]!));
        Assert.Equal((1024, 1024), (image.Width, image.Height)); // 1:1 at 1K
        Assert.NotNull(parts[4]!["thoughtSignature"]);
        Assert.Equal(1120, (int)body["usageMetadata"]!["candidatesTokensDetails"]![0]!["tokenCount"]!);
        Assert.True((int)body["usageMetadata"]!["totalTokenCount"]! > 0);
        Assert.Equal(Emulator.Model, (string)body["modelVersion"]!);
        Assert.NotNull(body["responseId"]);
    }

    internal static string Kind(JsonNode? part) =>
        (part!["thought"] is { } thought && (bool)thought! ? "thought " : "") + (part["inlineData"] is null ? "text" : "image");

    [Fact]
    public Task A_missing_key_is_403() =>
        AssertRejected(ValidBody(), "unregistered callers", 403, "PERMISSION_DENIED", key: "");

    [Fact]
    public Task A_wrong_key_is_400() => AssertRejected(ValidBody(), "API key not valid", key: "nope");

    [Fact]
    public Task A_key_in_the_URL_is_refused() =>
        AssertRejected(ValidBody(), "x-goog-api-key header", path: $"/v1beta/models/{GeminiEmulator.DefaultModel}:generateContent?key=abc");

    [Fact]
    public Task Another_model_is_404() => AssertRejected(ValidBody(), "models/gemini-9 is not found", 404, "NOT_FOUND", model: "gemini-9");

    [Fact]
    public Task Another_path_is_404() => AssertRejected(ValidBody(), "not a generateContent or streamGenerateContent method", 404, "NOT_FOUND", path: "/v1/models/x:generateContent");

    [Fact]
    public Task An_unknown_field_is_400()
    {
        var body = ValidBody();
        body["generation_config_typo"] = new JsonObject();
        return AssertRejected(body, "Unknown name \"generation_config_typo\"");
    }

    [Fact]
    public Task Snake_case_image_config_fields_are_400()
    {
        var body = ValidBody();
        body["generationConfig"]!["imageConfig"] = new JsonObject { ["aspect_ratio"] = "1:1", ["imageSize"] = "1K" };
        return AssertRejected(body, "Unknown name \"aspect_ratio\"");
    }

    [Fact]
    public Task Text_after_an_image_is_400()
    {
        var body = ValidBody();
        body["contents"]![0]!["parts"]!.AsArray().Add(new JsonObject { ["text"] = "late" });
        return AssertRejected(body, "the prompt must be the first part");
    }

    [Fact]
    public Task An_image_first_is_400()
    {
        var body = ValidBody();
        var parts = body["contents"]![0]!["parts"]!.AsArray();
        var text = parts[0]!;
        parts.RemoveAt(0);
        parts.Add(text);
        return AssertRejected(body, "the first part must be the text prompt");
    }

    [Fact]
    public Task No_image_is_400()
    {
        var body = ValidBody();
        body["contents"]![0]!["parts"]!.AsArray().RemoveAt(1);
        return AssertRejected(body, "at least one image");
    }

    [Fact]
    public Task A_mismatched_mime_type_is_400()
    {
        var body = ValidBody();
        body["contents"]![0]!["parts"]![1]!["inlineData"]!["data"] = Jpeg;
        return AssertRejected(body, "declared image/png but the bytes are image/jpeg");
    }

    [Fact]
    public Task Bad_base64_is_400()
    {
        var body = ValidBody();
        body["contents"]![0]!["parts"]![1]!["inlineData"]!["data"] = "not base64!";
        return AssertRejected(body, "Base64 decoding failed");
    }

    private static JsonObject ChatBody(string? signature)
    {
        var body = ValidBody();
        var image = new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = "image/png", ["data"] = Png } };
        if (signature is not null)
            image["thoughtSignature"] = signature;
        body["contents"]!.AsArray().Add(new JsonObject
        {
            ["role"] = "model",
            ["parts"] = new JsonArray(new JsonObject { ["text"] = "Here it is." }, image),
        });
        body["contents"]!.AsArray().Add(new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = "warmer" }) });
        return body;
    }

    [Fact]
    public Task A_model_image_part_without_its_signature_is_Geminis_400() =>
        AssertRejected(ChatBody(signature: null), "Image part is missing a thought_signature in content position 2, part position 2");

    [Fact]
    public Task A_signature_the_emulator_did_not_give_for_that_image_is_400() =>
        AssertRejected(ChatBody(Convert.ToBase64String(new byte[48])), "does not belong to this image");

    [Fact]
    public async Task A_model_turn_sent_back_exactly_as_answered_is_accepted()
    {
        var (status, answer) = await Post(ValidBody());
        Assert.Equal(HttpStatusCode.OK, status);
        var parts = answer!["candidates"]![0]!["content"]!["parts"]!.AsArray()
            .Where(p => p!["thought"] is null).Select(p => p!.DeepClone()).ToArray();
        Assert.All(parts, p => Assert.NotNull(p!["thoughtSignature"]));
        var body = ValidBody();
        body["contents"]!.AsArray().Add(new JsonObject { ["role"] = "model", ["parts"] = new JsonArray(parts) });
        body["contents"]!.AsArray().Add(new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = "warmer" }) });

        var (chatStatus, _) = await Post(body);

        Assert.Equal(HttpStatusCode.OK, chatStatus);
        Assert.Equal(EmulatorMode.Edit, Emulator.Calls[^1].Mode);
    }

    [Fact]
    public Task More_input_images_than_the_model_takes_is_400()
    {
        var body = ValidBody();
        var parts = body["contents"]![0]!["parts"]!.AsArray();
        for (var i = 0; i < 3; i++)
            parts.Add(parts[1]!.DeepClone());
        body["generationConfig"]!["imageConfig"]!.AsObject().Remove("imageSize");
        return AssertRejected(body, "Too many input images: 4; gemini-2.5-flash-image takes at most 3.", model: "gemini-2.5-flash-image");
    }

    [Fact]
    public Task A_size_the_model_does_not_have_is_400() =>
        AssertRejected(WithImageSize("512"), "Unsupported image size: '512'. Supported: 1K, 2K, 4K.");

    private static JsonObject WithImageSize(string size)
    {
        var body = ValidBody();
        body["generationConfig"]!["imageConfig"]!["imageSize"] = size;
        return body;
    }

    [Fact]
    public async Task A_quota_429_has_RetryInfo_and_QuotaFailure_and_no_header()
    {
        Emulator.Inject(GeminiFault.Quota(retryDelaySeconds: 2));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Emulator.BaseUrl}/v1beta/models/{Emulator.Model}:generateContent");
        request.Headers.Add("x-goog-api-key", Emulator.ApiKey);
        request.Content = new StringContent(ValidBody().ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        var details = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["details"]!.AsArray();
        Assert.Equal("2s", (string)details.Single(d => (string)d!["@type"]! == "type.googleapis.com/google.rpc.RetryInfo")!["retryDelay"]!);
        Assert.Contains("PerMinute", (string)details.Single(d => (string)d!["@type"]! == "type.googleapis.com/google.rpc.QuotaFailure")!["violations"]![0]!["quotaId"]!);
    }

    [Fact]
    public Task A_wrong_role_is_400()
    {
        var body = ValidBody();
        body["contents"]![0]!["role"] = "model";
        return AssertRejected(body, "role");
    }

    [Theory]
    [InlineData("aspectRatio", "7:5", "Unsupported aspect ratio")]
    [InlineData("imageSize", "4k", "Unsupported image size")]
    [InlineData("imageSize", "8K", "Unsupported image size")]
    public Task Unsupported_image_config_is_400(string field, string value, string message)
    {
        var body = ValidBody();
        body["generationConfig"]!["imageConfig"]![field] = value;
        return AssertRejected(body, message);
    }

    [Fact]
    public Task Text_only_modalities_are_400()
    {
        var body = ValidBody();
        body["generationConfig"]!["responseModalities"] = new JsonArray("TEXT");
        return AssertRejected(body, "must include IMAGE");
    }

    [Fact]
    public Task More_than_100_MiB_is_400()
    {
        var body = ValidBody();
        body["contents"]![0]!["parts"]![0]!["text"] = new string('a', 101 * 1024 * 1024);
        return AssertRejected(body, "Request payload size exceeds the limit: 104857600 bytes.");
    }

    [Fact]
    public async Task Invalid_requests_are_recorded_and_do_not_use_up_faults()
    {
        Emulator.Inject(GeminiFault.Status(503));
        await AssertRejected(ValidBody(), "API key not valid", key: "nope");
        var (status, _) = await Post(ValidBody());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal([400, 503], Emulator.Calls.Select(c => c.StatusCode));
        Assert.Equal("API key not valid. Please pass a valid API key.", Emulator.Calls[0].Error);
    }

    [Fact]
    public async Task An_edit_is_recognised_by_its_first_image_even_after_re_encoding()
    {
        var (_, generated) = await Post(ValidBody());
        var made = Convert.FromBase64String((string)generated!["candidates"]![0]!["content"]!["parts"]!.AsArray()[^1]!["inlineData"]!["data"]!);
        using var bitmap = SKBitmap.Decode(made);
        using var smaller = bitmap.Resize(new SKImageInfo(bitmap.Width / 2, bitmap.Height / 2), new SKSamplingOptions(SKFilterMode.Linear));
        var jpeg = Convert.ToBase64String(SKImage.FromBitmap(smaller).Encode(SKEncodedImageFormat.Jpeg, 80).ToArray());

        var body = ValidBody();
        body["contents"]![0]!["parts"]!.AsArray().Insert(1, new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = "image/jpeg", ["data"] = jpeg } });
        var (status, _) = await Post(body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([EmulatorMode.Generate, EmulatorMode.Edit], Emulator.Calls.Select(c => c.Mode));
    }
    private async Task<(HttpResponseMessage Response, string Text)> PostRaw(JsonObject body, string method, string query = "")
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Emulator.BaseUrl}/v1beta/models/{Emulator.Model}:{method}{query}");
        request.Headers.Add("x-goog-api-key", Emulator.ApiKey);
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var response = await http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static JsonObject WithThoughts(JsonObject body, bool include)
    {
        body["generationConfig"]!["thinkingConfig"] = new JsonObject { ["includeThoughts"] = include };
        return body;
    }

    [Fact]
    public async Task streamGenerateContent_with_alt_sse_streams_thoughts_previews_then_the_signed_final_image()
    {
        var body = WithThoughts(ValidBody(), include: true);
        body["generationConfig"]!["imageConfig"]!["aspectRatio"] = "16:9";

        var (response, text) = await PostRaw(body, "streamGenerateContent", "?alt=sse");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        // Every event is one "data: {json}" line followed by a blank line, CRLF as Google sends them.
        var events = text.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: {", e));
        var chunks = events.Select(e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        var parts = chunks.Select(c => c["candidates"]![0]!["content"]!["parts"]![0]).ToList();
        Assert.Equal(["thought text", "thought text", "thought text", "thought image", "thought image", "text", "image", "text"], parts.Select(Kind));
        Assert.All(chunks, c => Assert.Equal(Emulator.Model, (string)c["modelVersion"]!));
        Assert.Single(chunks.Select(c => (string)c["responseId"]!).Distinct());

        // Interim images are smaller and come first; the final one is Google's 16:9 1K size and is signed.
        var sizes = parts.Where(p => p!["inlineData"] is not null).Select(p =>
        {
            using var bitmap = SKBitmap.Decode(Convert.FromBase64String((string)p!["inlineData"]!["data"]!));
            return (bitmap.Width, bitmap.Height);
        }).ToList();
        Assert.Equal([(344, 192), (688, 384), (1376, 768)], sizes);
        Assert.NotNull(parts[6]!["thoughtSignature"]);
        var call = Assert.Single(Emulator.Calls);
        Assert.Equal((1376, 768), (call.ResponseImage!.Width, call.ResponseImage.Height));
        Assert.Equal([(344, 192), (688, 384)], call.ThoughtImages.Select(i => (i.Width, i.Height)));
        Assert.True(call.ServerSentEvents);
        Assert.Equal(8, call.ChunksSent);

        // Only the last chunk finishes, with the whole usage; the others carry the prompt's tokens only.
        Assert.All(chunks[..^1], c => Assert.Null(c["candidates"]![0]!["finishReason"]));
        Assert.All(chunks[..^1], c => Assert.Null(c["usageMetadata"]!["candidatesTokenCount"]));
        var last = chunks[^1];
        Assert.Equal("STOP", (string)last["candidates"]![0]!["finishReason"]!);
        var usage = last["usageMetadata"]!;
        Assert.Equal(561, (int)usage["promptTokenCount"]!);
        Assert.Equal(1132, (int)usage["candidatesTokenCount"]!);
        Assert.Equal(180, (int)usage["thoughtsTokenCount"]!);
        Assert.Equal(561 + 1132 + 180, (int)usage["totalTokenCount"]!);
        Assert.Equal("IMAGE:1120 TEXT:12", string.Join(" ", usage["candidatesTokensDetails"]!.AsArray().Select(d => $"{d!["modality"]}:{d["tokenCount"]}")));
    }

    [Fact]
    public async Task streamGenerateContent_without_alt_sse_answers_the_chunks_as_a_JSON_array()
    {
        var (response, text) = await PostRaw(ValidBody(), "streamGenerateContent");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var chunks = JsonNode.Parse(text)!.AsArray();
        Assert.Equal(8, chunks.Count);
        Assert.Equal("STOP", (string)chunks[^1]!["candidates"]![0]!["finishReason"]!);
    }

    [Fact]
    public async Task includeThoughts_false_hides_the_thoughts()
    {
        var (_, text) = await PostRaw(WithThoughts(ValidBody(), include: false), "streamGenerateContent", "?alt=sse");

        var parts = text.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => JsonNode.Parse(e["data: ".Length..])!["candidates"]![0]!["content"]!["parts"]![0]);
        Assert.Equal(["text", "image", "text"], parts.Select(Kind));
        Assert.False(Assert.Single(Emulator.Calls).IncludeThoughts);
    }

    [Fact]
    public async Task An_unknown_thinkingConfig_field_is_400()
    {
        var body = ValidBody();
        body["generationConfig"]!["thinkingConfig"] = new JsonObject { ["thinkingBudget"] = 128 };
        await AssertRejected(body, "Unknown name \"thinkingBudget\"");
    }

    [Fact]
    public async Task Only_thought_images_marks_the_final_image_as_a_thought_too()
    {
        Emulator.Inject(GeminiFault.OnlyThoughtImages);

        var (_, text) = await PostRaw(ValidBody(), "streamGenerateContent", "?alt=sse");

        var parts = text.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => JsonNode.Parse(e["data: ".Length..])!["candidates"]![0]!["content"]!["parts"]![0]).ToList();
        Assert.Equal(["thought text", "thought text", "thought text", "thought image", "thought image", "thought image", "text"], parts.Select(Kind));
        Assert.All(parts, p => Assert.Null(p!["thoughtSignature"]));
    }

    [Fact]
    public async Task A_stream_break_drops_the_connection_after_the_chunks_it_names()
    {
        Emulator.Inject(GeminiFault.StreamBreak(afterChunks: 3));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Emulator.BaseUrl}/v1beta/models/{Emulator.Model}:streamGenerateContent?alt=sse");
        request.Headers.Add("x-goog-api-key", Emulator.ApiKey);
        request.Content = new StringContent(ValidBody().ToJsonString(), Encoding.UTF8, "application/json");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        await Assert.ThrowsAnyAsync<IOException>(() => stream.CopyToAsync(received));

        Assert.Equal(3, Encoding.UTF8.GetString(received.ToArray()).Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        await Wait.UntilAsync(() => Emulator.Calls.Single().StreamBroken, "the emulator to record the broken stream");
    }

    [Theory]
    [InlineData("1:1", "1K", 1024, 1024)]
    [InlineData("1:1", "4K", 4096, 4096)]
    [InlineData("16:9", "1K", 1376, 768)]
    [InlineData("16:9", "2K", 2752, 1536)]
    [InlineData("16:9", "4K", 5504, 3072)]
    [InlineData("9:16", "4K", 3072, 5504)]
    [InlineData("21:9", "2K", 3168, 1344)]
    [InlineData("4:5", "1K", 928, 1152)]
    public void Output_sizes_follow_Googles_table(string aspectRatio, string imageSize, int width, int height) =>
        Assert.Equal((width, height), GeminiImageSizes.PixelSize(aspectRatio, imageSize));

    [Fact]
    public void The_size_table_covers_every_aspect_ratio_and_size_the_emulator_accepts()
    {
        foreach (var ratio in GeminiEmulator.AspectRatios)
        foreach (var size in GeminiEmulator.ImageSizes)
        {
            var (width, height) = GeminiImageSizes.PixelSize(ratio, size);
            var parts = ratio.Split(':').Select(double.Parse).ToArray();
            Assert.InRange(width / (double)height / (parts[0] / parts[1]), 0.97, 1.03); // close to the ratio
        }
    }
}
