using Likeness.Api.Providers.Local;

namespace Likeness.Api.Tests.Providers.Local;

public class LocalEditInstructionsTests
{
    private static EditOperation[] Ops(string prompt) =>
        LocalEditInstructions.Parse(prompt).Select(i => i.Operation).ToArray();

    [Fact]
    public void Splits_the_example_prompt_into_three_instructions_in_order()
    {
        var instructions = LocalEditInstructions.Parse("make it black and white, then rotate 90 and add a red border");

        Assert.Equal([EditOperation.Grayscale, EditOperation.Rotate, EditOperation.Border], instructions.Select(i => i.Operation));
        Assert.Equal(90, instructions[1].Degrees);
        Assert.Equal("red", instructions[2].Color!.Value.Name);
        Assert.Equal("make it black and white", instructions[0].Phrase);
        Assert.Equal("add a red border", instructions[2].Phrase);
    }

    [Theory]
    [InlineData("sepia, blur")]
    [InlineData("sepia; blur")]
    [InlineData("sepia. blur")]
    [InlineData("sepia and blur")]
    [InlineData("sepia then blur")]
    [InlineData("sepia, and then blur")]
    [InlineData("Sepia.\nBlur!")]
    [InlineData("SEPIA AND THEN BLUR")]
    [InlineData("sepia & blur")]
    public void Understands_every_separator(string prompt)
    {
        Assert.Equal([EditOperation.Sepia, EditOperation.Blur], Ops(prompt));
    }

    [Theory]
    [InlineData("please make it brighter")]
    [InlineData("Could you make the image a bit brighter please?")]
    [InlineData("make the picture brighter")]
    [InlineData("lighten it")]
    [InlineData("increase brightness")]
    [InlineData("increase the brightness")]
    [InlineData("more brightness")]
    [InlineData("brighten it up a little")]
    [InlineData("less dark")]
    public void Ignores_filler_words(string prompt)
    {
        Assert.Equal([EditOperation.Brighter], Ops(prompt));
    }

    [Theory]
    [InlineData("black and white", EditOperation.Grayscale)]
    [InlineData("black & white", EditOperation.Grayscale)]
    [InlineData("B&W", EditOperation.Grayscale)]
    [InlineData("grayscale", EditOperation.Grayscale)]
    [InlineData("greyscale", EditOperation.Grayscale)]
    [InlineData("make it monochrome", EditOperation.Grayscale)]
    [InlineData("remove the colour", EditOperation.Grayscale)]
    [InlineData("sepia", EditOperation.Sepia)]
    [InlineData("give it a sepia tone", EditOperation.Sepia)]
    [InlineData("make it vintage", EditOperation.Sepia)]
    [InlineData("darker", EditOperation.Darker)]
    [InlineData("darken", EditOperation.Darker)]
    [InlineData("decrease the brightness", EditOperation.Darker)]
    [InlineData("reduce brightness", EditOperation.Darker)]
    [InlineData("more contrast", EditOperation.MoreContrast)]
    [InlineData("increase the contrast", EditOperation.MoreContrast)]
    [InlineData("add contrast", EditOperation.MoreContrast)]
    [InlineData("less contrast", EditOperation.LessContrast)]
    [InlineData("lower the contrast", EditOperation.LessContrast)]
    [InlineData("tone down the contrast", EditOperation.LessContrast)]
    [InlineData("more saturated", EditOperation.MoreSaturation)]
    [InlineData("more vivid", EditOperation.MoreSaturation)]
    [InlineData("boost the saturation", EditOperation.MoreSaturation)]
    [InlineData("make the colours pop", EditOperation.MoreSaturation)]
    [InlineData("less saturated", EditOperation.LessSaturation)]
    [InlineData("desaturate", EditOperation.LessSaturation)]
    [InlineData("desaturate it a bit", EditOperation.LessSaturation)]
    [InlineData("warmer", EditOperation.Warmer)]
    [InlineData("warm it up", EditOperation.Warmer)]
    [InlineData("cooler", EditOperation.Cooler)]
    [InlineData("make it colder", EditOperation.Cooler)]
    [InlineData("blur", EditOperation.Blur)]
    [InlineData("make it blurry", EditOperation.Blur)]
    [InlineData("sharpen", EditOperation.Sharpen)]
    [InlineData("make it sharper", EditOperation.Sharpen)]
    [InlineData("flip", EditOperation.FlipVertical)]
    [InlineData("flip it vertically", EditOperation.FlipVertical)]
    [InlineData("mirror", EditOperation.FlipHorizontal)]
    [InlineData("mirror it", EditOperation.FlipHorizontal)]
    [InlineData("flip horizontally", EditOperation.FlipHorizontal)]
    [InlineData("zoom in", EditOperation.Zoom)]
    [InlineData("crop", EditOperation.Zoom)]
    [InlineData("crop the edges", EditOperation.Zoom)]
    [InlineData("invert", EditOperation.Invert)]
    [InlineData("invert the colors", EditOperation.Invert)]
    [InlineData("make it a negative", EditOperation.Invert)]
    [InlineData("pixelate", EditOperation.Pixelate)]
    [InlineData("pixelate it", EditOperation.Pixelate)]
    [InlineData("make it 8-bit", EditOperation.Pixelate)]
    public void Understands_the_vocabulary(string prompt, EditOperation expected)
    {
        Assert.Equal([expected], Ops(prompt));
    }

