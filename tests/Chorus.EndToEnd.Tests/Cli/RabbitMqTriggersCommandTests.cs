using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary><c>chorus rabbitmq-triggers</c> against a real server and a real rabbitmq-server: what the CLI creates reads
/// the queue and starts the workflow, disabling it leaves the messages in the queue, and refusals exit with the
/// server's error.</summary>
public sealed class RabbitMqTriggersCommandTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    private static readonly string Token = TestTokens.For("default");
    private readonly string _queue = "cli-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _secret = "rabbit_" + Guid.NewGuid().ToString("N")[..8];

    private Task<CliResult> Chorus(params string[] args) => CliProcess.RunAsync([.. args, "--server", server.Url, "--token", Token]);

    [Fact]
    public async Task CreateListShowDisableEnableUpdateDelete_TheTriggerReadsItsQueue()
    {
        await using var broker = await RabbitMqProcess.StartAsync();
        await using var rabbit = new RabbitMqClient(broker.Url);
        await rabbit.DeclareQueueAsync(_queue);
        Assert.Equal(0, (await Chorus("secrets", "set", _secret, "--value", broker.Url)).ExitCode);
        var workflow = await CreateWorkflowAsync();

        var create = await Chorus("rabbitmq-triggers", "create", workflow, "--secret", _secret, "--queue", _queue, "--prefetch", "5", "--name", "orders", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        var trigger = JsonNode.Parse(create.Stdout)!;
        var id = (string)trigger["id"]!;
        Assert.Equal(_queue + ".dead", (string?)trigger["dead_letter_queue"]);
        Assert.Equal(5, (int?)trigger["prefetch"]);
        Assert.DoesNotContain("guest:guest", create.Stdout);

        await rabbit.PublishAsync(_queue, RabbitMqClient.Json(new JsonObject { ["order"] = 1 }), messageId: "o-1");
        Assert.Single(await WaitForExecutionsAsync(workflow, 1));

        var list = await Chorus("rabbitmq-triggers", "list", workflow);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Stdout);
        Assert.Contains(_queue, list.Stdout);
        var show = await Chorus("rabbitmq-triggers", "show", workflow, id);
        Assert.Contains($"queue: {_queue}", show.Stdout.Split('\n').Select(l => l.TrimEnd()));
        Assert.Contains($"secret: {_secret}", show.Stdout.Split('\n').Select(l => l.TrimEnd()));

        Assert.Equal($"RabbitMQ trigger {id}: disabled", (await Chorus("rabbitmq-triggers", "disable", workflow, id)).Stdout.Trim());
        await Task.Delay(TimeSpan.FromSeconds(3));
        await rabbit.PublishAsync(_queue, RabbitMqClient.Json(new JsonObject { ["order"] = 2 }), messageId: "o-2");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(await ExecutionsAsync(workflow));
        Assert.Equal(1u, await rabbit.ReadyAsync(_queue));
        Assert.Equal($"RabbitMQ trigger {id}: enabled", (await Chorus("rabbitmq-triggers", "enable", workflow, id)).Stdout.Trim());
        Assert.Equal(2, (await WaitForExecutionsAsync(workflow, 2)).Count);

        var update = await Chorus("rabbitmq-triggers", "update", workflow, id, "--prefetch", "20", "--input", "envelope", "--json");
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Equal(20, (int?)JsonNode.Parse(update.Stdout)!["prefetch"]);
        Assert.Equal("envelope", (string?)JsonNode.Parse(update.Stdout)!["input"]);

        var delete = await Chorus("rabbitmq-triggers", "delete", workflow, id, "--json");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.True((bool)JsonNode.Parse(delete.Stdout)!["deleted"]!);
        Assert.Contains("No RabbitMQ triggers.", (await Chorus("rabbitmq-triggers", "list", workflow)).Stdout);
    }

    [Fact]
    public async Task UnknownWorkflowOrTrigger_AndBadSettings_ExitWithTheServersError_AndCreateNothing()
    {
        var missingWorkflow = Guid.NewGuid().ToString();
        foreach (var args in new[] { new[] { "list", missingWorkflow }, ["create", missingWorkflow, "--secret", "x", "--queue", "q"] })
        {
            var result = await Chorus(["rabbitmq-triggers", .. args]);
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal($"chorus: workflow_not_found: Workflow {missingWorkflow} does not exist.", result.Stderr.Trim());
            Assert.Equal("", result.Stdout);
        }

        var workflow = await CreateWorkflowAsync();
        var missingTrigger = Guid.NewGuid().ToString();
        foreach (var verb in new[] { "show", "disable", "delete" })
        {
            var result = await Chorus("rabbitmq-triggers", verb, workflow, missingTrigger);
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal($"chorus: not_found: Trigger {missingTrigger} does not exist.", result.Stderr.Trim());
        }

        var noSecret = await Chorus("rabbitmq-triggers", "create", workflow, "--queue", _queue);
        Assert.Equal(1, noSecret.ExitCode);
        Assert.StartsWith("chorus: invalid_input: 'secret'", noSecret.Stderr);
        var missingSecret = await Chorus("rabbitmq-triggers", "create", workflow, "--secret", _secret, "--queue", _queue);
        Assert.Equal(1, missingSecret.ExitCode);
        Assert.StartsWith($"chorus: invalid_input: The secret '{_secret}' does not exist", missingSecret.Stderr);
        var nothing = await Chorus("rabbitmq-triggers", "update", workflow, missingTrigger);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("give at least one setting", nothing.Stderr);
        var badPrefetch = await Chorus("rabbitmq-triggers", "create", workflow, "--secret", _secret, "--prefetch", "many");
        Assert.Equal(2, badPrefetch.ExitCode);
        Assert.Contains("No RabbitMQ triggers.", (await Chorus("rabbitmq-triggers", "list", workflow)).Stdout);
    }

    private async Task<string> CreateWorkflowAsync()
    {
        using var http = TestHttp.Client(new Uri(server.Url), "default");
        using var created = await http.PostAsJsonAsync("/api/workflows", JsonNode.Parse("""
            {"name": "triggered by RabbitMQ", "status": "active", "steps": [{"id": "out", "type": "output", "config": {"value": "{{input}}"}}]}
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;
    }

    private async Task<JsonArray> ExecutionsAsync(string workflow)
    {
        using var http = TestHttp.Client(new Uri(server.Url), "default");
        return (await http.GetFromJsonAsync<JsonObject>($"/api/executions?workflow_id={workflow}&page_size=200"))!["items"]!.AsArray();
    }

    private async Task<JsonArray> WaitForExecutionsAsync(string workflow, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var executions = await ExecutionsAsync(workflow);
            if (executions.Count >= count)
                return executions;
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} executions after 30 s");
            await Task.Delay(200);
        }
    }
}
