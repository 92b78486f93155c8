using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>Search attributes through the API: declared in the definition, shown on the execution, filtering the
/// list (<c>?search.name=value</c>) and a bulk action's filter; bad filters are refused.</summary>
public sealed class SearchAttributesApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    private static List<string> Ids(ApiResponse list) => list.Node("items")!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();

    private async Task<(string Workflow, string Acme, string Globex)> OrdersAsync(string tenant)
    {
        var definition = Definitions.WaitForEvent("never");
        definition["search_attributes"] = new JsonObject { ["customer"] = "$.input.customer", ["region"] = "$.input.region" };
        var workflow = await _client.CreateWorkflow(tenant, definition);
        var acme = await _client.Execute(tenant, workflow, new JsonObject { ["customer"] = "acme", ["region"] = "eu" });
        var globex = await _client.Execute(tenant, workflow, new JsonObject { ["customer"] = "globex", ["region"] = "eu" });
        await _client.WaitForStatus(tenant, acme, "waiting");
        await _client.WaitForStatus(tenant, globex, "waiting");
        return (workflow, acme, globex);
    }

    [Fact]
    public async Task List_FilteredBySearchAttributes_ReturnsTheMatchingExecutionsOfTheTenant_WithTheirValues()
    {
        var tenant = ApiCalls.NewTenant();
        var (workflow, acme, globex) = await OrdersAsync(tenant);
        var other = ApiCalls.NewTenant();
        await OrdersAsync(other);

        var found = (await _client.Get("/api/executions?search.customer=acme", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal([acme], Ids(found));
        Assert.Equal("acme", found.Str("items.0.search_attributes.customer"));
        Assert.Equal([globex, acme], Ids((await _client.Get($"/api/workflows/{workflow}/executions?search.region=eu", tenant)).Expect(HttpStatusCode.OK)));
        Assert.Empty(Ids((await _client.Get("/api/executions?search.region=eu&search.customer=initech", tenant)).Expect(HttpStatusCode.OK)));
        Assert.Equal("eu", (await _client.Get($"/api/executions/{acme}", tenant)).Str("search_attributes.region"));
    }

    [Fact]
    public async Task BulkCancel_BySearchAttribute_CancelsOnlyThoseExecutions()
    {
        var tenant = ApiCalls.NewTenant();
        var (_, acme, globex) = await OrdersAsync(tenant);

        var answer = (await _client.Post("/api/executions/bulk", tenant, new JsonObject
        {
            ["action"] = "cancel",
            ["filter"] = new JsonObject { ["search"] = new JsonObject { ["customer"] = "globex" } },
        })).Expect(HttpStatusCode.OK);

        Assert.Equal(1, answer.Node("matched")!.GetValue<int>());
        Assert.Equal("cancelled", (await _client.Get($"/api/executions/{globex}", tenant)).Str("status"));
        Assert.Equal("waiting", (await _client.Get($"/api/executions/{acme}", tenant)).Str("status"));
    }

    [Theory]
    [InlineData("/api/executions?search.=acme")]
    [InlineData("/api/executions?search.a=1&search.b=1&search.c=1&search.d=1&search.e=1&search.f=1")]
    public async Task List_WithABadSearchFilter_IsRefused(string path)
    {
        var tenant = ApiCalls.NewTenant();
        (await _client.Get(path, tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await _client.Get($"/api/executions?search.customer={new string('x', 201)}", tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
    }

    [Theory]
    [InlineData("""{"action": "cancel", "filter": {"search": "customer=acme"}}""")]
    [InlineData("""{"action": "cancel", "filter": {"search": {"customer": 7}}}""")]
    public async Task BulkWithABadSearchFilter_IsRefused_AndCancelsNothing(string body)
    {
        var tenant = ApiCalls.NewTenant();
        var (_, acme, _) = await OrdersAsync(tenant);

        (await _client.Post("/api/executions/bulk", tenant, JsonNode.Parse(body))).ExpectError(HttpStatusCode.BadRequest, "invalid_input");

        Assert.Equal("waiting", (await _client.Get($"/api/executions/{acme}", tenant)).Str("status"));
    }

    [Fact]
    public async Task SavingABadSearchAttribute_IsRefusedWithTheField()
    {
        var definition = Definitions.WaitForEvent("never");
        definition["search_attributes"] = new JsonObject { ["Customer Name"] = "$.input.customer" };

        var answer = (await _client.Post("/api/workflows", ApiCalls.NewTenant(), definition)).ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");

        Assert.Contains("search_attributes.Customer Name", answer.Text);
    }
}
