using Likeness.Api.Identities;

namespace Likeness.Api.ImageGeneration;

/// <summary>The prompt a generation sends to the provider, built from the identity and the user's words.</summary>
public static class ImagePrompts
{
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
