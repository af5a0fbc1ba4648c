using Likeness.Api.Providers.Local;

namespace Likeness.Api.Tests.Providers.Local;

/// <summary>Edits checked on real output pixels.</summary>
public class LocalImageProviderEditTests
{
    private static readonly SKColor Grey = new(128, 128, 128);
    private readonly LocalImageProvider provider = new();

    private async Task<SKBitmap> Edit(string prompt, ProviderImage previous)
    {
        var result = await provider.EditImage(prompt, previous, [TestImages.Solid(8, 8, SKColors.Orange)], "16:9", "1K");
        return TestImages.Decode(result);
    }

    [Fact]
    public void Is_named_local()
    {
        Assert.Equal("local", provider.Name);
    }

    [Fact]
    public async Task Rotate_90_swaps_width_and_height_and_moves_every_pixel_clockwise()
    {
        var previous = TestImages.Quadrants(96, 64);
        using var original = TestImages.Decode(previous);
        using var rotated = await Edit("rotate 90", previous);

        Assert.Equal((64, 96), (rotated.Width, rotated.Height));
        for (var y = 0; y < rotated.Height; y++)
            for (var x = 0; x < rotated.Width; x++)
                Assert.Equal(original.GetPixel(y, original.Height - 1 - x), rotated.GetPixel(x, y));
        // The red top-left quadrant is now the top-right one.
        Assert.Equal(SKColors.Red, rotated.GetPixel(63, 0));
        Assert.Equal(SKColors.Blue, rotated.GetPixel(0, 0));
    }

    [Theory]
    [InlineData("rotate 90", 63, 0)]
    [InlineData("rotate right", 63, 0)]
    [InlineData("rotate 180", 95, 63)]
    [InlineData("rotate 270", 0, 95)]
    [InlineData("rotate left", 0, 95)]
    [InlineData("flip", 0, 63)]
    [InlineData("mirror", 95, 0)]
    [InlineData("flip horizontally", 95, 0)]
    public async Task Rotations_and_flips_move_the_marked_corner(string prompt, int markerX, int markerY)
    {
        using var result = await Edit(prompt, TestImages.Marked(96, 64, Grey, SKColors.Red));

        Assert.Equal(SKColors.Red, result.GetPixel(markerX, markerY));
        Assert.Equal(1, new[] { (0, 0), (result.Width - 1, 0), (0, result.Height - 1), (result.Width - 1, result.Height - 1) }
            .Count(p => result.GetPixel(p.Item1, p.Item2) == SKColors.Red));
    }

    [Theory]
    [InlineData("black and white")]
    [InlineData("grayscale")]
    [InlineData("make it monochrome please")]
    public async Task Black_and_white_leaves_no_colour_at_all(string prompt)
    {
        using var result = await Edit(prompt, TestImages.Photo(96, 64));

        for (var y = 0; y < result.Height; y++)
            for (var x = 0; x < result.Width; x++)
            {
                var c = result.GetPixel(x, y);
                Assert.True(c.Red == c.Green && c.Green == c.Blue, $"pixel {x},{y} is {c}");
            }
        Assert.Equal(0, TestImages.MeanSaturation(result));
        Assert.True(TestImages.MeanLuminance(result) > 40, "not simply black");
    }

    [Fact]
    public async Task Sepia_gives_warm_brown_tones()
    {
        using var result = await Edit("sepia", TestImages.Photo(96, 64));
        var c = result.GetPixel(80, 10);
        Assert.True(c.Red > c.Green && c.Green > c.Blue, $"{c} is not brown");
        Assert.True(TestImages.Mean(result, p => p.Red - p.Blue) > 20);
    }

    [Theory]
    [InlineData("brighter", 1)]
    [InlineData("lighten it", 1)]
    [InlineData("increase brightness", 1)]
    [InlineData("darker", -1)]
    [InlineData("darken", -1)]
    [InlineData("decrease the brightness", -1)]
    public async Task Brightness_moves_mean_luminance(string prompt, int direction)
    {
        var previous = TestImages.Photo(96, 64);
        using var original = TestImages.Decode(previous);
        using var result = await Edit(prompt, previous);

        var change = TestImages.MeanLuminance(result) - TestImages.MeanLuminance(original);
        Assert.True(change * direction > 10, $"luminance changed by {change}");
    }

