using System.Diagnostics;
using Chorus.EndToEnd.Tests.Crash;
using Chorus.Server.Tests.Infrastructure;

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

        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(port, Path.Combine(_dir.FullName, "chorus.db"));
        var info = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script.Replace("localhost:8000", $"localhost:{port}", StringComparison.Ordinal)])
        {
            WorkingDirectory = _dir.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["TOKEN"] = TestTokens.For("default");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + "\n" + await stderr;

        Assert.True(process.ExitCode == 0, $"The README's commands failed (exit {process.ExitCode}):\n{output}\n--- server ---\n{server.Tail}");
        Assert.Matches("""\{"name":"people.xlsx","size":[0-9]+,"execution_id":"[0-9a-f-]{36}","step_id":"write"\}""", output);
        var workbook = await File.ReadAllBytesAsync(Path.Combine(_dir.FullName, "people.xlsx"));
        Assert.True(workbook.AsSpan().StartsWith("PK\u0003\u0004"u8), "people.xlsx is not an XLSX workbook");
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
