using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Email;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Collections;

/// <summary>saveRecords, fetchData and the collections API on a server over a real PostgreSQL database.</summary>
public sealed class CollectionsOnPostgresTests() : ThrowawayPostgresDatabase("chorus_collections")
{
    [Fact]
    public async Task RecordsSavedAndFetched_InAWorkflow_AndReadThroughTheApi_OnPostgres()
    {
        await using var server = await ChorusTestServer.StartAsync(postgresUrl: Url);
        var tenant = ApiCalls.NewTenant();
        var workflow = Definitions.Parse("""
            {"name": "pg-data", "steps": [
              {"id": "save", "type": "saveRecords", "next": "big", "config": {"collection": "orders", "records": "{{ $.input.orders }}", "key": "ref"}},
              {"id": "big", "type": "fetchData", "config": {"collection": "orders", "filter": {"total": {"gt": 99.5}, "ref": {"contains": "-"}}, "order_by": "total"}}
            ]}
            """);
        var orders = JsonNode.Parse("""{"orders": [{"ref": "A-1", "total": 120}, {"ref": "A-2", "total": 99.5}, {"ref": "B3", "total": 300}, {"ref": "A-4", "total": 100}]}""");

        var run = await EmailTestSupport.RunAsync(server.Client, tenant, workflow, orders);

        Assert.Equal("completed", run.Status);
        Assert.Equal(["A-4", "A-1"], run.Output("big")!["records"]!.AsArray().Select(r => (string)r!["id"]!));
        var api = (await server.Client.Get("/api/collections/orders/records?filter=" + Uri.EscapeDataString("""{"total": {"lte": 100}}""") + "&order_by=total", tenant))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(["A-2", "A-4"], api.Body["records"]!.AsArray().Select(r => (string)r!["id"]!));
        (await server.Client.Get("/api/collections/orders", ApiCalls.NewTenant())).ExpectError(HttpStatusCode.NotFound, "not_found");
    }
}
