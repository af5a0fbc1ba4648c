using Likeness.Api.Problems;

namespace Likeness.Api.Tests.ImageGeneration;

/// <summary>A region edit's mask: what it accepts, and that only the painted region (and its feather) can change.</summary>
public sealed class RegionMaskTests
{
    private static string MaskPng(int width, int height, SKRectI? painted, SKColor? background = null) =>
        RegionEditTests.MaskPng(width, height, painted, background);

    /// <summary>Noise, so that no two neighbouring pixels are alike and a shifted copy could not pass.</summary>
    private static SKBitmap Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var pixels = bitmap.GetPixelSpan();
        for (var i = 0; i < pixels.Length; i += 4)
        {
            pixels[i] = (byte)random.Next(256);
            pixels[i + 1] = (byte)random.Next(256);
            pixels[i + 2] = (byte)random.Next(256);
            pixels[i + 3] = 255;
        }
        bitmap.NotifyPixelsChanged();
        return bitmap;
    }

    private static SKBitmap Solid(int width, int height, SKColor color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(color);
        return bitmap;
    }

    private static SKBitmap RoundTrip(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return SKBitmap.Decode(data.ToArray());
    }

    [Fact]
    public void Inside_the_painted_rectangle_the_edit_shows_and_beyond_its_feather_every_pixel_is_the_previous_ones()
    {
        var rect = new SKRectI(40, 30, 90, 70);
        var mask = RegionMask.Parse(MaskPng(160, 100, rect), 160, 100, featherPixelsAt1K: 4);
        Assert.Equal(1, mask.FeatherPixels); // 4 at 1024 px, scaled to a 160-px image
        using var previous = Noise(160, 100, seed: 1);
        using var edited = Noise(160, 100, seed: 2);

        using var result = RoundTrip(mask.Composite(previous, edited)); // as stored: a PNG

        int inside = 0, outside = 0, feathered = 0;
        for (var y = 0; y < 100; y++)
            for (var x = 0; x < 160; x++)
            {
                var distance = Math.Max(Math.Max(rect.Left - x, x - (rect.Right - 1)), Math.Max(rect.Top - y, y - (rect.Bottom - 1)));
                if (distance <= 0)
                {
                    Assert.Equal(edited.GetPixel(x, y), result.GetPixel(x, y));
                    inside++;
                }
                else if (distance > mask.FeatherPixels + 1)
                {
                    Assert.Equal(previous.GetPixel(x, y), result.GetPixel(x, y));
                    outside++;
                }
                else
                    feathered++;
            }
        Assert.Equal(50 * 40, inside);
        Assert.True(outside > 10_000 && feathered > 0, $"{outside} outside, {feathered} in the feather");
    }

    [Fact]
    public void Across_the_feather_the_edit_fades_out_with_distance()
    {
        var mask = RegionMask.Parse(MaskPng(1024, 64, new SKRectI(0, 0, 512, 64)), 1024, 64, featherPixelsAt1K: 8);
        Assert.Equal(8, mask.FeatherPixels);
        var weights = Enumerable.Range(508, 14).Select(x => (int)mask.WeightAt(x, 32)).ToArray();

        Assert.All(weights.Take(4), w => Assert.Equal(255, w)); // painted
        Assert.True(weights.Skip(4).Take(8).Zip(weights.Skip(5).Take(8)).All(p => p.First > p.Second), string.Join(",", weights));
        Assert.Equal(0, mask.WeightAt(512 + 8, 32));
        Assert.Equal(0, mask.WeightAt(1023, 32));
    }

    [Fact]
    public void A_model_answer_of_another_size_is_scaled_to_the_previous_image_and_the_outside_stays_exact()
    {
        var rect = new SKRectI(10, 10, 60, 40);
        var mask = RegionMask.Parse(MaskPng(200, 120, rect), 200, 120, featherPixelsAt1K: 4);
        using var previous = Noise(200, 120, seed: 3);
        using var edited = Solid(344, 192, SKColors.Red); // the model drew at its own size

        using var result = mask.Composite(previous, edited);

        Assert.Equal((200, 120), (result.Width, result.Height));
        Assert.Equal(SKColors.Red, result.GetPixel(30, 20));
        for (var y = 50; y < 120; y++)
            for (var x = 70; x < 200; x++)
                Assert.Equal(previous.GetPixel(x, y), result.GetPixel(x, y));
    }

    [Fact]
    public void The_overlay_tints_only_the_painted_region_and_outlines_it()
    {
        var rect = new SKRectI(20, 20, 40, 40);
        var mask = RegionMask.Parse(MaskPng(64, 64, rect), 64, 64, featherPixelsAt1K: 4);
        using var image = Solid(64, 64, new SKColor(0, 128, 0));

        using var overlay = mask.DrawOverlay(image);

        Assert.Equal(new SKColor(255, 0, 255), overlay.GetPixel(20, 30)); // the outline
        Assert.Equal(new SKColor(127, 64, 127), overlay.GetPixel(30, 30)); // half magenta over green
        Assert.Equal(new SKColor(0, 128, 0), overlay.GetPixel(10, 10));
        Assert.Equal(new SKColor(0, 128, 0), overlay.GetPixel(45, 30));
    }

    [Fact]
    public void The_stored_mask_is_a_greyscale_png_white_where_painted()
    {
        var mask = RegionMask.Parse(MaskPng(50, 40, new SKRectI(5, 5, 15, 25)), 50, 40, featherPixelsAt1K: 4);

        using var stored = SKBitmap.Decode(mask.ToPng());

        Assert.Equal((50, 40), (stored.Width, stored.Height));
        Assert.Equal(SKColors.White, stored.GetPixel(10, 10));
        Assert.Equal(SKColors.Black, stored.GetPixel(20, 10));
        Assert.Equal(200.0 / 2000, mask.PaintedFraction, 6);
    }

    [Fact]
    public void A_transparent_mask_pixel_keeps_and_a_light_grey_one_may_change()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(4, 1, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.SetPixel(0, 0, new SKColor(255, 255, 255, 0));
        bitmap.SetPixel(1, 0, new SKColor(200, 200, 200));
        bitmap.SetPixel(2, 0, new SKColor(100, 100, 100));
        bitmap.SetPixel(3, 0, SKColors.Black);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);

        var mask = RegionMask.Parse(Convert.ToBase64String(data.ToArray()), 4, 1, featherPixelsAt1K: 0);

        Assert.Equal([false, true, false, false], Enumerable.Range(0, 4).Select(x => mask.IsPainted(x, 0)));
    }

    public static TheoryData<string, string> BadMasks => new()
    {
        { "not base64", "mask_png_base64 is not valid base64." },
        { "jpeg", "The mask must be a PNG image (white = may change, black = keep)." },
        { "truncated", "The mask must be a PNG image (white = may change, black = keep)." },
        { "wrong size", "The mask is 100×60; it must be the size of the current image, 120×80." },
        { "all black", "The mask is empty: paint the area to change in white." },
        { "all white", "The mask covers the whole image; send the edit without a mask to change everything." },
    };

    [Theory]
    [MemberData(nameof(BadMasks))]
    public void A_bad_mask_is_a_400_that_names_the_field(string name, string message)
    {
        var base64 = name switch
        {
            "not base64" => "not*base64",
            "jpeg" => Convert.ToBase64String(TestImages.Jpeg(120, 80, SKColors.White)),
            "truncated" => Convert.ToBase64String(Convert.FromBase64String(MaskPng(120, 80, new SKRectI(1, 1, 9, 9)))[..20]),
            "wrong size" => MaskPng(100, 60, new SKRectI(1, 1, 9, 9)),
            "all black" => MaskPng(120, 80, null),
            _ => MaskPng(120, 80, null, background: SKColors.White),
        };

        var problem = Assert.Throws<ApiProblem>(() => RegionMask.Parse(base64, 120, 80, featherPixelsAt1K: 4));

        Assert.Equal(400, problem.Status);
        Assert.Equal(message, problem.Detail);
        Assert.Equal([message], problem.Errors!["mask_png_base64"]);
    }

    [Theory]
    [InlineData(1024, 1024, 4, 4)]
    [InlineData(4096, 2304, 4, 16)]
    [InlineData(5504, 3072, 4, 22)]
    [InlineData(512, 512, 4, 2)]
    [InlineData(100, 50, 4, 1)]
    [InlineData(1024, 1024, 0, 0)]
    public void The_feather_scales_with_the_image(int width, int height, int at1K, int expected) =>
        Assert.Equal(expected, RegionMask.FeatherFor(width, height, at1K));
}