    [Theory]
    [InlineData("rotate 90", 90)]
    [InlineData("rotate 90 degrees", 90)]
    [InlineData("rotate by 90°", 90)]
    [InlineData("rotate right", 90)]
    [InlineData("rotate it clockwise", 90)]
    [InlineData("rotate", 90)]
    [InlineData("rotate 180", 180)]
    [InlineData("turn it upside down", 180)]
    [InlineData("upside down", 180)]
    [InlineData("rotate 270", 270)]
    [InlineData("rotate left", 270)]
    [InlineData("rotate 90 degrees to the left", 270)]
    [InlineData("rotate counterclockwise", 270)]
    [InlineData("rotate -90", 270)]
    public void Understands_rotations(string prompt, int degrees)
    {
        var instruction = Assert.Single(LocalEditInstructions.Parse(prompt));
        Assert.Equal(EditOperation.Rotate, instruction.Operation);
        Assert.Equal(degrees, instruction.Degrees);
    }

    [Theory]
    [InlineData("zoom in", 1.25f)]
    [InlineData("zoom in 2x", 2f)]
    [InlineData("zoom in 50%", 1.5f)]
    [InlineData("crop 20%", 1.25f)]
    [InlineData("crop the center", 1.25f)]
    public void Reads_zoom_factors(string prompt, float factor)
    {
        var instruction = Assert.Single(LocalEditInstructions.Parse(prompt));
        Assert.Equal(EditOperation.Zoom, instruction.Operation);
        Assert.Equal(factor, instruction.ZoomFactor, 3);
    }

    [Theory]
    [InlineData("add a red border", "red", BorderThickness.Normal)]
    [InlineData("blue frame", "blue", BorderThickness.Normal)]
    [InlineData("frame it in gold", "gold", BorderThickness.Normal)]
    [InlineData("add a thick navy border", "navy", BorderThickness.Thick)]
    [InlineData("thin dark green border", "dark green", BorderThickness.Thin)]
    [InlineData("add a border", "white", BorderThickness.Normal)]
    public void Reads_border_colours_and_thickness(string prompt, string color, BorderThickness thickness)
    {
        var instruction = Assert.Single(LocalEditInstructions.Parse(prompt));
        Assert.Equal(EditOperation.Border, instruction.Operation);
        Assert.Equal(color, instruction.Color!.Value.Name);
        Assert.Equal(thickness, instruction.Thickness);
    }

    [Theory]
    [InlineData("tint it green", "green")]
    [InlineData("green tint", "green")]
    [InlineData("add a light blue tint", "light blue")]
    [InlineData("more red", "red")]
    [InlineData("make it redder", "red")]
    [InlineData("make it pink", "pink")]
    [InlineData("tint #ff8800", "#ff8800")]
    public void Reads_tints(string prompt, string color)
    {
        var instruction = Assert.Single(LocalEditInstructions.Parse(prompt));
        Assert.Equal(EditOperation.Tint, instruction.Operation);
        Assert.Equal(color, instruction.Color!.Value.Name);
    }

    [Theory]
    [InlineData("make the background blue", "blue")]
    [InlineData("change the background to light grey", "light grey")]
    [InlineData("teal background", "teal")]
    [InlineData("background colour: navy", "navy")]
    public void Reads_background_colours(string prompt, string color)
    {
        var instruction = Assert.Single(LocalEditInstructions.Parse(prompt));
        Assert.Equal(EditOperation.Background, instruction.Operation);
        Assert.Equal(color, instruction.Color!.Value.Name);
    }

    [Fact]
    public void Hex_and_shaded_colours_have_the_right_values()
    {
        var hex = Assert.Single(LocalEditInstructions.Parse("tint #ff8800")).Color!.Value;
        Assert.Equal((255, 136, 0), (hex.R, hex.G, hex.B));
        var white = Assert.Single(LocalEditInstructions.Parse("white border")).Color!.Value;
        Assert.Equal((255, 255, 255), (white.R, white.G, white.B));
        var dark = Assert.Single(LocalEditInstructions.Parse("dark red border")).Color!.Value;
        var red = Assert.Single(LocalEditInstructions.Parse("red border")).Color!.Value;
        Assert.True(dark.R < red.R);
    }

