using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Brokers;

/// <summary>RabbitMQ triggers and the publish step against a real rabbitmq-server.</summary>
public sealed class RabbitMqTriggerTests(RabbitMqFixture fixture) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private readonly HttpClient _client = fixture.Server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();
    private readonly string _queue = "orders-" + Guid.NewGuid().ToString("N")[..8];
    private readonly RabbitMqClient _rabbit = new(fixture.Broker.Url);

    public Task InitializeAsync() => _rabbit.DeclareQueueAsync(_queue);

    public async Task DisposeAsync() => await _rabbit.DisposeAsync();

    [Fact]
    public async Task APublishedMessage_StartsAnExecution_WithItsBodyAsInput_AndWhatStartedIt()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        var triggerId = await _client.CreateTriggerAsync(_tenant, workflowId, fixture.Broker.Url, _queue);

        await _rabbit.PublishAsync(_queue, RabbitMqClient.Json(new JsonObject { ["order"] = 42, ["items"] = new JsonArray("a", "b") }), messageId: "order-42");

        var execution = Assert.Single(await _client.WaitForExecutionsAsync(_tenant, workflowId, 1));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"order": 42, "items": ["a", "b"]}"""), execution["input"]), execution.ToJsonString());
        var done = await _client.WaitForCompletion(_tenant, execution["id"]!.GetValue<string>());
        Assert.Equal("rabbitmq", done.Str("output.trigger.type"));
        Assert.Equal(triggerId, done.Str("output.trigger.trigger_id"));
        Assert.Equal("order-42", done.Str("output.trigger.message_id"));
        Assert.Equal(_queue, done.Str("output.trigger.properties.queue"));
        Assert.Equal(0u, await _rabbit.ReadyAsync(_queue));
    }

    [Fact]
    public async Task TheSameMessageIdTwice_StartsOneExecution_AndAnotherIdWithTheSameBody_Another()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        await _client.CreateTriggerAsync(_tenant, workflowId, fixture.Broker.Url, _queue);
        var body = RabbitMqClient.Json(new JsonObject { ["order"] = 7 });

        await _rabbit.PublishAsync(_queue, body, messageId: "order-7");
        await _rabbit.PublishAsync(_queue, body, messageId: "order-7");
        await _rabbit.PublishAsync(_queue, body, messageId: "order-7-again");

        var executions = await _client.WaitForExecutionsAsync(_tenant, workflowId, 2, settle: TimeSpan.FromSeconds(3));
        Assert.Equal(2, executions.Count);
        Assert.Equal(0u, await _rabbit.ReadyAsync(_queue));
        Assert.Empty(await _rabbit.DrainAsync(_queue + ".dead"));
    }

    [Fact]
    public async Task BadJson_AndInputTheSchemaRefuses_GoToTheDeadLetterQueue_WithTheReason_AndStartNothing()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho(inputSchema: Definitions.NameSchema()));
        await _client.CreateTriggerAsync(_tenant, workflowId, fixture.Broker.Url, _queue);

        await _rabbit.PublishAsync(_queue, Encoding.UTF8.GetBytes("{\"name\": oops"), messageId: "bad-json");
        await _rabbit.PublishAsync(_queue, RabbitMqClient.Json(new JsonObject { ["n"] = 1 }), messageId: "no-name",
            headers: new Dictionary<string, object?> { ["x-origin"] = "shop" });
        await _rabbit.PublishAsync(_queue, RabbitMqClient.Json(new JsonObject { ["name"] = "fine" }), messageId: "good");

        var dead = (await _rabbit.WaitForMessagesAsync(_queue + ".dead", 2)).ToDictionary(m => m.BasicProperties.MessageId!);
        Assert.Equal(["bad-json", "no-name"], dead.Keys.Order());
        Assert.Equal("not_json", RabbitMqClient.Header(dead["bad-json"], "x-chorus-error-code"));
        Assert.Contains("not valid JSON", RabbitMqClient.Header(dead["bad-json"], "x-chorus-reason"), StringComparison.Ordinal);
        Assert.Equal("{\"name\": oops", Encoding.UTF8.GetString(dead["bad-json"].Body.Span));
        Assert.Equal("invalid_input", RabbitMqClient.Header(dead["no-name"], "x-chorus-error-code"));
        Assert.Contains("name", RabbitMqClient.Header(dead["no-name"], "x-chorus-reason"), StringComparison.Ordinal);
        Assert.Equal("shop", RabbitMqClient.Header(dead["no-name"], "x-origin"));
        var execution = Assert.Single(await _client.WaitForExecutionsAsync(_tenant, workflowId, 1, settle: TimeSpan.FromSeconds(2)));
        Assert.Equal("fine", execution["input"]!["name"]!.GetValue<string>());
        Assert.Equal(0u, await _rabbit.ReadyAsync(_queue));
    }

    [Fact]
    public async Task EnvelopeInput_CarriesBodyHeadersAndProperties_AndTextThatIsNotJson()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        await _client.CreateTriggerAsync(_tenant, workflowId, fixture.Broker.Url, _queue, new JsonObject { ["input"] = "envelope" });

        await _rabbit.PublishAsync(_queue, Encoding.UTF8.GetBytes("plain text"), messageId: "t-1", contentType: "text/plain",
            headers: new Dictionary<string, object?> { ["x-origin"] = "shop", ["x-count"] = 3 });

        var input = Assert.Single(await _client.WaitForExecutionsAsync(_tenant, workflowId, 1))["input"]!;
        Assert.Equal("plain text", input["body"]!.GetValue<string>());
        Assert.Equal("shop", input["headers"]!["x-origin"]!.GetValue<string>());
        Assert.Equal(3, input["headers"]!["x-count"]!.GetValue<long>());
        Assert.Equal("t-1", input["properties"]!["message_id"]!.GetValue<string>());
        Assert.Equal("text/plain", input["properties"]!["content_type"]!.GetValue<string>());
        Assert.Equal(_queue, input["properties"]!["routing_key"]!.GetValue<string>());
    }

    [Fact]
    public async Task ADisabledTrigger_ReadsNothing_UntilEnabledAgain()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        var triggerId = await _client.CreateTriggerAsync(_tenant, workflowId, fixture.Broker.Url, _queue);
        var path = $"{RabbitMqTriggers.Of(workflowId)}/{triggerId}";
        await _rabbit.PublishAsync(_queue, RabbitMqClient.Json(new JsonObject { ["n"] = 1 }), messageId: "1");
        await _client.WaitForExecutionsAsync(_tenant, workflowId, 1);

        (await _client.Patch(path, _tenant, new JsonObject { ["enabled"] = false })).Expect(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await _rabbit.PublishAsync(_queue, RabbitMqClient.Json(new JsonObject { ["n"] = 2 }), messageId: "2");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(await _client.ExecutionsAsync(_tenant, workflowId));
        Assert.Equal(1u, await _rabbit.ReadyAsync(_queue));

        (await _client.Patch(path, _tenant, new JsonObject { ["enabled"] = true })).Expect(HttpStatusCode.OK);
        Assert.Equal(2, (await _client.WaitForExecutionsAsync(_tenant, workflowId, 2)).Count);
    }

    [Fact]
    public async Task ThePublishStep_DeliversAConfirmedMessage_ThatAConsumerReads()
    {
        await _client.PutSecretAsync(_tenant, "rabbit", fixture.Broker.Url);
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Parse($$$"""
            {
              "name": "announce",
              "steps": [
                {"id": "announce", "type": "publish", "config": {
                  "secret": "rabbit", "routing_key": "{{{_queue}}}",
                  "body": {"order": "{{input.order}}", "status": "shipped"},
                  "headers": {"x-origin": "chorus", "x-attempt": 1}
                }}
              ]
            }
            """));

        var executionId = await _client.Execute(_tenant, workflowId, new JsonObject { ["order"] = 42 });
        var done = await _client.WaitForCompletion(_tenant, executionId);

        var message = Assert.Single(await _rabbit.WaitForMessagesAsync(_queue, 1));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"order": 42, "status": "shipped"}"""), JsonNode.Parse(message.Body.Span)));
        Assert.Equal($"{executionId}:announce", message.BasicProperties.MessageId);
        Assert.Equal("application/json", message.BasicProperties.ContentType);
        Assert.Equal("chorus", RabbitMqClient.Header(message, "x-origin"));
        Assert.True(done.Node("output.confirmed")?.GetValue<bool>() ?? done.Node("output.announce.confirmed")!.GetValue<bool>(), done.Text);
    }

    [Fact]
    public async Task ThePublishStep_ToAQueueThatDoesNotExist_FailsAfterItsRetries_SayingWhy()
    {
        await _client.PutSecretAsync(_tenant, "rabbit", fixture.Broker.Url);
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Parse("""
            {
              "name": "unroutable",
              "steps": [
                {"id": "announce", "type": "publish", "retry": {"max_attempts": 2, "initial_interval": 0.1},
                 "config": {"secret": "rabbit", "routing_key": "no-such-queue", "body": "hello"}}
              ]
            }
            """));

        var executionId = await _client.Execute(_tenant, workflowId, new JsonObject());
        var failed = await _client.WaitForStatus(_tenant, executionId, "failed");

        Assert.Contains("publish", failed.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("guest:guest", failed.Text);
    }
}
