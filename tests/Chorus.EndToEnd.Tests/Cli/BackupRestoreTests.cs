using System.Net;
using System.Text.Json.Nodes;
using Chorus.EndToEnd.Tests.Crash;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary><c>chorus backup</c> while a real server runs, then <c>chorus restore</c> into a new place: the server started
/// there has everything committed before the backup (secrets still decrypt) and nothing after it.</summary>
[Collection(Cluster.ServerProcessCollection.Name)]
public sealed class BackupRestoreTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static JsonObject UsesTheSecret(string name) => new()
    {
        ["name"] = name,
        ["steps"] = new JsonArray(new JsonObject
        {
            ["id"] = "read", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = "token", ["value"] = "{{ secrets.api_token }}" },
        }),
    };

    private static async Task<JsonObject> CompletedAsync(ChorusApi api, string workflow)
    {
        var id = await api.StartAsync(workflow, new JsonObject());
        var statuses = await api.WaitForStatusAsync([id], TimeSpan.FromSeconds(30), "completed", "failed");
        Assert.Equal("completed", statuses[id]);
        return await api.GetAsync($"/api/executions/{id}");
    }

    [Fact]
    public async Task BackupOfARunningServer_RestoredElsewhere_HasWhatWasCommitted_AndItsSecretsStillDecrypt()
    {
        var original = Path.Combine(_dir.Path, "a", "chorus.db");
        Directory.CreateDirectory(Path.GetDirectoryName(original)!);
        var port = ServerProcess.FreePort();
        var backup = Path.Combine(_dir.Path, "backup");
        string before, after, execution;
        await using (var server = await ServerProcess.StartAsync(port, original))
        {
            using var api = new ChorusApi(port);
            await api.PostAsync("/api/secrets", new JsonObject { ["name"] = "api_token", ["value"] = "s3cret-value" });
            before = await api.CreateWorkflowAsync(UsesTheSecret("before the backup"));
            execution = (await CompletedAsync(api, before))["id"]!.GetValue<string>();

            var taken = await CliProcess.RunAsync("backup", "--db", original, "--out", backup);
            Assert.True(taken.ExitCode == 0, taken.ToString());
            Assert.True(File.Exists(Path.Combine(backup, "chorus.db")));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(backup, "chorus.db.secrets.key")));

            after = await api.CreateWorkflowAsync(UsesTheSecret("after the backup"));
        }

        var restoredAt = Path.Combine(_dir.Path, "b", "chorus.db");
        Directory.CreateDirectory(Path.GetDirectoryName(restoredAt)!);
        var restored = await CliProcess.RunAsync("restore", "--from", backup, "--db", restoredAt);
        Assert.True(restored.ExitCode == 0, restored.ToString());
        var again = await CliProcess.RunAsync("restore", "--from", backup, "--db", restoredAt);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Stderr);

        await using (await ServerProcess.StartAsync(port, restoredAt))
        {
            using var api = new ChorusApi(port);
            Assert.Equal("completed", (await api.GetAsync($"/api/executions/{execution}"))["status"]!.GetValue<string>());
            using var http = new HttpClient();
            var token = Chorus.Server.Tests.Infrastructure.TestTokens.For("default");
            using var missing = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/api/workflows/{after}") { Headers = { { "Authorization", $"Bearer {token}" } } };
            Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(missing)).StatusCode);
            // The restored secrets key decrypts the restored secret: the step reads it (and its output hides it).
            var run = await CompletedAsync(api, before);
            Assert.Equal("[secret]", run["variables"]!["token"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Backup_IntoAFolderThatIsNotEmpty_OrOfNoDatabase_IsRefused_AndRestore_OfNoBackup()
    {
        var folder = Path.Combine(_dir.Path, "full");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "x"), "x");

        var full = await CliProcess.RunAsync("backup", "--db", Path.Combine(_dir.Path, "none.db"), "--out", folder);
        Assert.Equal(2, full.ExitCode);
        Assert.StartsWith("chorus: there is no database at", full.Stderr);
        var database = Path.Combine(_dir.Path, "exists.db");
        await File.WriteAllTextAsync(database, "");
        var notEmpty = await CliProcess.RunAsync("backup", "--db", database, "--out", folder);
        Assert.Equal(2, notEmpty.ExitCode);
        Assert.Contains("is not empty", notEmpty.Stderr);
        Assert.Equal(["x"], Directory.EnumerateFiles(folder).Select(Path.GetFileName));
        var noBackup = await CliProcess.RunAsync("restore", "--from", folder, "--db", Path.Combine(_dir.Path, "r.db"));
        Assert.Equal(2, noBackup.ExitCode);
        Assert.Contains("holds no chorus.db", noBackup.Stderr);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "r.db")));
    }
}
