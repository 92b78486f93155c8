using System.Text.RegularExpressions;

namespace Chorus.EndToEnd.Tests.Readme;

/// <summary>The README and docs/ point only at files the repository has.</summary>
public sealed partial class DocumentLinksTests
{
    [Fact]
    public void EveryRelativeLink_InTheReadmeAndDocs_NamesAFileOrFolderOfTheRepository()
    {
        var documents = Directory.GetFiles(Repository.File("docs"), "*.md").Append(Repository.File("README.md")).ToList();
        var missing = new List<string>();
        var checkedLinks = 0;
        foreach (var document in documents)
        {
            var folder = Path.GetDirectoryName(document)!;
            foreach (Match link in Link().Matches(File.ReadAllText(document)))
            {
                var target = link.Groups[1].Value;
                checkedLinks++;
                if (!File.Exists(Path.Combine(folder, target)) && !Directory.Exists(Path.Combine(folder, target)))
                    missing.Add($"{Path.GetFileName(document)}: {target}");
            }
        }
        Assert.True(checkedLinks >= 5, $"only {checkedLinks} relative links found: is the pattern still right?");
        Assert.Empty(missing);
    }

    /// <summary>A Markdown link or image whose target is not a URL or an anchor, without its anchor.</summary>
    [GeneratedRegex(@"\]\((?!https?:|mailto:|#)([^)#\s]+)")]
    private static partial Regex Link();
}
