using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>The JSON budget through the API: deep values the engine allows are stored and answered, values past
/// the budget are refused with the error shape before anything is stored.</summary>
public sealed class JsonBudgetTests
{
    private static string DottedPath(int segments) => string.Join('.', Enumerable.Range(0, segments).Select(i => $"s{i}"));

    [Fact]
    public async Task ExecutionWithAContextAsDeepAsAllowed_IsAnsweredByGetAndList()
    {
        await using var server = await ChorusTestServer.StartAsync();
        var tenant = ApiCalls.NewTenant();
        var wf = await server.Client.CreateWorkflow(tenant, JsonNode.Parse("""
            {"name": "deep", "steps": [{"id": "deep", "type": "addField", "config": {"field": "PATH", "value": 1}}]}
            """.Replace("PATH", DottedPath(65)))!.AsObject());

        var id = await server.Client.Execute(tenant, wf);

        var done = await server.Client.WaitForCompletion(tenant, id);
        Assert.NotNull(done.Node("variables.s0.s1.s2"));
        (await server.Client.Get("/api/executions", tenant)).Expect(HttpStatusCode.OK);
        (await server.Client.Get($"/api/workflows/{wf}/executions", tenant)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ExecutionWhoseFieldPathComesOutTooDeep_FailsWithJsonTooDeep_AndStaysReadable()
    {
        await using var server = await ChorusTestServer.StartAsync();
        var tenant = ApiCalls.NewTenant();
        var wf = await server.Client.CreateWorkflow(tenant, JsonNode.Parse("""
            {"name": "deep", "steps": [{"id": "deep", "type": "addField", "config": {"field": "{{ $.input.path }}", "value": 1}}]}
            """)!.AsObject());

        var id = await server.Client.Execute(tenant, wf, new JsonObject { ["path"] = DottedPath(80) });

        var failed = await server.Client.WaitForStatus(tenant, id, "failed", "completed");
        Assert.Equal("json_too_deep", failed.Str("error.code"));
        (await server.Client.Get("/api/executions", tenant)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task InputsAndEventsLargerThanTheOutputLimit_AreRefusedWith413()
    {
        // A body limit above the output limit, as a deployment that accepts large requests would have.
        await using var server = await ChorusTestServer.StartAsync(configure: o => o with
        {
            MaxBodyBytes = 4 * 1024 * 1024,
            Engine = o.Engine with { Limits = o.Engine.Limits with { MaxStepOutputBytes = 64 * 1024 } },
        });
        var tenant = ApiCalls.NewTenant();
        var wf = await server.Client.CreateWorkflow(tenant, JsonNode.Parse("""
            {"name": "w", "steps": [{"id": "w", "type": "wait", "config": {"event": "go"}}]}
            """)!.AsObject());
        var big = new JsonObject { ["text"] = new string('x', 100 * 1024) };

        (await server.Client.Post($"/api/workflows/{wf}/execute", tenant, new JsonObject { ["input"] = big.DeepClone() }))
            .ExpectError(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(0, (await server.Client.Get("/api/executions", tenant)).Node("total")?.GetValue<int>() ?? 0);

        var id = await server.Client.Execute(tenant, wf);
        await server.Client.WaitForStatus(tenant, id, "waiting");
        (await server.Client.Post($"/api/executions/{id}/events", tenant, new JsonObject { ["name"] = "go", ["data"] = big.DeepClone() }))
            .ExpectError(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal("waiting", (await server.Client.Get($"/api/executions/{id}", tenant)).Str("status"));
    }
}