    [Theory]
    [InlineData("add text \"Happy birthday\"", "Happy birthday")]
    [InlineData("add the caption \u201CSummer, and then autumn.\u201D", "Summer, and then autumn.")]
    [InlineData("write 'Hello there'", "Hello there")]
    [InlineData("\"Just the quote\"", "Just the quote")]
    [InlineData("add text that says \"Don't stop\"", "Don't stop")]
    public void Reads_quoted_text_without_splitting_inside_the_quotes(string prompt, string text)
    {
        var instruction = Assert.Single(LocalEditInstructions.Parse(prompt));
        Assert.Equal(EditOperation.Text, instruction.Operation);
        Assert.Equal(text, instruction.Text);
    }

    [Fact]
    public void Text_can_sit_between_other_instructions()
    {
        var instructions = LocalEditInstructions.Parse("sepia, add text \"A, B and C\" then rotate left");
        Assert.Equal([EditOperation.Sepia, EditOperation.Text, EditOperation.Rotate], instructions.Select(i => i.Operation));
        Assert.Equal("A, B and C", instructions[1].Text);
        Assert.Equal("add text \"A, B and C\"", instructions[1].Phrase);
    }

    [Theory]
    [InlineData("a bit brighter", 0.5f)]
    [InlineData("slightly brighter", 0.5f)]
    [InlineData("brighter", 1f)]
    [InlineData("much brighter", 2f)]
    [InlineData("a lot brighter", 2f)]
    public void Reads_strength_words(string prompt, float strength)
    {
        Assert.Equal(strength, Assert.Single(LocalEditInstructions.Parse(prompt)).Strength);
    }

    [Theory]
    [InlineData("increase brightness by 20%", EditOperation.Brighter, 1f)]
    [InlineData("brighter by 10%", EditOperation.Brighter, 0.5f)]
    [InlineData("increase the contrast by 40%", EditOperation.MoreContrast, 2f)]
    public void A_percentage_sets_the_strength(string prompt, EditOperation operation, float strength)
    {
        var instruction = Assert.Single(LocalEditInstructions.Parse(prompt));
        Assert.Equal(operation, instruction.Operation);
        Assert.Equal(strength, instruction.Strength, 3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    public void Empty_prompt_is_an_argument_error(string prompt)
    {
        Assert.Throws<ArgumentException>(() => LocalEditInstructions.Parse(prompt));
    }

    [Fact]
    public void Unknown_instruction_is_declined_briefly_naming_the_phrase_and_three_close_instructions()
    {
        // Finding 5 of issue 11: the message listed the whole vocabulary (570 characters) and a docs path.
        var error = Assert.Throws<ImageRequestDeclinedException>(() => LocalEditInstructions.Parse("make the jacket red"));

        Assert.Equal("Could not understand \"make the jacket red\". Try \"make the background red\", \"red tint\" or \"add a red border\".",
            error.Message);
        Assert.True(error.Message.Length < 160, error.Message);
    }

    [Theory]
    [InlineData("rotate 45", EditOperation.Rotate)]
    [InlineData("blurr", EditOperation.Blur)]
    [InlineData("brigter", EditOperation.Brighter)]
    [InlineData("zoom out", EditOperation.Zoom)]
    [InlineData("sepiaa", EditOperation.Sepia)]
    public void Suggestions_start_with_the_closest_instruction(string phrase, EditOperation first)
    {
        var suggestions = LocalEditInstructions.Suggest(phrase);
        Assert.Equal(3, suggestions.Count);
        Assert.Equal(first, LocalEditInstructions.Parse(suggestions[0]).Single().Operation);
        foreach (var suggestion in suggestions)
            Assert.NotEmpty(LocalEditInstructions.Parse(suggestion));
    }

    [Fact]
    public void One_unknown_part_declines_the_whole_prompt_and_is_the_part_named()
    {
        var error = Assert.Throws<ImageRequestDeclinedException>(() =>
            LocalEditInstructions.Parse("make it brighter, give her a hat and then rotate 90"));
        Assert.StartsWith("Could not understand \"give her a hat\".", error.Message);
        Assert.DoesNotContain("\"make it brighter\"", error.Message);
    }

    [Fact]
    public void Every_unknown_part_is_named()
    {
        var error = Assert.Throws<ImageRequestDeclinedException>(() => LocalEditInstructions.Parse("add a hat; sepia; remove the dog"));
        Assert.StartsWith("Could not understand \"add a hat\" or \"remove the dog\".", error.Message);
    }

    [Theory]
    [InlineData("please")]
    [InlineData("make it")]
    [InlineData("rotate 45")]
    [InlineData("zoom out")]
    [InlineData("make it look like a Van Gogh")]
    [InlineData("add text")]
    [InlineData("add text \"\"")]
    [InlineData("blorange tint")]
    [InlineData("don't blur")]
    [InlineData("rotate 50%")]
    [InlineData("invert 30%")]
    [InlineData("blur the background")]
    public void Nothing_is_silently_ignored(string prompt)
    {
        Assert.Throws<ImageRequestDeclinedException>(() => LocalEditInstructions.Parse(prompt));
    }
}
