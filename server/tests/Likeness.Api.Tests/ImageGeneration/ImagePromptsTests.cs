namespace Likeness.Api.Tests.ImageGeneration;

public sealed class ImagePromptsTests
{
    [Theory]
    [InlineData("Mathematician", "in a garden", "An image of Ada. Mathematician. In a garden. Keep the likeness of the reference images.")]
    [InlineData("Mathematician.", "In a garden!", "An image of Ada. Mathematician. In a garden! Keep the likeness of the reference images.")]
    [InlineData("", "  ", "An image of Ada. Keep the likeness of the reference images.")]
    public void The_generation_prompt_reads_as_sentences(string description, string additional, string expected) =>
        Assert.Equal(expected, ImagePrompts.ForGeneration(new Identity { Name = "Ada", Description = description }, additional));
}
