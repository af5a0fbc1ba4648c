namespace Likeness.Api;

internal static class TextExtensions
{
    /// <summary>
    /// <paramref name="text"/> whole when it has at most <paramref name="maxLength"/> characters; otherwise cut to
    /// fit, ending in "…" (what a message quotes of a prompt, a model's words or a response, and a column's limit).
    /// </summary>
    public static string Shorten(this string text, int maxLength) =>
        text.Length <= maxLength ? text : text[..(maxLength - 1)].TrimEnd() + "…";
}
