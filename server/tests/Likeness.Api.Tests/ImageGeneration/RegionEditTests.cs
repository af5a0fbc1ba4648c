using Likeness.Api.Providers.Local;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>Region edits through the API with the Local engine: only the painted region changes, bad masks are 400s.</summary>
public sealed class RegionEditTests
{
    /// <summary>A mask PNG of <paramref name="width"/>×<paramref name="height"/>, white inside <paramref name="painted"/>.</summary>
    internal static string MaskPng(int width, int height, SKRectI? painted, SKColor? background = null)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(background ?? SKColors.Black);
            if (painted is { } rect)
                canvas.DrawRect(rect, new SKPaint { Color = SKColors.White });
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return Convert.ToBase64String(data.ToArray());
    }

    /// <summary>Pixels at least this far outside the rectangle are beyond any feather.</summary>
    internal static bool BeyondFeather(SKRectI rect, int x, int y, int margin) =>
        x < rect.Left - margin || x >= rect.Right + margin || y < rect.Top - margin || y >= rect.Bottom + margin;

    [Fact]
    public async Task Black_and_white_inside_a_rectangle_leaves_every_pixel_outside_its_feather_as_it_was()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, generated) = await factory.StartSessionAsync(aspectRatio: "16:9");
        using var before = TestImages.Decode(generated.ImageBase64!);
        var rect = new SKRectI(300, 200, 700, 500);

        var edited = await (await client.PostAsJsonAsync(Edit, new
        {
            edit_prompt = "black and white",
            mask_png_base64 = MaskPng(before.Width, before.Height, rect),
        })).ReadAsAsync<ImageSessionResponse>();

        using var after = TestImages.Decode(edited.ImageBase64!);
        Assert.Equal((before.Width, before.Height), (after.Width, after.Height));
        int changedInside = 0, outside = 0;
        for (var y = 0; y < after.Height; y++)
            for (var x = 0; x < after.Width; x++)
            {
                var pixel = after.GetPixel(x, y);
                if (rect.Contains(x, y))
                {
                    Assert.True(pixel.Red == pixel.Green && pixel.Green == pixel.Blue, $"({x},{y}) is {pixel}, not grey");
                    if (pixel != before.GetPixel(x, y))
                        changedInside++;
                }
                else if (BeyondFeather(rect, x, y, margin: 6))
                {
                    Assert.Equal(before.GetPixel(x, y), pixel);
                    outside++;
                }
            }
        Assert.True(changedInside > 10_000, $"only {changedInside} pixels changed inside the region");
        Assert.True(outside > 400_000, $"only {outside} pixels outside"); // of 589,824

        // The version keeps its mask; history links it, and the mask is the painted region.
        var versions = await client.SessionVersionsAsync();
        Assert.Null(versions[0].MaskUrl);
        var maskUrl = versions[1].MaskUrl!;
        Assert.Equal($"{Session}/versions/{edited.VersionId}/mask/", maskUrl);
        var mask = await client.GetAsync(maskUrl);
        Assert.Equal("image/png", mask.Content.Headers.ContentType?.MediaType);
        using var stored = SKBitmap.Decode(await mask.Content.ReadAsByteArrayAsync());
        Assert.Equal((before.Width, before.Height), (stored.Width, stored.Height));
        Assert.Equal(SKColors.White, stored.GetPixel(500, 350));
        Assert.Equal(SKColors.Black, stored.GetPixel(100, 100));
        Assert.Equal(HttpStatusCode.NotFound,
            (await client.GetAsync($"{Session}/versions/{versions[0].Id}/mask/")).StatusCode);

        // Undo goes back to the unmasked image, as for any edit.
        var undone = await (await client.PostAsync($"{Session}/undo/", null)).ReadAsAsync<ImageSessionResponse>();
        Assert.Equal(generated.VersionId, undone.VersionId);
    }

    public static TheoryData<string, string> BadMasks => new()
    {
        { "all black", "The mask is empty: paint the area to change in white." },
        { "all white", "The mask covers the whole image; send the edit without a mask to change everything." },
        { "wrong size", "The mask is 512×288; it must be the size of the current image, 1024×576." },
        { "jpeg", "The mask must be a PNG image (white = may change, black = keep)." },
        { "not base64", "mask_png_base64 is not valid base64." },
    };

    [Theory]
    [MemberData(nameof(BadMasks))]
    public async Task A_bad_mask_is_a_400_before_any_job_and_changes_nothing(string name, string detail)
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, _) = await factory.StartSessionAsync(aspectRatio: "16:9");
        var before = await client.GetStringAsync($"{Session}/");
        var mask = name switch
        {
            "all black" => MaskPng(1024, 576, null),
            "all white" => MaskPng(1024, 576, null, SKColors.White),
            "wrong size" => MaskPng(512, 288, new SKRectI(0, 0, 10, 10)),
            "jpeg" => Convert.ToBase64String(TestImages.Jpeg(1024, 576, SKColors.White)),
            _ => "%%%",
        };

        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert", mask_png_base64 = mask }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, detail);

        Assert.Equal(before, await client.GetStringAsync($"{Session}/"));
        Assert.Single(await client.GetAsAsync<List<ImageJobResponse>>($"{Session}/jobs/")); // the generate only
    }

    [Fact]
    public async Task A_region_edit_cannot_rotate_and_the_job_route_takes_a_mask_too()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, generated) = await factory.StartSessionAsync(aspectRatio: "16:9");
        var mask = MaskPng(1024, 576, new SKRectI(10, 10, 200, 200));

        await (await client.PostAsJsonAsync(Edit, new { edit_prompt = "rotate 90", mask_png_base64 = mask }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "A region edit cannot rotate the image; clear the mask to rotate the whole image.");

        var started = await client.PostAsJsonAsync($"{Session}/jobs/", new { kind = "edit", edit_prompt = "invert", mask_png_base64 = mask });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await started.ReadAsAsync<ImageJobResponse>();
        var jobUrl = started.Headers.Location!.ToString();
        if (job.Status is ImageJobStatus.Queued or ImageJobStatus.Running)
            job = await Wait.ForAsync(() => client.GetAsAsync<ImageJobResponse>(jobUrl),
                j => j.Status is not (ImageJobStatus.Queued or ImageJobStatus.Running), "the region edit job to finish");
        Assert.Equal(ImageJobStatus.Succeeded, job.Status);
        var history = await client.GetAsAsync<ImageSessionHistoryResponse>($"{Session}/history/");
        Assert.NotNull(history.Versions[1].MaskUrl);
        Assert.NotNull(history.CurrentVersionId);
        Assert.NotEqual(generated.VersionId, history.CurrentVersionId);
    }

    [Fact]
    public async Task A_detailed_mask_far_over_the_64_KB_JSON_limit_is_accepted_on_the_edit_routes()
    {
        await using var factory = new LikenessApiFactory();
        var (client, _, _) = await factory.StartSessionAsync(aspectRatio: "16:9");
        // Noise compresses badly: a mask PNG of a few hundred kilobytes, as a detailed brush mask can be.
        using var bitmap = new SKBitmap(1024, 576);
        var random = new Random(7);
        for (var y = 0; y < 576; y++)
            for (var x = 0; x < 1024; x++)
                bitmap.SetPixel(x, y, random.Next(2) == 0 ? SKColors.Black : SKColors.White);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var mask = Convert.ToBase64String(data.ToArray());
        Assert.True(mask.Length > 64 * 1024);

        var response = await client.PostAsJsonAsync(Edit, new { edit_prompt = "invert", mask_png_base64 = mask });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Other JSON routes keep the small limit.
        var select = await client.PostAsJsonAsync($"{Session}/select/", new { version_id = mask });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, select.StatusCode);
    }
}
