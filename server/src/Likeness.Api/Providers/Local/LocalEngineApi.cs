using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeness.Api.Providers.Local;

/// <summary>The local engine's vocabulary, from the list its parser uses: the web app's "Instructions" page reads it.</summary>
public static class LocalEngineApi
{
    public static RouteGroupBuilder MapLocalEngine(this RouteGroupBuilder localEngine)
    {
        localEngine.WithTags("Local engine");
        localEngine.MapGet("/instructions/", GetInstructions)
            .WithSummary("Every instruction the local engine understands, with a description and examples");
        return localEngine;
    }

    private static Ok<LocalEngineInstructionsResponse> GetInstructions() =>
        TypedResults.Ok(new LocalEngineInstructionsResponse(
            [.. LocalEditInstructions.Vocabulary.Select(v => new LocalEngineInstruction(v.Name, v.Description, v.Examples))],
            ["undo", "undo that", "go back", "redo"]));
}

/// <summary>One instruction: its name (as the docs' table gives it), what it does, and prompts that use it.</summary>
public sealed record LocalEngineInstruction(string Name, string Description, IReadOnlyList<string> Examples);

/// <summary>
/// The vocabulary, in the docs' order, and the words that the edit endpoints answer as Undo and Redo
/// (for every provider) instead of sending them to an engine.
/// </summary>
public sealed record LocalEngineInstructionsResponse(IReadOnlyList<LocalEngineInstruction> Instructions, IReadOnlyList<string> VersionCommands);
