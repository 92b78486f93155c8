
namespace Chorus.EndToEnd.Tests.Readme;

/// <summary>The README's Files section, its commands run as written against a real server process: upload a CSV, read
/// it with excelInput, write an XLSX with xlsxOutput, read the new file's metadata and download it.</summary>
[Collection(Cluster.ServerProcessCollection.Name)]
public sealed class ReadmeFilesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chorus-readme-files-");

    [Fact]
    public async Task TheFilesSection_RunsAsWritten()
    {
        var script = Assert.Single(await ReadmeSections.ShellBlocksAsync("Files"));

        var run = await ReadmeScript.RunAgainstServerAsync(script, _dir);
        var output = run.Stdout + "\n" + run.Stderr;

        Assert.True(run.ExitCode == 0, $"The README's commands failed (exit {run.ExitCode}):\n{output}\n--- server ---\n{run.ServerTail}");
        Assert.Matches("""\{"name":"people.xlsx","size":[0-9]+,"execution_id":"[0-9a-f-]{36}","step_id":"write"\}""", output);
        var workbook = await File.ReadAllBytesAsync(Path.Combine(_dir.FullName, "people.xlsx"));
        Assert.True(workbook.AsSpan().StartsWith("PK\u0003\u0004"u8), "people.xlsx is not an XLSX workbook");
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
