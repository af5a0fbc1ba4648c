using System.Text.RegularExpressions;
using Likeness.Api.Identities;

namespace Likeness.Api.ImageGeneration;

/// <summary>An edit prompt that asks for a version move rather than a new image.</summary>
public enum VersionCommand
{
    None,
    Undo,
    Redo,
}

/// <summary>The prompt a generation sends to the provider, built from the identity and the user's words.</summary>
public static partial class ImagePrompts
{
    /// <summary>
    /// "undo", "undo that", "go back" or "redo" typed as a whole edit prompt (the README suggests "undo that"):
    /// the edit endpoints answer them as Undo and Redo, for every provider, instead of asking an engine to draw
    /// them. Anything longer ("undo the blur, then sepia") is an ordinary edit.
    /// </summary>
    public static VersionCommand AsVersionCommand(string? editPrompt)
    {
        if (string.IsNullOrWhiteSpace(editPrompt) || editPrompt.Length > 40)
            return VersionCommand.None;
        var match = VersionCommandRegex().Match(editPrompt.Trim());
        if (!match.Success)
            return VersionCommand.None;
        return match.Groups["redo"].Success ? VersionCommand.Redo : VersionCommand.Undo;
    }

    [GeneratedRegex(@"^(?:please\s+)?(?:(?<undo>undo|go\s+back|revert|step\s+back)(?:\s+(?:that|it|this|the\s+last\s+(?:edit|change|step)|last\s+(?:edit|change|step)))?|(?<redo>redo)(?:\s+(?:that|it|this))?)(?:\s+please)?\s*[.!]*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VersionCommandRegex();

    public const int MaxAdditionalPromptLength = 4000;
    public const int MaxEditPromptLength = 4000;

    /// <summary>
    /// Refuses (400, naming the field) a prompt with a control character other than tab or a line break, or with
    /// half of a surrogate pair (PostgreSQL refuses a NUL in text). Call it beside the length checks.
    /// </summary>
    public static void Validate(string field, string? text) => Likeness.Api.Security.TextInput.Check(field, text);

    public static string ForGeneration(Identity identity, string? additionalPrompt)
    {
        var parts = new List<string> { $"An image of {identity.Name}." };
        if (!string.IsNullOrWhiteSpace(identity.Description))
            parts.Add(Sentence(identity.Description));
        if (!string.IsNullOrWhiteSpace(additionalPrompt))
            parts.Add(Sentence(additionalPrompt));
        parts.Add("Keep the likeness of the reference images.");
        return string.Join(" ", parts);
    }

    /// <summary>Trimmed, first letter upper-case, ending in a full stop unless it already ends a sentence.</summary>
    private static string Sentence(string text)
    {
        text = text.Trim();
        text = char.ToUpperInvariant(text[0]) + text[1..];
        return text[^1] is '.' or '!' or '?' ? text : text + ".";
    }
}
