using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary>The CLI's operations on executions against a real server, each checked through the API: start, event,
/// pause and resume, logs, export, retry from the start, delete; <c>--json</c> prints the server's answer.</summary>
public sealed class ExecutionOperationsTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    private static readonly string Token = TestTokens.For("default");

    private const string WaitsForGo = """
        {"name": "operated", "input_schema": {"type": "object", "required": ["order"]}, "steps": [
          {"id": "hold", "name": "Hold", "type": "wait", "config": {"event": "go"}, "next": "done"},
          {"id": "done", "name": "Done", "type": "output", "config": {"value": {"order": "{{input.order}}", "by": "{{hold.by}}"}}}
        ]}
        """;

    private Task<CliResult> Chorus(params string[] args) => CliProcess.RunAsync([.. args, "--server", server.Url, "--token", Token]);

    private static async Task<JsonObject> StatusAsync(HttpClient http, string id, string status)
    {
        for (var i = 0; i < 200; i++)
        {
            var execution = (await http.GetFromJsonAsync<JsonObject>($"/api/executions/{id}"))!;
            if ((string?)execution["status"] == status)
                return execution;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"Execution {id} never reached {status}.");
    }

    [Fact]
    public async Task StartEventLogsExportRetryAndDelete_DriveAnExecution_ThroughTheCli()
    {
        using var http = TestHttp.Client(new Uri(server.Url), "default");
        var push = await Chorus("workflows", "push", server.Dir.File("operated.json", WaitsForGo));
        Assert.True(push.ExitCode == 0, push.ToString());
        var workflow = push.Stdout.Split(' ')[2];

        var start = await Chorus("executions", "start", workflow, "--input", """{"order": "A-1"}""", "--json");
        Assert.True(start.ExitCode == 0, start.ToString());
        var id = JsonNode.Parse(start.Stdout)!["id"]!.GetValue<string>();
        await StatusAsync(http, id, "waiting");

        var pause = await Chorus("executions", "pause", id);
        Assert.Equal($"execution {id}: paused", pause.Stdout.Trim());
        Assert.Equal($"execution {id}: waiting", (await Chorus("executions", "resume", id)).Stdout.Trim());
        var sent = await Chorus("executions", "event", id, "go", "--data", """{"by": "cli"}""");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        var done = await StatusAsync(http, id, "completed");
        Assert.Equal("cli", (string?)done["output"]!["by"]);

        var logs = await Chorus("executions", "logs", id);
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Contains("info", logs.Stdout);
        var file = Path.Combine(server.Dir.Path, $"export-{id}.json");
        Assert.True((await Chorus("executions", "export", id, "--out", file)).ExitCode == 0);
        var export = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        Assert.Equal(id, (string?)export["execution"]!["id"]);
        Assert.NotEmpty(export["events"]!.AsArray());

        var rerun = await Chorus("executions", "retry", id, "--from-start", "--json");
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var again = JsonNode.Parse(rerun.Stdout)!;
        Assert.Equal(id, (string?)again["retry_of"]);
        var againId = again["id"]!.GetValue<string>();
        Assert.Equal("A-1", (string?)(await StatusAsync(http, againId, "waiting"))["input"]!["order"]);
        Assert.Equal($"execution {againId}: cancelled", (await Chorus("executions", "cancel", againId)).Stdout.Trim());

        Assert.Equal($"deleted execution {id}", (await Chorus("executions", "delete", id)).Stdout.Trim());
        using var gone = await http.GetAsync($"/api/executions/{id}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Operations_RefusedByTheServerOrTheCommandLine_PrintOneLine_AndExitOneOrTwo()
    {
        var unknown = await Chorus("executions", "cancel", Guid.NewGuid().ToString());
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("chorus: execution_not_found:", unknown.Stderr);

        var badJson = await Chorus("executions", "start", Guid.NewGuid().ToString(), "--input", "{not json");
        Assert.Equal(2, badJson.ExitCode);
        Assert.StartsWith("chorus: --input is not valid JSON", badJson.Stderr);

        var latestAlone = await Chorus("executions", "retry", Guid.NewGuid().ToString(), "--latest");
        Assert.Equal(2, latestAlone.ExitCode);
        Assert.Contains("--latest goes with --from-start", latestAlone.Stderr);
    }

    [Fact]
    public async Task ListWithSearch_ShowsOnlyTheExecutionsWithThoseValues_AndAFilterWithoutEqualsIsAUsageError()
    {
        using var http = TestHttp.Client(new Uri(server.Url), "default");
        var definition = JsonNode.Parse(WaitsForGo)!.AsObject();
        definition["name"] = "searched";
        definition["search_attributes"] = new JsonObject { ["order"] = "$.input.order" };
        var push = await Chorus("workflows", "push", server.Dir.File("searched.json", definition.ToJsonString()));
        Assert.True(push.ExitCode == 0, push.ToString());
        var workflow = push.Stdout.Split(' ')[2];
        var ids = new List<string>();
        foreach (var order in new[] { "S-1", "S-2" })
            ids.Add(JsonNode.Parse((await Chorus("executions", "start", workflow, "--input", $$"""{"order": "{{order}}"}""", "--json")).Stdout)!["id"]!.GetValue<string>());

        var found = await Chorus("executions", "list", "--search", "order=S-2", "--json");

        Assert.True(found.ExitCode == 0, found.ToString());
        var items = JsonNode.Parse(found.Stdout)!["items"]!.AsArray();
        Assert.Equal([ids[1]], items.Select(e => e!["id"]!.GetValue<string>()));
        var usage = await Chorus("executions", "list", "--search", "order");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("name=value", usage.Stderr);
        foreach (var id in ids)
            await http.PostAsync($"/api/executions/{id}/cancel", null);
    }
}
