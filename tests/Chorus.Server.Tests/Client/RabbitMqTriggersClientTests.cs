using System.Net;
using System.Text.Json.Nodes;
using Chorus.Client;
using Chorus.Server.Security;
using Chorus.Server.Tests.Brokers;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Client;

/// <summary>The typed client's RabbitMQ triggers against a real server and a real broker: the trigger it creates reads
/// its queue, and refusals come back as <see cref="ChorusApiException"/> with the server's code.</summary>
public sealed class RabbitMqTriggersClientTests(RabbitMqFixture fixture) : IClassFixture<RabbitMqFixture>, IDisposable
{
    private readonly List<HttpClient> _http = [];
    private readonly string _tenant = ApiCalls.NewTenant();
    private readonly string _queue = "client-" + Guid.NewGuid().ToString("N")[..8];

    private ChorusClient For(string tenant, Role role = Role.Admin)
    {
        var http = new HttpClient { BaseAddress = fixture.Server.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _http.Add(http);
        return new ChorusClient(http, new ChorusClientOptions { Token = TestTokens.For(tenant, role), TenantId = tenant });
    }

    [Fact]
    public async Task CreateListUpdateDelete_TheTriggerReadsItsQueue_AndNoAnswerHoldsTheUrl()
    {
        var chorus = For(_tenant);
        var workflow = await chorus.Workflows.CreateAsync(Definitions.TriggerEcho());
        await chorus.Secrets.SetAsync("rabbit", fixture.Broker.Url);

        var created = await chorus.RabbitMqTriggers.CreateAsync(workflow.Id,
            new RabbitMqTriggerSettings { Secret = "rabbit", Queue = _queue, Prefetch = 5, Name = "orders" });
        await using (var rabbit = new RabbitMqClient(fixture.Broker.Url))
        {
            await rabbit.DeclareQueueAsync(_queue);
            await rabbit.PublishAsync(_queue, RabbitMqClient.Json(new JsonObject { ["order"] = 1 }), messageId: "o-1");
        }
        var started = await fixture.Server.Client.WaitForExecutionsAsync(_tenant, workflow.Id, 1);
        var disabled = await chorus.RabbitMqTriggers.UpdateAsync(workflow.Id, created.Id, new RabbitMqTriggerSettings { Enabled = false });
        var shown = await chorus.RabbitMqTriggers.GetAsync(workflow.Id, created.Id);
        var listed = await chorus.RabbitMqTriggers.ListAsync(workflow.Id);

        Assert.Equal(workflow.Id, created.WorkflowId);
        Assert.Equal("orders", created.Name);
        Assert.Equal("rabbit", created.Secret);
        Assert.Equal(_queue, created.Queue);
        Assert.Equal(5, created.Prefetch);
        Assert.Equal("body", created.Input);
        Assert.Equal(_queue + ".dead", created.DeadLetterQueue);
        Assert.True(created.Enabled);
        Assert.True(created.Active);
        Assert.NotNull(created.CreatedAt);
        Assert.Single(started);
        Assert.False(disabled.Enabled);
        Assert.False(shown.Enabled);
        Assert.False(shown.Active);
        Assert.Equal(created.Id, Assert.Single(listed.Items).Id);
        Assert.Equal(1, listed.Total);
        foreach (var answer in new ChorusAnswer[] { created, disabled, shown, listed })
            Assert.DoesNotContain("guest:guest", answer.Json.ToJsonString(), StringComparison.Ordinal);

        await chorus.RabbitMqTriggers.DeleteAsync(workflow.Id, created.Id);
        Assert.Empty((await chorus.RabbitMqTriggers.ListAsync(workflow.Id)).Items);
    }

    [Fact]
    public async Task Refusals_ComeBackWithTheServersCodeAndStatus_AndChangeNothing()
    {
        var chorus = For(_tenant);
        var workflow = await chorus.Workflows.CreateAsync(Definitions.TriggerEcho());
        await chorus.Secrets.SetAsync("not_amqp", "https://example.org/");
        await chorus.Secrets.SetAsync("rabbit", fixture.Broker.Url);
        var mine = await chorus.RabbitMqTriggers.CreateAsync(workflow.Id, new RabbitMqTriggerSettings { Secret = "rabbit", Queue = _queue, Enabled = false });

        var noSecret = await Assert.ThrowsAsync<ChorusApiException>(() =>
            chorus.RabbitMqTriggers.CreateAsync(workflow.Id, new RabbitMqTriggerSettings { Queue = _queue }));
        var wrongSecret = await Assert.ThrowsAsync<ChorusApiException>(() =>
            chorus.RabbitMqTriggers.CreateAsync(workflow.Id, new RabbitMqTriggerSettings { Secret = "not_amqp", Queue = _queue }));
        var badPrefetch = await Assert.ThrowsAsync<ChorusApiException>(() =>
            chorus.RabbitMqTriggers.UpdateAsync(workflow.Id, mine.Id, new RabbitMqTriggerSettings { Prefetch = 0 }));
        var viewer = await Assert.ThrowsAsync<ChorusApiException>(() =>
            For(_tenant, Role.Viewer).RabbitMqTriggers.CreateAsync(workflow.Id, new RabbitMqTriggerSettings { Secret = "rabbit", Queue = _queue }));
        var otherTenant = await Assert.ThrowsAsync<ChorusApiException>(() =>
            For(ApiCalls.NewTenant()).RabbitMqTriggers.GetAsync(workflow.Id, mine.Id));
        var unknown = await Assert.ThrowsAsync<ChorusApiException>(() =>
            chorus.RabbitMqTriggers.GetAsync(workflow.Id, Guid.NewGuid().ToString()));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_input"), (noSecret.StatusCode, noSecret.Code));
        Assert.Equal("secret", (string?)noSecret.Details?["field"]);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_input"), (wrongSecret.StatusCode, wrongSecret.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_input"), (badPrefetch.StatusCode, badPrefetch.Code));
        Assert.Equal("prefetch", (string?)badPrefetch.Details?["field"]);
        Assert.Equal((HttpStatusCode.Forbidden, "permission_denied"), (viewer.StatusCode, viewer.Code));
        Assert.Equal(HttpStatusCode.NotFound, otherTenant.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (unknown.StatusCode, unknown.Code));
        Assert.All(new[] { noSecret, wrongSecret, badPrefetch, viewer, otherTenant, unknown }, e => Assert.False(string.IsNullOrEmpty(e.RequestId)));
        var still = Assert.Single((await chorus.RabbitMqTriggers.ListAsync(workflow.Id)).Items);
        // The refused update left the default prefetch.
        Assert.Equal(10, still.Prefetch);
    }

    public void Dispose()
    {
        foreach (var http in _http)
            http.Dispose();
    }
}
