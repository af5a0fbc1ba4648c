using Likeness.Api.Providers.Local;

namespace Likeness.Api.Tests.Providers.Local;

/// <summary>The Local engine's variants (<see cref="LocalVariants"/>): each differs, variant 0 is the single request's image.</summary>
public sealed class LocalVariantTests
{
    private readonly LocalImageProvider _engine = new();

    private static string Sha(ProviderImage image) => Convert.ToHexString(SHA256.HashData(image.Bytes));

    private Task<ImageResult> Generate(int variant, int references = 3) => _engine.MakeImage(new ImageRequest
    {
        Prompt = "Ada at the seaside",
        References = Enumerable.Range(0, references)
            .Select(i => new ReferenceInput($"key{i}", TestImages.Solid(300 + 40 * i, 400, new SKColor((byte)(60 * i), 120, (byte)(200 - 50 * i)))))
            .ToList(),
        AspectRatio = "1:1", Resolution = "1K", Variant = variant,
    });

    private Task<ImageResult> Edit(string prompt, int variant) => _engine.MakeImage(new ImageRequest
    {
        Prompt = prompt, PreviousImage = TestImages.Photo(256, 256), References = [], AspectRatio = "1:1", Resolution = "1K", Variant = variant,
    });

    [Fact]
    public async Task Variant_0_of_a_generate_is_the_single_requests_image_and_every_variant_differs()
    {
        var single = await _engine.GenerateImage("Ada at the seaside",
            Enumerable.Range(0, 3).Select(i => TestImages.Solid(300 + 40 * i, 400, new SKColor((byte)(60 * i), 120, (byte)(200 - 50 * i)))).ToList(),
            "1:1", "1K");
        var variants = new List<string>();
        for (var v = 0; v < LocalVariants.Max; v++)
            variants.Add(Sha((await Generate(v)).Image));

        Assert.Equal(Sha(single), variants[0]);
        Assert.Equal(LocalVariants.Max, variants.Distinct().Count());
        // Deterministic: the same variant twice is the same image.
        Assert.Equal(variants[2], Sha((await Generate(2)).Image));
    }

    [Fact]
    public async Task A_generate_with_one_reference_still_gives_four_different_variants()
    {
        var variants = new List<string>();
        for (var v = 0; v < LocalVariants.Max; v++)
            variants.Add(Sha((await Generate(v, references: 1)).Image));
        Assert.Equal(LocalVariants.Max, variants.Distinct().Count());
    }

    [Fact]
    public async Task Edit_variants_run_the_instruction_at_the_documented_strengths()
    {
        var luma = new List<double>();
        for (var v = 0; v < LocalVariants.Max; v++)
        {
            using var image = TestImages.Decode((await Edit("make it brighter", v)).Image);
            luma.Add(TestImages.MeanLuminance(image));
        }
        // Strength factors 1, 0.6, 1.5, 0.8: ordered by brightness 2 > 0 > 3 > 1.
        Assert.True(luma[2] > luma[0] && luma[0] > luma[3] && luma[3] > luma[1], string.Join(", ", luma));
        Assert.Equal(Sha(await _engine.EditImage("make it brighter", TestImages.Photo(256, 256), [], "1:1", "1K")), Sha((await Edit("make it brighter", 0)).Image));
    }

    [Fact]
    public async Task Black_and_white_variants_are_grey_in_part_and_the_first_fully()
    {
        var saturation = new List<double>();
        for (var v = 0; v < LocalVariants.Max; v++)
        {
            using var image = TestImages.Decode((await Edit("black and white", v)).Image);
            saturation.Add(TestImages.MeanSaturation(image));
        }
        Assert.Equal(0, saturation[0], 0.5);
        Assert.All(saturation.Skip(1), s => Assert.True(s > 1, $"saturation {s}"));
        Assert.Equal(4, saturation.Select(s => Math.Round(s, 1)).Distinct().Count());
    }

    [Fact]
    public async Task A_rotation_has_no_strength_so_its_variants_are_the_same_image_as_documented()
    {
        Assert.Equal(Sha((await Edit("rotate 90", 0)).Image), Sha((await Edit("rotate 90", 3)).Image));
    }
}