    [Fact]
    public async Task Much_brighter_is_brighter_than_a_bit_brighter()
    {
        var previous = TestImages.Photo(96, 64);
        using var bit = await Edit("a bit brighter", previous);
        using var normal = await Edit("brighter", previous);
        using var much = await Edit("much brighter", previous);

        Assert.True(TestImages.MeanLuminance(bit) < TestImages.MeanLuminance(normal));
        Assert.True(TestImages.MeanLuminance(normal) < TestImages.MeanLuminance(much));
    }

    [Theory]
    [InlineData("more contrast", 1)]
    [InlineData("increase the contrast", 1)]
    [InlineData("less contrast", -1)]
    public async Task Contrast_spreads_or_narrows_the_tones(string prompt, int direction)
    {
        var previous = TestImages.Photo(96, 64);
        using var original = TestImages.Decode(previous);
        using var result = await Edit(prompt, previous);

        var change = LuminanceSpread(result) - LuminanceSpread(original);
        Assert.True(change * direction > 3, $"spread changed by {change}");
    }

    private static double LuminanceSpread(SKBitmap bitmap)
    {
        var mean = TestImages.MeanLuminance(bitmap);
        return Math.Sqrt(TestImages.Mean(bitmap, c => Math.Pow(0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue - mean, 2)));
    }

    [Theory]
    [InlineData("more saturated", 1)]
    [InlineData("more vivid", 1)]
    [InlineData("less saturated", -1)]
    [InlineData("desaturate", -1)]
    public async Task Saturation_moves_mean_saturation(string prompt, int direction)
    {
        var previous = TestImages.Photo(96, 64);
        using var original = TestImages.Decode(previous);
        using var result = await Edit(prompt, previous);

        var change = TestImages.MeanSaturation(result) - TestImages.MeanSaturation(original);
        Assert.True(change * direction > 5, $"saturation changed by {change}");
    }

    [Theory]
    [InlineData("warmer", 1)]
    [InlineData("cooler", -1)]
    public async Task Warmth_shifts_red_against_blue(string prompt, int direction)
    {
        var previous = TestImages.Photo(96, 64);
        using var original = TestImages.Decode(previous);
        using var result = await Edit(prompt, previous);

        var change = TestImages.Mean(result, c => c.Red - c.Blue) - TestImages.Mean(original, c => c.Red - c.Blue);
        Assert.True(change * direction > 10, $"red minus blue changed by {change}");
    }

    [Fact]
    public async Task Blur_softens_and_sharpen_crispens_edges()
    {
        var previous = TestImages.Stripes(128, 96);
        using var original = TestImages.Decode(previous);
        using var blurred = await Edit("blur", previous);
        using var sharpened = await Edit("sharpen", previous);

        double before = TestImages.EdgeEnergy(original), soft = TestImages.EdgeEnergy(blurred), crisp = TestImages.EdgeEnergy(sharpened);
        Assert.True(soft < before * 0.7, $"blur: {soft} vs {before}");
        Assert.True(crisp > before * 1.2, $"sharpen: {crisp} vs {before}");
        Assert.Equal((128, 96), (blurred.Width, blurred.Height));
        Assert.Equal((128, 96), (sharpened.Width, sharpened.Height));
    }

    [Fact]
    public async Task Blur_does_not_darken_the_edges()
    {
        using var result = await Edit("blur", TestImages.Solid(300, 200, new SKColor(200, 180, 160)));
        TestImages.AssertNear(new SKColor(200, 180, 160), result.GetPixel(0, 0), 1);
        TestImages.AssertNear(new SKColor(200, 180, 160), result.GetPixel(299, 199), 1);
    }

    [Fact]
    public async Task Invert_turns_a_known_colour_into_its_complement()
    {
        using var result = await Edit("invert", TestImages.Solid(32, 32, new SKColor(10, 200, 30)));
        Assert.Equal(new SKColor(245, 55, 225), result.GetPixel(16, 16));
    }

