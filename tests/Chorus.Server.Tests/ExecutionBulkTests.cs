using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>POST /api/executions/bulk, the list's free-text filter, and the workflows list's last_execution.</summary>
public sealed class ExecutionBulkTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    private static List<string> Ids(ApiResponse list) => list.Node("items")!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();

    private async Task<(string Workflow, List<string> Held)> WaitingAsync(string tenant, int count)
    {
        var workflow = await _client.CreateWorkflow(tenant, Definitions.WaitForEvent("never"));
        var held = new List<string>();
        for (var i = 0; i < count; i++)
            held.Add(await _client.Execute(tenant, workflow, new JsonObject { ["order"] = $"order-{i}" }));
        foreach (var id in held)
            await _client.WaitForStatus(tenant, id, "waiting");
        return (workflow, held);
    }

    [Fact]
    public async Task Bulk_CancelByIds_CancelsEach_AndReportsAnUnknownOrForeignIdWithoutChangingIt()
    {
        var tenant = ApiCalls.NewTenant();
        var other = ApiCalls.NewTenant();
        var (_, held) = await WaitingAsync(tenant, 2);
        var (_, foreign) = await WaitingAsync(other, 1);

        var answer = (await _client.Post("/api/executions/bulk", tenant,
            new JsonObject { ["action"] = "cancel", ["ids"] = new JsonArray(held[0], held[1], foreign[0]) })).Expect(HttpStatusCode.OK);

        Assert.Equal(2, answer.Node("succeeded")!.GetValue<int>());
        Assert.Equal(1, answer.Node("failed")!.GetValue<int>());
        Assert.Equal("cancelled", answer.Str("results.0.status"));
        Assert.Equal("execution_not_found", answer.Str("results.2.error.code"));
        foreach (var id in held)
            Assert.Equal("cancelled", (await _client.Get($"/api/executions/{id}", tenant)).Str("status"));
        Assert.Equal("waiting", (await _client.Get($"/api/executions/{foreign[0]}", other)).Str("status"));
    }

    [Fact]
    public async Task Bulk_CancelByFilter_CancelsOnlyTheMatchingSet()
    {
        var tenant = ApiCalls.NewTenant();
        var (workflow, held) = await WaitingAsync(tenant, 3);
        var (_, elsewhere) = await WaitingAsync(tenant, 1);

        var answer = (await _client.Post("/api/executions/bulk", tenant, new JsonObject
        {
            ["action"] = "cancel",
            ["filter"] = new JsonObject { ["workflow_id"] = workflow, ["status"] = "waiting" },
        })).Expect(HttpStatusCode.OK);

        Assert.Equal(3, answer.Node("matched")!.GetValue<int>());
        Assert.False(answer.Node("truncated")!.GetValue<bool>());
        var cancelled = Ids((await _client.Get($"/api/executions?status=cancelled", tenant)).Expect(HttpStatusCode.OK));
        Assert.Equal(held.Order(), cancelled.Order());
        Assert.Equal("waiting", (await _client.Get($"/api/executions/{elsewhere[0]}", tenant)).Str("status"));
    }

    [Fact]
    public async Task Bulk_RetryOfFailedExecutions_RunsThemAgain_AndRefusesAFinishedOne()
    {
        var tenant = ApiCalls.NewTenant();
        var failing = await _client.CreateWorkflow(tenant, Definitions.Parse("""
            {"name": "fails", "steps": [{"id": "call", "type": "http", "retry": {"max_attempts": 1}, "config": {"url": "http://127.0.0.1:1/"}}]}
            """));
        var failed = await _client.Execute(tenant, failing);
        await _client.WaitForStatus(tenant, failed, "failed");
        var (_, held) = await WaitingAsync(tenant, 1);

        var answer = (await _client.Post("/api/executions/bulk", tenant,
            new JsonObject { ["action"] = "retry", ["ids"] = new JsonArray(failed, held[0]) })).Expect(HttpStatusCode.OK);

        Assert.True(answer.Node("results.0.ok")!.GetValue<bool>(), answer.Text);
        Assert.Equal("conflict", answer.Str("results.1.error.code"));
        await _client.WaitForStatus(tenant, failed, "failed");
        Assert.Equal("waiting", (await _client.Get($"/api/executions/{held[0]}", tenant)).Str("status"));
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"action": "archive", "ids": ["00000000-0000-0000-0000-000000000001"]}""", "action" },
        { """{"action": "cancel"}""", "ids" },
        { """{"action": "cancel", "ids": []}""", "ids" },
        { """{"action": "cancel", "ids": ["not-a-uuid"]}""", "ids[0]" },
        { """{"action": "cancel", "ids": ["00000000-0000-0000-0000-000000000001"], "filter": {}}""", "ids" },
        { """{"action": "cancel", "filter": {"status": "sleeping"}}""", "status" },
        { """{"action": "cancel", "filter": {"status": 3}}""", "filter.status" },
        { """{"action": "cancel", "filter": []}""", "filter" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bulk_BadRequest_Is400AndChangesNothing(string body, string field)
    {
        var tenant = ApiCalls.NewTenant();
        var (_, held) = await WaitingAsync(tenant, 1);

        var answer = (await _client.Post("/api/executions/bulk", tenant, JsonNode.Parse(body))).ExpectError(HttpStatusCode.BadRequest, "invalid_input");

        Assert.Equal(field, answer.Str("error.details.field"));
        Assert.NotNull(answer.Str("error.request_id"));
        Assert.Equal("waiting", (await _client.Get($"/api/executions/{held[0]}", tenant)).Str("status"));
    }

    [Fact]
    public async Task Bulk_TooManyIds_Is400()
    {
        var ids = new JsonArray(Enumerable.Range(0, 501).Select(_ => (JsonNode?)Guid.NewGuid().ToString()).ToArray());
        (await _client.Post("/api/executions/bulk", ApiCalls.NewTenant(), new JsonObject { ["action"] = "cancel", ["ids"] = ids }))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");
    }

    [Fact]
    public async Task List_TextFilter_MatchesTheInput_AndIsBounded()
    {
        var tenant = ApiCalls.NewTenant();
        var (_, held) = await WaitingAsync(tenant, 3);

        var found = (await _client.Get("/api/executions?q=ORDER-1", tenant)).Expect(HttpStatusCode.OK);
        var none = (await _client.Get("/api/executions?q=order_", tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal([held[1]], Ids(found));
        Assert.Empty(Ids(none));
        (await _client.Get($"/api/executions?q={new string('x', 201)}", tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
    }

    [Fact]
    public async Task WorkflowList_ShowsEachWorkflowsNewestRun()
    {
        var tenant = ApiCalls.NewTenant();
        var idle = await _client.CreateWorkflow(tenant, Definitions.Greeting("idle"));
        var (workflow, held) = await WaitingAsync(tenant, 2);

        var list = (await _client.Get("/api/workflows", tenant)).Expect(HttpStatusCode.OK);

        var items = list.Node("items")!.AsArray();
        var withRuns = items.Single(w => w!["id"]!.GetValue<string>() == workflow)!;
        Assert.Equal(held[1], withRuns["last_execution"]!["id"]!.GetValue<string>());
        Assert.Equal("waiting", withRuns["last_execution"]!["status"]!.GetValue<string>());
        Assert.NotNull(withRuns["last_execution"]!["started_at"]);
        Assert.Null(items.Single(w => w!["id"]!.GetValue<string>() == idle)!["last_execution"]);
    }
}
