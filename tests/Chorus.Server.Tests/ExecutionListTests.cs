using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

public sealed class ExecutionListTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    private static List<string> Ids(ApiResponse list) => list.Node("items")!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task List_FilterByWorkflowAndStatus_ReturnsOnlyMatches()
    {
        var tenant = ApiCalls.NewTenant();
        var greeting = await _client.CreateWorkflow(tenant, Definitions.Greeting());
        var waiting = await _client.CreateWorkflow(tenant, Definitions.WaitForEvent("never"));
        var done = await _client.Execute(tenant, greeting, new JsonObject { ["name"] = "a" });
        var held = await _client.Execute(tenant, waiting);
        await _client.WaitForCompletion(tenant, done);
        await _client.WaitForStatus(tenant, held, "waiting");

        var byWorkflow = (await _client.Get($"/api/executions?workflow_id={greeting}", tenant)).Expect(HttpStatusCode.OK);
        var byStatus = (await _client.Get("/api/executions?status=waiting", tenant)).Expect(HttpStatusCode.OK);
        var nested = (await _client.Get($"/api/workflows/{waiting}/executions", tenant)).Expect(HttpStatusCode.OK);
        var all = (await _client.Get("/api/executions", tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal([done], Ids(byWorkflow));
        Assert.Equal([held], Ids(byStatus));
        Assert.Equal([held], Ids(nested));
        Assert.Equal(2, all.Node("total")!.GetValue<int>());
    }

    [Fact]
    public async Task List_FromAndToWindow_IncludesOnlyExecutionsInside()
    {
        var tenant = ApiCalls.NewTenant();
        var workflowId = await _client.CreateWorkflow(tenant, Definitions.Greeting());
        var id = await _client.Execute(tenant, workflowId, new JsonObject { ["name"] = "w" });
        await _client.WaitForCompletion(tenant, id);
        var past = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"));
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));

        var inside = (await _client.Get($"/api/executions?from={past}&to={future}", tenant)).Expect(HttpStatusCode.OK);
        var later = (await _client.Get($"/api/executions?from={future}", tenant)).Expect(HttpStatusCode.OK);
        var earlier = (await _client.Get($"/api/executions?to={past}", tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal([id], Ids(inside));
        Assert.Empty(Ids(later));
        Assert.Empty(Ids(earlier));
    }

    [Fact]
    public async Task List_PageSizeTwo_PagesThroughThreeExecutions()
    {
        var tenant = ApiCalls.NewTenant();
        var workflowId = await _client.CreateWorkflow(tenant, Definitions.Greeting());
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add(await _client.Execute(tenant, workflowId, new JsonObject { ["name"] = $"p{i}" }));

        var first = (await _client.Get("/api/executions?page=1&page_size=2", tenant)).Expect(HttpStatusCode.OK);
        var second = (await _client.Get("/api/executions?page=2&page_size=2", tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal(3, first.Node("total")!.GetValue<int>());
        Assert.Equal(2, Ids(first).Count);
        Assert.Single(Ids(second));
        Assert.Equal(ids.Order(), Ids(first).Concat(Ids(second)).Order());
    }
}
