using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;
using Chorus.Server.Tests.Security;

namespace Chorus.Server.Tests.Brokers;

/// <summary>Managing RabbitMQ triggers through the API; nothing here needs a broker (the consumers of these triggers
/// find none at the URL and keep trying, which is no concern of the API).</summary>
public sealed class RabbitMqTriggerApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    // A port nothing listens on: the URL is never reached by these tests.
    private const string Url = "amqp://app:s3cr3t-pw@127.0.0.1:1/";
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    [Fact]
    public async Task Create_KeepsTheSecretsName_NeverTheUrl_WithDefaults_AndReadsListsChangesDeletes()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        await _client.PutSecretAsync(_tenant, "orders_broker", Url);

        var created = (await _client.Post(RabbitMqTriggers.Of(workflowId), _tenant, new JsonObject { ["secret"] = "orders_broker", ["queue"] = "orders" }))
            .Expect(HttpStatusCode.Created);
        var id = created.Str("id")!;
        Assert.Equal($"/api/workflows/{workflowId}/rabbitmq-triggers/{id}", created.Location);
        Assert.Equal("rabbitmq", created.Str("kind"));
        Assert.Equal("orders_broker", created.Str("secret"));
        Assert.Equal("orders", created.Str("queue"));
        Assert.Equal("orders.dead", created.Str("dead_letter_queue"));
        Assert.Equal(10, created.Node("prefetch")!.GetValue<int>());
        Assert.Equal("body", created.Str("input"));
        Assert.True(created.Node("enabled")!.GetValue<bool>());

        var read = (await _client.Get($"{RabbitMqTriggers.Of(workflowId)}/{id}", _tenant)).Expect(HttpStatusCode.OK);
        var list = (await _client.Get(RabbitMqTriggers.Of(workflowId), _tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(id, list.Str("items.0.id"));
        foreach (var text in new[] { created.Text, read.Text, list.Text })
        {
            Assert.DoesNotContain("s3cr3t-pw", text);
            Assert.DoesNotContain("amqp://", text);
        }

        var changed = (await _client.Patch($"{RabbitMqTriggers.Of(workflowId)}/{id}", _tenant,
            new JsonObject { ["enabled"] = false, ["prefetch"] = 50, ["input"] = "envelope" })).Expect(HttpStatusCode.OK);
        Assert.False(changed.Node("enabled")!.GetValue<bool>());
        Assert.Equal(50, changed.Node("prefetch")!.GetValue<int>());
        Assert.Equal("envelope", changed.Str("input"));
        Assert.Equal("orders", changed.Str("queue"));

        (await _client.Delete($"{RabbitMqTriggers.Of(workflowId)}/{id}", _tenant)).Expect(HttpStatusCode.NoContent);
        (await _client.Get($"{RabbitMqTriggers.Of(workflowId)}/{id}", _tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task AnExchangeAlone_BindsAQueueNamedAfterTheTrigger()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        await _client.PutSecretAsync(_tenant, "events", Url);

        var created = (await _client.Post(RabbitMqTriggers.Of(workflowId), _tenant,
            new JsonObject { ["secret"] = "events", ["exchange"] = "orders", ["routing_key"] = "order.*" })).Expect(HttpStatusCode.Created);

        Assert.Equal($"chorus.trigger.{Guid.Parse(created.Str("id")!):N}", created.Str("queue"));
        Assert.Equal("orders", created.Str("exchange"));
        Assert.Equal("order.*", created.Str("routing_key"));
    }

    [Theory]
    [InlineData("""{"secret": "nope", "queue": "q"}""", "secret")]
    [InlineData("""{"queue": "q"}""", "secret")]
    [InlineData("""{"secret": "broker", "queue": "q", "prefetch": 0}""", "prefetch")]
    [InlineData("""{"secret": "broker", "queue": "q", "prefetch": 1001}""", "prefetch")]
    [InlineData("""{"secret": "broker", "queue": "q", "prefetch": "ten"}""", "prefetch")]
    [InlineData("""{"secret": "broker"}""", "queue")]
    [InlineData("""{"secret": "broker", "queue": "amq.mine"}""", "queue")]
    [InlineData("""{"secret": "broker", "queue": "q", "input": "xml"}""", "input")]
    [InlineData("""{"secret": "not_a_url", "queue": "q"}""", "secret")]
    public async Task Create_RefusesWhatCannotWork_WithTheErrorShape_NamingTheField(string body, string field)
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        await _client.PutSecretAsync(_tenant, "broker", Url);
        await _client.PutSecretAsync(_tenant, "not_a_url", "https://example.com/");

        var refused = (await _client.Post(RabbitMqTriggers.Of(workflowId), _tenant, JsonNode.Parse(body)))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");

        Assert.Equal(["code", "message", "details", "request_id"], refused.Node("error")!.AsObject().Select(p => p.Key));
        Assert.Equal(field, refused.Str("error.details.field"));
        Assert.False(string.IsNullOrEmpty(refused.Str("error.request_id")));
        Assert.DoesNotContain("example.com", refused.Text);
        Assert.Equal(0, (await _client.Get(RabbitMqTriggers.Of(workflowId), _tenant)).Node("total")!.GetValue<int>());
    }

    [Fact]
    public async Task Roles_ViewersRead_MembersAndViewersCannotManage()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        var id = await _client.CreateTriggerAsync(_tenant, workflowId, Url, "roles");
        var viewer = TestTokens.For(_tenant, Role.Viewer);
        var member = TestTokens.For(_tenant, Role.Member);
        var body = new JsonObject { ["secret"] = "x", ["queue"] = "q" };

        (await _client.SendAs(HttpMethod.Get, RabbitMqTriggers.Of(workflowId), viewer, _tenant)).Expect(HttpStatusCode.OK);
        (await _client.SendAs(HttpMethod.Get, $"{RabbitMqTriggers.Of(workflowId)}/{id}", viewer, _tenant)).Expect(HttpStatusCode.OK);
        foreach (var token in new[] { viewer, member })
        {
            var refused = (await _client.SendAs(HttpMethod.Post, RabbitMqTriggers.Of(workflowId), token, _tenant, body))
                .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
            Assert.Equal(["code", "message", "details", "request_id"], refused.Node("error")!.AsObject().Select(p => p.Key));
            (await _client.SendAs(HttpMethod.Patch, $"{RabbitMqTriggers.Of(workflowId)}/{id}", token, _tenant, new JsonObject { ["enabled"] = false }))
                .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
            (await _client.SendAs(HttpMethod.Delete, $"{RabbitMqTriggers.Of(workflowId)}/{id}", token, _tenant))
                .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        }
    }

    [Fact]
    public async Task AnotherTenant_CannotSeeOrChangeATrigger()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        var id = await _client.CreateTriggerAsync(_tenant, workflowId, Url, "mine");
        var other = ApiCalls.NewTenant();

        (await _client.Get($"{RabbitMqTriggers.Of(workflowId)}/{id}", other)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await _client.Patch($"{RabbitMqTriggers.Of(workflowId)}/{id}", other, new JsonObject { ["enabled"] = false }))
            .ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await _client.Delete($"{RabbitMqTriggers.Of(workflowId)}/{id}", other)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
    }
}
