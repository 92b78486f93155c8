using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.EndToEnd.Tests.Crash;
using Microsoft.Data.Sqlite;

namespace Chorus.EndToEnd.Tests.Embedding;

/// <summary>The README's "Embedding Chorus in an ASP.NET app" is <c>examples/Embedding/Program.cs</c> word for word,
/// and that app, built and run as a real process on 127.0.0.1, creates a workflow and runs it to the end.</summary>
public sealed class EmbeddingExampleTests : IDisposable
{
    private const string Section = "## Embedding Chorus in an ASP.NET app";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chorus-embedding-" + Guid.NewGuid().ToString("N"));

    public EmbeddingExampleTests() => Directory.CreateDirectory(_dir);

    [Fact]
    public void ReadmeSnippet_IsTheExamplesProgramWordForWord()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root(), "README.md"));
        var program = File.ReadAllText(Path.Combine(Repository.Root(), "examples", "Embedding", "Program.cs"));

        var snippet = SnippetOf(readme);

        Assert.Equal(program.ReplaceLineEndings("\n").Trim(), snippet);
        Assert.True(snippet.Split('\n').Length <= 15, $"The snippet has {snippet.Split('\n').Length} lines; the README promises 15.");
    }

    [Fact]
    public async Task ExampleApp_CreatesAWorkflowAndRunsItToTheEnd()
    {
        var port = ServerProcess.FreePort();
        using var app = Start(port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilListeningAsync(http, app);

            var definition = await File.ReadAllTextAsync(Path.Combine(Repository.Root(), "examples", "greet.json"));
            using var created = await http.PostAsync("/workflows", new StringContent(definition, Encoding.UTF8, "application/json"));
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            var workflowId = await created.Content.ReadFromJsonAsync<Guid>();
            using var run = await http.PostAsJsonAsync($"/workflows/{workflowId}/run", new { name = "Ada", email = "ada@example.org" });
            Assert.True(run.IsSuccessStatusCode, await run.Content.ReadAsStringAsync());
            var executionId = await run.Content.ReadFromJsonAsync<Guid>();

            var (status, output) = await WaitForEndAsync(Path.Combine(_dir, "chorus.db"), executionId);
            Assert.Equal("completed", status);
            Assert.Equal("Hello Ada!", JsonNode.Parse(output!)?["greeting"]?.GetValue<string>());
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }
    }

    /// <summary>The first C# block after the section's heading.</summary>
    private static string SnippetOf(string readme)
    {
        var text = readme.ReplaceLineEndings("\n");
        var section = text.IndexOf(Section, StringComparison.Ordinal);
        Assert.True(section >= 0, $"The README has no section \"{Section}\".");
        var start = text.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        var end = text.IndexOf("```", start, StringComparison.Ordinal);
        return text[start..end].Trim();
    }

    /// <summary>The built example beside the tests, run as <c>dotnet run</c> would, in an empty folder where its
    /// <c>chorus.db</c> is created.</summary>
    private Process Start(int port)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Chorus.Examples.Embedding.dll");
        Assert.True(File.Exists(dll), $"The example's build output is missing: {dll}");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[dll, "--urls", $"http://127.0.0.1:{port}"])
            info.ArgumentList.Add(arg);
        info.Environment.Remove("ASPNETCORE_URLS");
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilListeningAsync(HttpClient http, Process app)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(app.HasExited, "The example app exited while starting.");
            try
            {
                using var _ = await http.GetAsync("/");
                return;
            }
            catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Reads the execution from the app's database (read-only) until it has ended.</summary>
    private static async Task<(string Status, string? Output)> WaitForEndAsync(string database, Guid executionId)
    {
        var clock = Stopwatch.StartNew();
        var connectionString = new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        while (true)
        {
            await using (var connection = new SqliteConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var query = connection.CreateCommand();
                query.CommandText = "SELECT status, output FROM executions WHERE id = $id";
                query.Parameters.AddWithValue("$id", executionId.ToString());
                await using var reader = await query.ExecuteReaderAsync();
                if (await reader.ReadAsync() && reader.GetString(0) is not ("pending" or "running" or "waiting" or "paused") and var status)
                    return (status, reader.IsDBNull(1) ? null : reader.GetString(1));
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Execution {executionId} did not end within 30 s.");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
