using System.Text.RegularExpressions;

namespace Chorus.EndToEnd.Tests.Readme;

/// <summary>The shell blocks of one "## " section of the README, as the tests that run them as written read them.</summary>
internal static partial class ReadmeSections
{
    public static async Task<List<string>> ShellBlocksAsync(string heading)
    {
        var readme = await File.ReadAllTextAsync(Repository.File("README.md"));
        var start = readme.IndexOf($"\n## {heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"The README has no section \"## {heading}\".");
        var end = readme.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        return [.. ShellBlock().Matches(readme[start..(end < 0 ? readme.Length : end)]).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex("```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
