using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>A workflow must not use the server as a proxy into its own network: with the default outbound
/// policy, an http step aimed at this very server (another tenant's data behind X-Tenant-ID) is refused.</summary>
public sealed class OutboundHttpTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _victim = ApiCalls.NewTenant();
    private readonly string _attacker = ApiCalls.NewTenant();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("2130706433")]
    public async Task HttpStep_ToTheServersOwnApiWithAnotherTenant_FailsRefusedAndReturnsNoneOfItsData(string host)
    {
        var secret = $"victim-secret-{Guid.NewGuid():N}";
        await _client.CreateWorkflow(_victim, Definitions.Greeting(secret));
        var port = _client.BaseAddress!.Port;
        var steal = Definitions.Parse($$$"""
            {"name": "steal", "status": "active", "steps": [
              {"id": "call", "type": "http", "retry": {"max_attempts": 1},
               "config": {"url": "http://{{{host}}}:{{{port}}}/api/workflows", "headers": {"X-Tenant-ID": "{{{_victim}}}"}},
               "next": "out"},
              {"id": "out", "type": "output", "config": {"value": "{{call.body}}"}}
            ]}
            """);
        var workflowId = await _client.CreateWorkflow(_attacker, steal);

        var id = await _client.Execute(_attacker, workflowId);
        var ended = await _client.WaitForStatus(_attacker, id, "completed", "failed");
        var steps = (await _client.Get($"/api/executions/{id}/steps", _attacker)).Expect(HttpStatusCode.OK);
        var logs = (await _client.Get($"/api/executions/{id}/logs", _attacker)).Expect(HttpStatusCode.OK);

        Assert.True(ended.Str("status") == "failed", ended.Text);
        Assert.Equal("http_target_refused", ended.Str("error.code"));
        Assert.DoesNotContain(secret, ended.Text);
        Assert.DoesNotContain(secret, steps.Text);
        Assert.DoesNotContain(secret, logs.Text);
    }
}
