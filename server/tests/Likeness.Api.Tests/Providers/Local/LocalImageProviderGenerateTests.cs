using Likeness.Api.Providers.Local;

namespace Likeness.Api.Tests.Providers.Local;

/// <summary>Generation checked on real output pixels.</summary>
public class LocalImageProviderGenerateTests
{
    private readonly LocalImageProvider provider = new();

    private static readonly SKColor[] Palette =
    [
        new(230, 25, 75), new(60, 180, 75), new(255, 225, 25), new(0, 130, 200), new(245, 130, 48), new(145, 30, 180),
        new(70, 240, 240), new(240, 50, 230), new(210, 245, 60), new(250, 190, 212), new(0, 128, 128), new(220, 190, 255),
        new(170, 110, 40), new(255, 250, 200),
    ];

    [Theory]
    [InlineData("16:9", "1K", 1024, 576)]
    [InlineData("9:16", "1K", 576, 1024)]
    [InlineData("1:1", "1K", 1024, 1024)]
    [InlineData("4:5", "1K", 819, 1024)]
    [InlineData("21:9", "1K", 1024, 439)]
    [InlineData("3:2", "2K", 2048, 1365)]
    [InlineData("16:9", "4K", 4096, 2304)]
    public async Task Output_is_a_png_of_exactly_the_requested_size(string ratio, string resolution, int width, int height)
    {
        Assert.Equal((width, height), ImageFormats.PixelSize(ratio, resolution));
        var image = await provider.GenerateImage("A portrait", [TestImages.Photo(120, 160)], ratio, resolution);
        using var bitmap = TestImages.Decode(image);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public async Task Same_inputs_give_the_same_bytes()
    {
        ProviderImage[] references = [TestImages.Photo(120, 160), TestImages.Quadrants(90, 60)];
        var first = await provider.GenerateImage("Same prompt", references, "16:9", "1K");
        var second = await new LocalImageProvider().GenerateImage("Same prompt", references, "16:9", "1K");
        Assert.Equal(first.Bytes, second.Bytes);
    }

    [Fact]
    public async Task The_reference_images_appear_on_the_canvas()
    {
        ProviderImage[] references =
        [
            TestImages.Solid(64, 64, new SKColor(230, 25, 75)),
            TestImages.Solid(80, 48, new SKColor(0, 130, 200), SKEncodedImageFormat.Jpeg),
            TestImages.Solid(48, 80, new SKColor(255, 225, 25), SKEncodedImageFormat.Webp),
        ];
        var image = await provider.GenerateImage("Three references", references, "16:9", "1K");
        using var canvas = TestImages.Decode(image);

        foreach (var color in new[] { new SKColor(230, 25, 75), new SKColor(0, 130, 200), new SKColor(255, 225, 25) })
            Assert.True(Share(canvas, color) > 0.02, $"{color} covers only {Share(canvas, color):P2} of the canvas");
    }

    [Theory]
    [InlineData("16:9")]
    [InlineData("9:16")]
    [InlineData("1:1")]
    public async Task All_fourteen_references_are_shown(string ratio)
    {
        var references = Palette.Select((c, i) => TestImages.Solid(40 + i * 5, 60, c)).ToList();
        var image = await provider.GenerateImage("Fourteen references", references, ratio, "1K");
        using var canvas = TestImages.Decode(image);

        var pixels = canvas.Pixels;
        foreach (var color in Palette)
        {
            var share = pixels.Count(c => TestImages.Near(c, color, 4)) / (double)pixels.Length;
            Assert.True(share > 0.002, $"{color} covers only {share:P3} of the canvas");
        }
    }

    [Fact]
    public async Task Layout_follows_the_canvas_shape()
    {
        SKColor red = new(230, 25, 75), blue = new(0, 130, 200);
        ProviderImage[] references = [TestImages.Solid(100, 100, red), TestImages.Solid(100, 100, blue)];

        using var landscape = TestImages.Decode(await provider.GenerateImage("Two", references, "16:9", "1K"));
        using var portrait = TestImages.Decode(await provider.GenerateImage("Two", references, "9:16", "1K"));

        // Side by side on a landscape canvas, one above the other on a portrait one.
        Assert.True(Centroid(landscape, red).X < Centroid(landscape, blue).X - 100);
        Assert.True(Math.Abs(Centroid(landscape, red).Y - Centroid(landscape, blue).Y) < 5);
        Assert.True(Centroid(portrait, red).Y < Centroid(portrait, blue).Y - 100);
        Assert.True(Math.Abs(Centroid(portrait, red).X - Centroid(portrait, blue).X) < 5);
    }

    [Fact]
    public async Task References_keep_their_aspect_ratio()
    {
        SKColor teal = new(0, 128, 128);
        var image = await provider.GenerateImage("Wide", [TestImages.Solid(300, 100, teal)], "1:1", "1K");
        using var canvas = TestImages.Decode(image);

        var (left, top, right, bottom) = Bounds(canvas, teal);
        var ratio = (right - left + 1) / (double)(bottom - top + 1);
        Assert.InRange(ratio, 2.9, 3.1);
    }

    [Fact]
    public async Task Background_takes_its_colours_from_the_references()
    {
        var reds = await provider.GenerateImage("Red", [TestImages.Solid(64, 64, new SKColor(200, 30, 30))], "16:9", "1K");
        var blues = await provider.GenerateImage("Blue", [TestImages.Solid(64, 64, new SKColor(30, 30, 200))], "16:9", "1K");
        using var redCanvas = TestImages.Decode(reds);
        using var blueCanvas = TestImages.Decode(blues);

        var corner = new SKRectI(0, 0, 40, 40);
        Assert.True(TestImages.Mean(redCanvas, c => c.Red - c.Blue, corner) > 10);
        Assert.True(TestImages.Mean(blueCanvas, c => c.Blue - c.Red, corner) > 10);
    }

    [Fact]
    public async Task The_prompt_is_written_in_the_caption_band_at_the_bottom()
    {
        ProviderImage[] references = [TestImages.Solid(64, 64, SKColors.Teal)];
        using var a = TestImages.Decode(await provider.GenerateImage("A red jacket at the beach", references, "16:9", "1K"));
        using var b = TestImages.Decode(await provider.GenerateImage("Something else entirely", references, "16:9", "1K"));

        var bottom = new SKRectI(0, 576 - 110, 1024, 576);
        Assert.True(TestImages.Mean(a, c => c.Red > 220 && c.Green > 220 && c.Blue > 220 ? 1 : 0, bottom) > 0.005, "no white caption text");
        Assert.True(Differs(a, b, bottom), "different prompts give the same caption");
        Assert.False(Differs(a, b, new SKRectI(0, 0, 1024, 300)), "the prompt changed the top of the canvas");
    }

    [Fact]
    public async Task A_very_long_prompt_still_fits()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("a remarkably long prompt", 200)) + " Supercalifragilisticexpialidocious" + new string('x', 500);
        var image = await provider.GenerateImage(prompt, [TestImages.Photo(120, 160)], "9:16", "1K");
        using var bitmap = TestImages.Decode(image);
        Assert.Equal((576, 1024), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public async Task Zero_references_and_an_empty_prompt_still_make_an_image()
    {
        var image = await provider.GenerateImage("", [], "1:1", "1K");
        using var bitmap = TestImages.Decode(image);
        Assert.Equal((1024, 1024), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public async Task A_large_photo_reference_is_scaled_down_and_shown()
    {
        var big = TestImages.Solid(3000, 2000, new SKColor(0, 130, 200), SKEncodedImageFormat.Jpeg);
        var image = await provider.GenerateImage("Big", [big], "16:9", "1K");
        using var canvas = TestImages.Decode(image);
        Assert.True(Share(canvas, new SKColor(0, 130, 200)) > 0.2);
    }

    [Fact]
    public async Task An_unreadable_reference_is_declined()
    {
        var error = await Assert.ThrowsAsync<ImageRequestDeclinedException>(() =>
            provider.GenerateImage("x", [TestImages.Photo(10, 10), new ProviderImage([0, 1, 2, 3], "image/png")], "16:9", "1K"));
        Assert.Contains("reference image 2", error.Message);
    }

    [Fact]
    public void Fonts_come_from_the_assembly_not_the_system()
    {
        Assert.Equal("DejaVu Sans", LocalImaging.Regular.FamilyName);
        Assert.Equal("DejaVu Sans", LocalImaging.Bold.FamilyName);
        Assert.True(LocalImaging.Bold.IsBold);
    }

    [Fact]
    public async Task A_generated_image_can_be_edited()
    {
        var generated = await provider.GenerateImage("Start", [TestImages.Photo(120, 160)], "16:9", "1K");
        var edited = await provider.EditImage("rotate 90, black and white", generated, [], "16:9", "1K");
        using var bitmap = TestImages.Decode(edited);
        Assert.Equal((576, 1024), (bitmap.Width, bitmap.Height));
        Assert.Equal(0, TestImages.MeanSaturation(bitmap));
    }

    private static double Share(SKBitmap bitmap, SKColor color) =>
        TestImages.Mean(bitmap, c => TestImages.Near(c, color, 4) ? 1 : 0);

    private static (double X, double Y) Centroid(SKBitmap bitmap, SKColor color)
    {
        double sx = 0, sy = 0;
        var n = 0;
        var pixels = bitmap.Pixels;
        for (var y = 0; y < bitmap.Height; y++)
            for (var x = 0; x < bitmap.Width; x++)
                if (TestImages.Near(pixels[y * bitmap.Width + x], color, 4))
                {
                    sx += x;
                    sy += y;
                    n++;
                }
        Assert.True(n > 0, $"{color} not found");
        return (sx / n, sy / n);
    }

    private static (int Left, int Top, int Right, int Bottom) Bounds(SKBitmap bitmap, SKColor color)
    {
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        var pixels = bitmap.Pixels;
        for (var y = 0; y < bitmap.Height; y++)
            for (var x = 0; x < bitmap.Width; x++)
                if (TestImages.Near(pixels[y * bitmap.Width + x], color, 4))
                {
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                    top = Math.Min(top, y);
                    bottom = Math.Max(bottom, y);
                }
        Assert.True(right >= 0, $"{color} not found");
        return (left, top, right, bottom);
    }

    private static bool Differs(SKBitmap a, SKBitmap b, SKRectI region)
    {
        SKColor[] pa = a.Pixels, pb = b.Pixels;
        for (var y = region.Top; y < region.Bottom; y++)
            for (var x = region.Left; x < region.Right; x++)
                if (pa[y * a.Width + x] != pb[y * b.Width + x])
                    return true;
        return false;
    }
}
