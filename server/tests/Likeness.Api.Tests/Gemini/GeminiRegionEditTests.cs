using Likeness.Api.Tests.ImageGeneration;

namespace Likeness.Api.Tests.Gemini;

/// <summary>
/// A region edit through Gemini (the emulator): the model gets the previous image and then the marked copy, and
/// whatever it answers (here: the whole image changed) only shows inside the painted region.
/// </summary>
public sealed class GeminiRegionEditTests : GeminiTestBase
{
    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    [Fact]
    public async Task The_model_sees_the_image_then_the_marked_region_and_only_the_region_changes()
    {
        await using var app = GeminiApiTests.CreateApp(Emulator);
        var (client, _, generated) = await app.StartSessionAsync(aspectRatio: "16:9");
        var previousBytes = Convert.FromBase64String(generated.ImageBase64!);
        using var before = TestImages.Decode(previousBytes);
        var rect = new SKRectI(200, 150, 600, 450);
        Emulator.Reset();

        var response = await client.PostAsJsonAsync(Edit, new
        {
            edit_prompt = "black and white",
            mask_png_base64 = RegionEditTests.MaskPng(before.Width, before.Height, rect),
        });
        var edited = await response.ReadAsAsync<ImageSessionResponse>();

        // One stateless turn (even in chat mode): the prompt, the previous image in its own bytes, the overlay, the references.
        var call = Assert.Single(Emulator.Calls);
        Assert.Equal(["user"], call.Contents.Select(c => c.Role));
        Assert.Contains("Change only that region", call.Parts[0].Text);
        Assert.EndsWith("The edit: black and white", call.Parts[0].Text);
        var images = call.Images.ToList();
        Assert.Equal(Sha(previousBytes), images[0].Sha256);
        Assert.Equal((before.Width, before.Height), (images[1].Width, images[1].Height));
        Assert.Equal(2 + 2, images.Count); // and the identity's two references

        // The emulator turned the whole picture grey; the stored version is grey only inside the region.
        using var after = TestImages.Decode(edited.ImageBase64!);
        Assert.NotEqual(call.ResponseImage!.Sha256, Sha(Convert.FromBase64String(edited.ImageBase64!)));
        for (var y = 0; y < after.Height; y++)
            for (var x = 0; x < after.Width; x++)
                if (rect.Contains(x, y))
                    Assert.True(IsGrey(after.GetPixel(x, y)), $"({x},{y}) is {after.GetPixel(x, y)}");
                else if (RegionEditTests.BeyondFeather(rect, x, y, margin: 6))
                    Assert.Equal(before.GetPixel(x, y), after.GetPixel(x, y));
    }

    private static bool IsGrey(SKColor c) => Math.Abs(c.Red - c.Green) <= 2 && Math.Abs(c.Green - c.Blue) <= 2;
}