    [Theory]
    [InlineData("zoom in")]
    [InlineData("zoom in 2x")]
    [InlineData("crop")]
    public async Task Zoom_keeps_the_size_and_enlarges_the_centre(string prompt)
    {
        // A blue square covering the middle quarter (by area 1/16) of a white image.
        var previous = TestImages.Draw(128, 96, canvas =>
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(SKRect.Create(48, 36, 32, 24), paint);
        });
        using var original = TestImages.Decode(previous);
        using var result = await Edit(prompt, previous);

        Assert.Equal((128, 96), (result.Width, result.Height));
        static double BlueShare(SKBitmap b) => TestImages.Mean(b, c => c.Blue > 200 && c.Red < 60 ? 1 : 0);
        Assert.True(BlueShare(result) > BlueShare(original) * 1.4, $"{BlueShare(result)} vs {BlueShare(original)}");
        Assert.Equal(SKColors.Blue, result.GetPixel(64, 48));
    }

    [Fact]
    public async Task Pixelate_makes_uniform_square_blocks()
    {
        using var result = await Edit("pixelate", TestImages.Photo(256, 128));
        const int block = 4; // 256 / 64
        Assert.Equal((256, 128), (result.Width, result.Height));
        for (var by = 0; by < 128; by += block)
            for (var bx = 0; bx < 256; bx += block)
            {
                var first = result.GetPixel(bx, by);
                for (var y = by; y < by + block; y++)
                    for (var x = bx; x < bx + block; x++)
                        Assert.Equal(first, result.GetPixel(x, y));
            }
        Assert.NotEqual(result.GetPixel(0, 0), result.GetPixel(252, 124));
    }

    [Theory]
    [InlineData("add a red border", 220, 30, 30)]
    [InlineData("blue frame", 30, 80, 220)]
    [InlineData("frame it in gold", 212, 175, 55)]
    [InlineData("add a border", 255, 255, 255)]
    public async Task Border_paints_the_edges_in_the_named_colour(string prompt, byte r, byte g, byte b)
    {
        var previous = TestImages.Photo(120, 80);
        using var original = TestImages.Decode(previous);
        using var result = await Edit(prompt, previous);

        var expected = new SKColor(r, g, b);
        foreach (var (x, y) in new[] { (0, 0), (119, 0), (0, 79), (119, 79), (60, 0), (0, 40), (119, 40), (60, 79), (1, 1) })
            Assert.Equal(expected, result.GetPixel(x, y));
        Assert.Equal(original.GetPixel(60, 40), result.GetPixel(60, 40));
        Assert.Equal((120, 80), (result.Width, result.Height));
    }

    [Fact]
    public async Task Thick_border_is_wider_than_thin_border()
    {
        var previous = TestImages.Solid(200, 200, SKColors.White);
        using var thin = await Edit("thin black border", previous);
        using var thick = await Edit("thick black border", previous);
        static int Width(SKBitmap b) => Enumerable.Range(0, 100).TakeWhile(x => b.GetPixel(x, 100) == SKColors.Black).Count();
        Assert.True(Width(thick) > Width(thin) * 2, $"{Width(thick)} vs {Width(thin)}");
    }

    [Theory]
    [InlineData("tint it green")]
    [InlineData("green tint")]
    [InlineData("make it greener")]
    public async Task Tint_washes_the_image_with_the_colour(string prompt)
    {
        var previous = TestImages.Photo(96, 64);
        using var original = TestImages.Decode(previous);
        using var result = await Edit(prompt, previous);

        static double GreenExcess(SKBitmap b) => TestImages.Mean(b, c => c.Green - (c.Red + c.Blue) / 2.0);
        Assert.True(GreenExcess(result) > GreenExcess(original) + 15, $"{GreenExcess(result)} vs {GreenExcess(original)}");
    }

    [Fact]
    public async Task Background_colour_repaints_the_plain_surroundings_but_not_the_subject()
    {
        var previous = TestImages.Draw(120, 90, canvas =>
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = SKColors.Black };
            canvas.DrawRect(SKRect.Create(40, 30, 40, 30), paint);
        });
        using var result = await Edit("make the background blue", previous);

        Assert.Equal(new SKColor(30, 80, 220), result.GetPixel(0, 0));
        Assert.Equal(new SKColor(30, 80, 220), result.GetPixel(119, 89));
        Assert.Equal(new SKColor(30, 80, 220), result.GetPixel(20, 45));
        Assert.Equal(SKColors.Black, result.GetPixel(60, 45));
    }

    [Fact]
    public async Task Background_after_a_border_repaints_the_background_inside_it_and_keeps_the_border()
    {
        // Finding 6 of issue 11: "make the background blue" after a gold border recoloured the border.
        var previous = TestImages.Draw(120, 90, canvas =>
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = SKColors.Black };
            canvas.DrawRect(SKRect.Create(40, 30, 40, 30), paint);
        });
        using var bordered = await Edit("add a thick gold border", previous);
        var gold = bordered.GetPixel(0, 0);
        using var result = await Edit("add a thick gold border, then make the background blue", previous);

        Assert.Equal(gold, result.GetPixel(0, 0));
        Assert.Equal(gold, result.GetPixel(119, 89));
        Assert.Equal(gold, result.GetPixel(60, 2));
        Assert.Equal(new SKColor(30, 80, 220), result.GetPixel(20, 45));
        Assert.Equal(new SKColor(30, 80, 220), result.GetPixel(100, 20));
        Assert.Equal(SKColors.Black, result.GetPixel(60, 45));
    }

    [Fact]
    public async Task Background_colour_follows_a_gradient_but_does_not_leak_into_a_soft_edged_subject()
    {
        var previous = TestImages.Draw(160, 120, canvas =>
        {
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(160, 120),
                [new SKColor(90, 100, 80), new SKColor(40, 50, 45)], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader };
            canvas.DrawRect(SKRect.Create(160, 120), paint);
            using var blur = SKImageFilter.CreateBlur(3, 3);
            using var subject = new SKPaint { Color = new SKColor(240, 200, 60), ImageFilter = blur, IsAntialias = true };
            canvas.DrawCircle(80, 60, 30, subject);
        });
        using var result = await Edit("make the background red", previous);

        foreach (var (x, y) in new[] { (0, 0), (159, 119), (5, 60), (150, 10) })
        {
            var c = result.GetPixel(x, y);
            Assert.True(c.Red > 150 && c.Green < 90 && c.Blue < 90, $"background pixel {x},{y} is {c}");
        }
        Assert.Equal(new SKColor(240, 200, 60), result.GetPixel(80, 60));
        Assert.Equal(new SKColor(240, 200, 60), result.GetPixel(80, 40));
    }

    [Fact]
    public async Task Background_colour_is_declined_when_there_is_no_plain_background()
    {
        var random = new Random(42);
        var noise = TestImages.Draw(64, 64, canvas =>
        {
            using var paint = new SKPaint();
            for (var y = 0; y < 64; y++)
                for (var x = 0; x < 64; x++)
                {
                    paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                    canvas.DrawRect(SKRect.Create(x, y, 1, 1), paint);
                }
        });

        var error = await Assert.ThrowsAsync<ImageRequestDeclinedException>(() => Edit("blue background", noise));
        Assert.Contains("background", error.Message);
    }

    [Fact]
    public async Task Add_text_writes_on_a_banner_at_the_bottom_only()
    {
        var previous = TestImages.Solid(240, 160, Grey);
        using var result = await Edit("add text \"Hello world\"", previous);

        // The top half is untouched.
        for (var y = 0; y < 80; y++)
            for (var x = 0; x < 240; x += 7)
                Assert.Equal(Grey, result.GetPixel(x, y));
        // The bottom band is darkened and has white lettering in it.
        var band = new SKRectI(0, 140, 240, 160);
        Assert.True(TestImages.Mean(result, c => c.Red, new SKRectI(0, 158, 240, 160)) < 100);
        Assert.True(TestImages.Mean(result, c => c.Red > 230 ? 1 : 0, band) > 0.02, "no white text pixels");
    }

    [Fact]
    public async Task Different_text_gives_different_banners()
    {
        var previous = TestImages.Solid(240, 160, Grey);
        var a = await provider.EditImage("add text \"Hello\"", previous, [], "16:9", "1K");
        var b = await provider.EditImage("add text \"Goodbye\"", previous, [], "16:9", "1K");
        Assert.NotEqual(a.Bytes, b.Bytes);
    }

    [Fact]
    public async Task Several_instructions_apply_in_order()
    {
        var previous = TestImages.Photo(120, 80);
        using var result = await Edit("make it black and white, then rotate 90 and add a red border", previous);

        Assert.Equal((80, 120), (result.Width, result.Height));
        Assert.Equal(new SKColor(220, 30, 30), result.GetPixel(0, 0));
        Assert.Equal(new SKColor(220, 30, 30), result.GetPixel(79, 119));
        var inside = result.GetPixel(40, 60);
        Assert.True(inside.Red == inside.Green && inside.Green == inside.Blue, $"inside is {inside}");
    }

    [Fact]
    public async Task Order_matters()
    {
        var previous = TestImages.Photo(120, 80);
        using var borderThenInvert = await Edit("add a red border, then invert", previous);
        using var invertThenBorder = await Edit("invert, then add a red border", previous);

        Assert.Equal(new SKColor(35, 225, 225), borderThenInvert.GetPixel(0, 0));
        Assert.Equal(new SKColor(220, 30, 30), invertThenBorder.GetPixel(0, 0));
        Assert.Equal(borderThenInvert.GetPixel(60, 40), invertThenBorder.GetPixel(60, 40));
    }

    [Fact]
    public async Task Order_matters_between_colour_operations_too()
    {
        var previous = TestImages.Photo(96, 64);
        using var grayThenTint = await Edit("black and white, then tint it green", previous);
        using var tintThenGray = await Edit("tint it green, then black and white", previous);

        var c = tintThenGray.GetPixel(20, 50);
        Assert.True(c.Red == c.Green && c.Green == c.Blue, $"{c} is not grey");
        var d = grayThenTint.GetPixel(20, 50);
        Assert.True(d.Green > d.Red + 10, $"{d} is not green-tinted");
    }

    [Fact]
    public async Task Colour_operations_in_one_prompt_equal_the_same_operations_one_by_one()
    {
        var previous = TestImages.Photo(96, 64);
        using var together = await Edit("darker, then invert, then less contrast", previous);
        var step = previous;
        foreach (var prompt in new[] { "darker", "invert", "less contrast" })
            step = await provider.EditImage(prompt, step, [], "16:9", "1K");
        using var oneByOne = TestImages.Decode(step);

        for (var y = 0; y < 64; y += 3)
            for (var x = 0; x < 96; x += 3)
                TestImages.AssertNear(oneByOne.GetPixel(x, y), together.GetPixel(x, y), 2);
    }

    [Fact]
    public async Task Edits_are_deterministic()
    {
        var previous = TestImages.Photo(120, 80);
        const string prompt = "sepia, a bit more contrast, blur, add text \"Same\" and pixelate";
        var first = await provider.EditImage(prompt, previous, [], "16:9", "1K");
        var second = await provider.EditImage(prompt, previous, [], "16:9", "1K");
        Assert.Equal(first.Bytes, second.Bytes);
    }

    [Theory]
    [InlineData("sepia")]
    [InlineData("brighter")]
    [InlineData("more contrast")]
    [InlineData("more saturated")]
    [InlineData("warmer")]
    [InlineData("blur")]
    [InlineData("sharpen")]
    [InlineData("rotate 180")]
    [InlineData("flip")]
    [InlineData("mirror")]
    [InlineData("zoom in")]
    [InlineData("invert")]
    [InlineData("pixelate")]
    [InlineData("red border")]
    [InlineData("blue tint")]
    [InlineData("add text \"Hi\"")]
    public async Task Every_instruction_changes_the_image_and_keeps_its_size(string prompt)
    {
        var previous = TestImages.Photo(150, 100);
        using var original = TestImages.Decode(previous);
        using var result = await Edit(prompt, previous);

        Assert.Equal((150, 100), (result.Width, result.Height));
        Assert.NotEqual(original.Bytes, result.Bytes);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    [InlineData(SKEncodedImageFormat.Png)]
    public async Task Accepts_png_jpeg_and_webp_and_answers_png(SKEncodedImageFormat format)
    {
        var previous = TestImages.Solid(64, 48, new SKColor(10, 200, 30), format);
        var result = await provider.EditImage("invert", previous, [], "16:9", "1K");
        using var bitmap = TestImages.Decode(result);

        Assert.Equal((64, 48), (bitmap.Width, bitmap.Height));
        TestImages.AssertNear(new SKColor(245, 55, 225), bitmap.GetPixel(32, 24), 6);
    }

    [Fact]
    public async Task A_jpeg_is_edited_the_way_it_is_displayed_with_its_exif_orientation()
    {
        // Stored 60 x 40 with a red left half; EXIF orientation 6 means "display rotated 90 degrees clockwise".
        var stored = TestImages.Draw(60, 40, canvas =>
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = SKColors.Red };
            canvas.DrawRect(SKRect.Create(0, 0, 30, 40), paint);
        }, SKEncodedImageFormat.Jpeg);
        var oriented = new ProviderImage(WithExifOrientation(stored.Bytes, 6), "image/jpeg");

        using var result = await Edit("brighter", oriented);

        Assert.Equal((40, 60), (result.Width, result.Height));
        // The red half is now on top.
        Assert.True(result.GetPixel(20, 10).Red > 200 && result.GetPixel(20, 10).Green < 150);
        Assert.True(result.GetPixel(20, 50).Green > 200);
    }

    private static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, first IFD at 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0, // Orientation, SHORT, 1
            0, 0, 0, 0, // no next IFD
        ];
        byte[] exifHeader = [(byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0];
        var length = 2 + exifHeader.Length + tiff.Length;
        byte[] app1 = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. exifHeader, .. tiff];
        return [.. jpeg.AsSpan(0, 2), .. app1, .. jpeg.AsSpan(2)];
    }

    [Fact]
    public async Task Keeps_transparency()
    {
        var previous = TestImages.Draw(40, 40, canvas =>
        {
            canvas.Clear(SKColors.Transparent);
            using var paint = new SKPaint { Color = SKColors.Red };
            canvas.DrawRect(SKRect.Create(10, 10, 20, 20), paint);
        });
        using var result = await Edit("black and white", previous);
        Assert.Equal(0, result.GetPixel(0, 0).Alpha);
        Assert.Equal(255, result.GetPixel(20, 20).Alpha);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Empty_prompt_is_an_argument_error(string prompt)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => provider.EditImage(prompt, TestImages.Solid(8, 8, Grey), [], "16:9", "1K"));
    }

    [Fact]
    public async Task Failures_are_reported_through_the_task_not_thrown_synchronously()
    {
        var task = provider.EditImage("make the jacket red", TestImages.Solid(8, 8, Grey), [], "16:9", "1K");
        Assert.True(task.IsFaulted);
        await Assert.ThrowsAsync<ImageRequestDeclinedException>(() => task);
    }

    [Fact]
    public async Task Unknown_instruction_is_declined_and_named()
    {
        var error = await Assert.ThrowsAsync<ImageRequestDeclinedException>(() =>
            provider.EditImage("make it brighter and make the jacket red", TestImages.Solid(8, 8, Grey), [], "16:9", "1K"));

        Assert.Equal("Could not understand \"make the jacket red\". Try \"make the background red\", \"red tint\" or \"add a red border\".",
            error.Message);
    }

    [Fact]
    public async Task Undecodable_previous_image_is_declined()
    {
        var garbage = new ProviderImage([1, 2, 3, 4, 5, 6, 7, 8, 9], "image/png");
        var error = await Assert.ThrowsAsync<ImageRequestDeclinedException>(() => provider.EditImage("invert", garbage, [], "16:9", "1K"));
        Assert.Contains("previous image", error.Message);
    }

    [Fact]
    public async Task Previous_image_over_40_megapixels_is_refused_before_decoding()
    {
        // A real small PNG whose header claims 10000 x 5000 pixels (50 MP): refused from the header alone.
        var bomb = PngWithClaimedSize(TestImages.Solid(4, 4, Grey).Bytes, 10_000, 5_000);
        var error = await Assert.ThrowsAsync<ImageRequestDeclinedException>(() => provider.EditImage("invert", new ProviderImage(bomb, "image/png"), [], "16:9", "1K"));
        Assert.Contains("too large", error.Message);
        Assert.Contains("10000x5000", error.Message);
    }

    private static byte[] PngWithClaimedSize(byte[] png, int width, int height)
    {
        var bytes = (byte[])png.Clone();
        // Signature (8) + IHDR length (4) + "IHDR" (4), then width and height, big-endian.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        var crc = Crc32(bytes.AsSpan(12, 4 + 13));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), crc);
        return bytes;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
