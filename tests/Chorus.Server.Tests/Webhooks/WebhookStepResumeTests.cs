using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Webhooks;

public sealed class WebhookStepResumeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    private static JsonObject WebhookStep() => Definitions.Parse("""
        {
          "name": "waits for a callback",
          "steps": [
            {"id": "callback", "type": "webhook", "config": {"name": "payment"}, "next": "done"},
            {"id": "done", "type": "output", "config": {"value": {"paid": "{{callback.amount}}"}}}
          ]
        }
        """);

    private async Task<(string ExecutionId, string ResumeUrl)> WaitingExecution()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, WebhookStep());
        var executionId = await _client.Execute(_tenant, workflowId);
        var waiting = await _client.WaitForStatus(_tenant, executionId, "waiting");
        Assert.Equal("callback", waiting.Str("waiting_for.0.step_id"));
        return (executionId, waiting.Str("waiting_for.0.resume_url")!);
    }

    [Fact]
    public async Task ResumeUrl_WithItsToken_ResumesTheStepWithTheBody_OnceOnly()
    {
        var (executionId, url) = await WaitingExecution();
        Assert.Contains($"/api/hooks/executions/{executionId}/callback?token=", url);
        var path = new Uri(url).PathAndQuery;

        var resumed = (await _client.CallRaw(path, Hooks.Bytes(new JsonObject { ["amount"] = 12.5 }), "application/json")).Expect(HttpStatusCode.Accepted);
        var done = await _client.WaitForCompletion(_tenant, executionId);
        var again = await _client.CallRaw(path, Hooks.Bytes(new JsonObject { ["amount"] = 99 }), "application/json");

        Assert.Equal(executionId, resumed.Str("execution_id"));
        Assert.Equal(12.5, done.Node("output.paid")!.GetValue<double>());
        again.ExpectError(HttpStatusCode.Conflict, "conflict");
        Assert.Equal(12.5, (await _client.Get($"/api/executions/{executionId}", _tenant)).Node("output.paid")!.GetValue<double>());
    }

    [Fact]
    public async Task ResumeUrl_WithAWrongOrForeignToken_IsRefused_AndTheStepKeepsWaiting()
    {
        var (executionId, url) = await WaitingExecution();
        var (otherExecution, otherUrl) = await WaitingExecution();
        var token = url[(url.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        var otherToken = otherUrl[(otherUrl.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        var body = Hooks.Bytes(new JsonObject { ["amount"] = 1 });
        var tampered = token[..^2] + (token.EndsWith("AA", StringComparison.Ordinal) ? "BB" : "AA");
        var otherTenant = "1.dC1ub2JvZHk." + token.Split('.')[2];

        var refused = new[]
        {
            await _client.CallRaw($"/api/hooks/executions/{executionId}/callback?token={tampered}", body, "application/json"),
            await _client.CallRaw($"/api/hooks/executions/{executionId}/callback?token={otherToken}", body, "application/json"),
            await _client.CallRaw($"/api/hooks/executions/{executionId}/callback?token={otherTenant}", body, "application/json"),
            await _client.CallRaw($"/api/hooks/executions/{executionId}/other-step?token={token}", body, "application/json"),
            await _client.CallRaw($"/api/hooks/executions/{executionId}/callback", body, "application/json"),
            await _client.CallRaw($"/api/hooks/executions/not-an-id/callback?token={token}", body, "application/json"),
        };

        Assert.All(refused, r => r.ExpectError(HttpStatusCode.NotFound, "not_found"));
        Assert.Equal("waiting", (await _client.Get($"/api/executions/{executionId}", _tenant)).Str("status"));
        Assert.Equal("waiting", (await _client.Get($"/api/executions/{otherExecution}", _tenant)).Str("status"));
    }
}
