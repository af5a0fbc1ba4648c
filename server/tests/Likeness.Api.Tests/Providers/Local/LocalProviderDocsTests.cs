using System.Text.RegularExpressions;
using Likeness.Api.Providers.Local;

namespace Likeness.Api.Tests.Providers.Local;

/// <summary>Keeps docs/local-provider.md and the engine's vocabulary in step.</summary>
public partial class LocalProviderDocsTests
{
    private static readonly Lazy<string> Docs = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, LocalEditInstructions.DocsPath);
            if (File.Exists(path))
                return File.ReadAllText(path);
        }
        throw new FileNotFoundException($"{LocalEditInstructions.DocsPath} not found above {AppContext.BaseDirectory}");
    });

    [Fact]
    public void Every_vocabulary_entry_and_its_examples_are_documented()
    {
        foreach (var entry in LocalEditInstructions.Vocabulary)
        {
            Assert.Contains(entry.Name.Replace("<", "&lt;").Replace(">", "&gt;"), Docs.Value);
            foreach (var example in entry.Examples)
                Assert.Contains($"`{example}`", Docs.Value);
        }
    }

    [Fact]
    public void Every_colour_name_is_documented()
    {
        foreach (var name in NamedColors.Names)
            Assert.Matches($@"\b{name}\b", Docs.Value);
    }

    [Fact]
    public void Every_example_in_the_vocabulary_table_is_understood()
    {
        var rows = Docs.Value.Split('\n').Where(l => l.StartsWith("| ") && !l.StartsWith("| instruction")).ToList();
        Assert.Equal(LocalEditInstructions.Vocabulary.Count, rows.Count);
        foreach (var row in rows)
        {
            var examples = row.Split('|')[3];
            foreach (Match m in BacktickRegex().Matches(examples))
                Assert.Single(LocalEditInstructions.Parse(m.Groups[1].Value));
        }
    }

    [Fact]
    public void The_documented_error_message_is_the_real_one()
    {
        var error = Assert.Throws<ImageRequestDeclinedException>(() => LocalEditInstructions.Parse("make the jacket red"));
        var documented = Regex.Replace(Docs.Value.Split("```")[1].Trim(), @"\s*\n\s*", " ");
        Assert.Equal(error.Message, documented);
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex BacktickRegex();
}
