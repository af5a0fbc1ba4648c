namespace Likeness.Api.Tests;

public sealed class TextExtensionsTests
{
    [Fact]
    public void A_text_that_fits_is_kept_whole()
    {
        Assert.Equal("make it warmer", "make it warmer".Shorten(14));
        Assert.Equal("", "".Shorten(1));
    }

    [Fact]
    public void A_longer_text_is_cut_to_the_limit_ending_in_an_ellipsis()
    {
        var cut = new string('a', 100).Shorten(80);
        Assert.Equal(new string('a', 79) + "…", cut);
        Assert.Equal(80, cut.Length);
        Assert.Equal("abc…", "abcdefgh".Shorten(4));
    }

    [Fact]
    public void The_ellipsis_follows_the_last_word_not_a_space()
    {
        Assert.Equal("make the…", "make the jacket red".Shorten(10));
    }
}
