using Likeness.Api.Problems;

namespace Likeness.Api.Security;

/// <summary>Free text a user sends (prompts, descriptions): what characters it may hold.</summary>
public static class TextInput
{
    /// <summary>
    /// Refuses (400, naming the field) text with a control character other than tab, line feed or carriage return,
    /// or with half of a surrogate pair: no text needs them, and PostgreSQL refuses a NUL in text (a 500).
    /// </summary>
    /// <param name="field">The JSON field, the key in <c>errors</c>.</param>
    /// <param name="label">How the message names it (defaults to the field).</param>
    public static void Check(string field, string? text, string? label = null)
    {
        if (text is null)
            return;
        label ??= field;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
                throw ApiProblem.Invalid(field, $"{label} may not contain control characters (only tabs and line breaks).");
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(c))
                throw ApiProblem.Invalid(field, $"{label} contains an invalid character (half of a surrogate pair).");
        }
    }
}
