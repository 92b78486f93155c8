using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Storage;

/// <summary>A time-skipping test run on a server over a real PostgreSQL database: the timers of the test execution
/// are brought forward through the shared queue, while a production execution's wait keeps its real due time.</summary>
public sealed class TestRunsOnPostgresTests() : ThrowawayPostgresDatabase("chorus_testruns")
{
    private static readonly string Tenant = ApiCalls.NewTenant();

    [Fact]
    public async Task SkipTime_ApprovalFlowWithWaits_CompletesOnPostgres_AndProductionKeepsWaiting()
    {
        await using var server = await ChorusTestServer.StartAsync(postgresUrl: Url);
        var client = server.Client;
        var workflowId = await client.CreateWorkflow(Tenant, Definitions.Parse("""
            {"name": "approval on postgres", "steps": [
              {"id": "review", "type": "manualInput", "next": "grace"},
              {"id": "grace", "type": "wait", "config": {"duration": "2d"}, "next": "paid"},
              {"id": "paid", "type": "wait", "config": {"event": "payment_received"}, "next": "done"},
              {"id": "done", "type": "output", "config": {"value": {"decision": "{{review.decision}}", "amount": "{{paid.amount}}"}}}]}
            """));
        var productionId = await client.Execute(Tenant, workflowId);
        await client.WaitForStatus(Tenant, productionId, "waiting");
        (await client.Post($"/api/executions/{productionId}/input", Tenant, new JsonObject { ["data"] = new JsonObject { ["decision"] = "later" } }))
            .Expect(HttpStatusCode.Accepted);

        var trace = (await client.Post($"/api/workflows/{workflowId}/test-execute", Tenant, new JsonObject
        {
            ["skip_time"] = true,
            ["timeout_seconds"] = 20,
            ["inputs"] = new JsonObject { ["review"] = new JsonObject { ["decision"] = "approve" } },
            ["events"] = new JsonArray(new JsonObject { ["name"] = "payment_received", ["data"] = new JsonObject { ["amount"] = 7 } }),
        })).Expect(HttpStatusCode.OK);
        var production = (await client.Get($"/api/executions/{productionId}", Tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal("completed", trace.Str("status"));
        Assert.Equal(7, trace.Node("output.amount")!.GetValue<int>());
        Assert.True(trace.Node("virtual_time.skipped_ms")!.GetValue<long>() >= (long)TimeSpan.FromDays(2).TotalMilliseconds - 60_000);
        Assert.Equal("waiting", production.Str("status"));
        Assert.Equal("grace", production.Str("waiting_for.0.step_id"));
    }
}
