using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SkiaSharp;

namespace Likeness.Api.Tests.Gemini;

/// <summary>
/// The emulator's own checks: a request that breaks the protocol gets Gemini's 400 error shape, so the
/// provider tests passing means the provider's requests really are right.
/// </summary>
public sealed class GeminiEmulatorTests : GeminiTestBase
{
    private static readonly string Png = Convert.ToBase64String(GeminiTestImages.Solid(64, 64, SKColors.Teal).Bytes);
    private static readonly string Jpeg = Convert.ToBase64String(GeminiTestImages.Solid(64, 64, SKColors.Teal, SKEncodedImageFormat.Jpeg).Bytes);

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
        Assert.True((bool)parts[0]!["thought"]!);
        Assert.NotNull(parts[1]!["text"]);
        Assert.Equal("image/png", (string)parts[2]!["inlineData"]!["mimeType"]!);
        Assert.NotNull(SKBitmap.Decode(Convert.FromBase64String((string)parts[2]!["inlineData"]!["data"]!)));
        Assert.NotNull(parts[2]!["thoughtSignature"]);
        Assert.True((int)body["usageMetadata"]!["totalTokenCount"]! > 0);
        Assert.Equal(Emulator.Model, (string)body["modelVersion"]!);
        Assert.NotNull(body["responseId"]);
    }

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
    public Task Another_path_is_404() => AssertRejected(ValidBody(), "not a generateContent method", 404, "NOT_FOUND", path: "/v1/models/x:generateContent");

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
    public Task More_than_20_MiB_is_400()
    {
        var body = ValidBody();
        body["contents"]![0]!["parts"]![0]!["text"] = new string('a', 21 * 1024 * 1024);
        return AssertRejected(body, "Request payload size exceeds the limit: 20971520 bytes.");
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
        var made = Convert.FromBase64String((string)generated!["candidates"]![0]!["content"]!["parts"]![2]!["inlineData"]!["data"]!);
        using var bitmap = SKBitmap.Decode(made);
        using var smaller = bitmap.Resize(new SKImageInfo(bitmap.Width / 2, bitmap.Height / 2), new SKSamplingOptions(SKFilterMode.Linear));
        var jpeg = Convert.ToBase64String(SKImage.FromBitmap(smaller).Encode(SKEncodedImageFormat.Jpeg, 80).ToArray());

        var body = ValidBody();
        body["contents"]![0]!["parts"]!.AsArray().Insert(1, new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = "image/jpeg", ["data"] = jpeg } });
        var (status, _) = await Post(body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([EmulatorMode.Generate, EmulatorMode.Edit], Emulator.Calls.Select(c => c.Mode));
    }
}
