using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Chorus.Server;
using Chorus.Server.Hosting;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary>A real server in this process, on a free port, for the CLI's HTTP commands to talk to. It verifies
/// tokens with the tests' secret, so the CLI is given a token (it has no local key for this server).</summary>
public sealed class CliServerFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private WebApplication? _app;

    public string Url { get; private set; } = "";

    internal TempDir Dir => _dir;

    public async Task InitializeAsync()
    {
        var options = new ServerOptions { DatabasePath = Path.Combine(_dir.Path, "server.db"), Auth = new AuthSettings { JwtSecret = TestTokens.Secret } };
        _app = await ChorusServer.BuildAsync(["--urls", "http://127.0.0.1:0"], options, null);
        await _app.StartAsync();
        Url = _app.Urls.First();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        _dir.Dispose();
    }
}

public sealed class ServerCommandsTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    private static readonly string Token = TestTokens.For("default");

    private static string Definition(string name) => $$$$"""
        {"name": "{{{{name}}}}", "steps": [
          {"id": "set", "name": "Set", "type": "addField", "config": {"field": "seen", "value": "{{input.value}}"}, "next": "out"},
          {"id": "out", "name": "Output", "type": "output", "config": {"value": {"seen": "{{variables.seen}}"}}}
        ]}
        """;

    [Fact]
    public async Task WorkflowsPush_ThenList_ShowsTheWorkflow()
    {
        var file = server.Dir.File("push.json", Definition("pushed-by-cli"));

        var push = await CliProcess.RunAsync("workflows", "push", file, "--server", server.Url, "--token", Token);
        var list = await CliProcess.RunAsync("workflows", "list", "--server", server.Url, "--token", Token);

        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.StartsWith("created workflow ", push.Stdout);
        var id = push.Stdout.Split(' ')[2];
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Stdout);
        Assert.Contains("pushed-by-cli", list.Stdout);
        Assert.Contains("active", list.Stdout);
    }

    [Fact]
    public async Task WorkflowsPushAndList_WithJson_PrintTheServersAnswers()
    {
        var push = await CliProcess.RunAsync("workflows", "push", server.Dir.File("json.json", Definition("pushed-as-json")), "--json", "--server", server.Url, "--token", Token);
        var list = await CliProcess.RunAsync("workflows", "list", "--json", "--server", server.Url, "--token", Token);

        Assert.True(push.ExitCode == 0, push.ToString());
        var created = JsonNode.Parse(push.Stdout)!;
        Assert.Equal("pushed-as-json", (string?)created["name"]);
        Assert.Contains(JsonNode.Parse(list.Stdout)!["items"]!.AsArray(), w => (string?)w!["id"] == (string?)created["id"]);
    }

    [Fact]
    public async Task WorkflowsPush_WithIdAndChangedDefinition_UpdatesToANewVersion()
    {
        var created = await CliProcess.RunAsync("workflows", "push", server.Dir.File("v1.json", Definition("versioned")), "--server", server.Url, "--token", Token);
        var id = created.Stdout.Split(' ')[2];

        var updated = await CliProcess.RunAsync("workflows", "push", server.Dir.File("v2.json", Definition("versioned-2")), "--id", id, "--server", server.Url, "--token", Token);

        Assert.True(updated.ExitCode == 0, updated.ToString());
        Assert.Contains($"updated workflow {id} 'versioned-2'", updated.Stdout);
        Assert.Contains("version 2", updated.Stdout);
    }

    [Fact]
    public async Task WorkflowsPush_InvalidDefinition_PrintsTheServerErrorAndExitsOne()
    {
        var file = server.Dir.File("invalid.json", """{"name": "x", "steps": [{"id": "a", "name": "A", "type": "nope"}]}""");

        var result = await CliProcess.RunAsync("workflows", "push", file, "--server", server.Url, "--token", Token);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("invalid_workflow_definition", result.Stderr);
        Assert.Contains("step 'a', field 'type'", result.Stderr);
    }

    [Fact]
    public async Task ExecutionsShow_OfAnExecutionStartedThroughTheApi_ShowsItsSteps()
    {
        using var http = TestHttp.Client(new Uri(server.Url), "default");
        var workflow = await PostAsync(http, "/api/workflows", JsonNode.Parse(Definition("shown"))!);
        var started = await PostAsync(http, "/api/executions", new JsonObject { ["workflow_id"] = workflow["id"]!.GetValue<string>(), ["input"] = new JsonObject { ["value"] = "v42" } });
        var id = started["id"]!.GetValue<string>();
        await WaitUntilCompletedAsync(http, id);

        var show = await CliProcess.RunAsync("executions", "show", id, "--server", server.Url, "--token", Token);
        var list = await CliProcess.RunAsync("executions", "list", "--workflow", workflow["id"]!.GetValue<string>(), "--status", "completed", "--server", server.Url, "--token", Token);

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("completed", show.Stdout);
        Assert.Contains("2/2 (100%)", show.Stdout);
        Assert.Contains("addField", show.Stdout);
        Assert.Contains("output", show.Stdout);
        Assert.Contains("\"seen\": \"v42\"", show.Stdout);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Stdout);
    }

    [Fact]
    public async Task ExecutionsShow_UnknownExecution_PrintsTheErrorCodeAndExitsOne()
    {
        // The token from the environment, as a script would pass it.
        var result = await CliProcess.RunAsync(new Dictionary<string, string> { ["CHORUS_TOKEN"] = Token },
            "executions", "show", Guid.NewGuid().ToString(), "--server", server.Url);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("execution_not_found", result.Stderr);
    }

    [Fact]
    public async Task WorkflowsList_UnreachableServer_PrintsOneLineAndExitsOne()
    {
        var result = await CliProcess.RunAsync("workflows", "list", "--server", "http://127.0.0.1:1");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("chorus: cannot reach the Chorus server at http://127.0.0.1:1/", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string path, JsonNode body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, json.ToJsonString());
        return json;
    }

    private static async Task WaitUntilCompletedAsync(HttpClient http, string id)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var execution = JsonNode.Parse(await http.GetStringAsync($"/api/executions/{id}"))!;
            if (execution["status"]!.GetValue<string>() == "completed")
                return;
            await Task.Delay(50);
        }
        Assert.Fail($"execution {id} did not complete within 30 s");
    }
}
