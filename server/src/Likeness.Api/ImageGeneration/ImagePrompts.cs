using Likeness.Api.Identities;

namespace Likeness.Api.ImageGeneration;

/// <summary>The prompt a generation sends to the provider, built from the identity and the user's words.</summary>
public static class ImagePrompts
{
    public const int MaxAdditionalPromptLength = 4000;
    public const int MaxEditPromptLength = 4000;

    public static string ForGeneration(Identity identity, string? additionalPrompt)
    {
        var parts = new List<string> { $"An image of {identity.Name}." };
        if (!string.IsNullOrWhiteSpace(identity.Description))
            parts.Add(identity.Description.Trim().TrimEnd('.') + ".");
        if (!string.IsNullOrWhiteSpace(additionalPrompt))
            parts.Add(additionalPrompt.Trim());
        parts.Add("Keep the likeness of the reference images.");
        return string.Join(" ", parts);
    }
}
