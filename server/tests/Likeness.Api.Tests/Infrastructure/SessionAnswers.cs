namespace Likeness.Api.Tests.Infrastructure;

/// <summary>Reading the image session's answers where the wire shape itself is part of what a test asserts.</summary>
public static class SessionAnswers
{
    /// <summary>
    /// A session answer read as <see cref="ImageSessionResponse"/>, asserting first that <c>image_base64</c> is absent
    /// from the JSON (status, undo, redo, select and reopen send the image by URL). The record cannot tell absent from
    /// null, so the absence is checked on the raw JSON.
    /// </summary>
    public static async Task<ImageSessionResponse> ReadWithoutImageBase64Async(this HttpResponseMessage response)
    {
        var session = await response.ReadAsAsync<ImageSessionResponse>();
        var body = await response.Content.ReadAsStringAsync();
        Assert.False(JsonDocument.Parse(body).RootElement.TryGetProperty("image_base64", out _), $"image_base64 is in {body.Shorten(300)}");
        return session;
    }
}
