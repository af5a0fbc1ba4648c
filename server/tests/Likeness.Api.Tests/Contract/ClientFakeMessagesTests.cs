using System.Text.RegularExpressions;

namespace Likeness.Api.Tests.Contract;

/// <summary>
/// The client's tests run against a fake API whose messages must be the server's own words
/// (<c>client/test/server-messages.json</c>): each one is a string literal of the server's source, with
/// <c>{0}</c>, <c>{1}</c>… standing for the interpolated parts.
/// </summary>
public sealed partial class ClientFakeMessagesTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "client", "test", "server-messages.json")))
                return dir.FullName;
        throw new FileNotFoundException($"client/test/server-messages.json not found above {AppContext.BaseDirectory}");
    }

    public static TheoryData<string, string> Messages()
    {
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "client", "test", "server-messages.json")));
        var data = new TheoryData<string, string>();
        foreach (var message in json.RootElement.EnumerateObject())
            data.Add(message.Name, message.Value.GetString()!);
        return data;
    }

    private static readonly Lazy<string> ServerSource = new(() => string.Join("\n",
        Directory.EnumerateFiles(Path.Combine(RepoRoot(), "server", "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText)));

    [Theory]
    [MemberData(nameof(Messages))]
    public void The_fakes_message_is_the_servers_word_for_word(string name, string message)
    {
        // Literal text escaped; each {n} is any interpolation hole ({expression}) of a C# interpolated string.
        var pattern = "\"" + Placeholder().Replace(Regex.Escape(message).Replace("\\{", "{"), "\\{[^\\n{}]+\\}") + "\"";
        Assert.True(Regex.IsMatch(ServerSource.Value, pattern),
            $"client/test/server-messages.json \"{name}\": no string literal in server/src says \"{message}\"");
    }

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
