using System.Net;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Collections;

/// <summary>/api/collections: what a tenant sees of its own data, the same filters as fetchData, roles, other tenants'
/// collections as missing, and the error shape for every malformed query.</summary>
public sealed class CollectionsApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Client;

    private async Task<string> TenantWithOrdersAsync()
    {
        var tenant = ApiCalls.NewTenant();
        var store = (ICollectionStore)fixture.Server.Services.GetService(typeof(ICollectionStore))!;
        var records = Enumerable.Range(1, 5).Select(i => new RecordWrite($"o{i}", new JsonObject
        {
            ["total"] = i * 50, ["status"] = i % 2 == 0 ? "paid" : "open", ["customer"] = new JsonObject { ["country"] = i < 3 ? "FR" : "DE" },
        })).ToList();
        await store.SaveRecordsAsync(new TenantId(tenant), "orders", null, records, new CollectionLimits(), DateTimeOffset.UtcNow, CancellationToken.None);
        await store.SaveRecordsAsync(new TenantId(tenant), "audit", null, [new RecordWrite("a1", new JsonObject())], new CollectionLimits(), DateTimeOffset.UtcNow, CancellationToken.None);
        return tenant;
    }

    private static string[] Ids(ApiResponse page) => [.. page.Body["records"]!.AsArray().Select(r => (string)r!["id"]!)];

    [Fact]
    public async Task Collections_AreListedWithTheirCounts_AndReadOne()
    {
        var tenant = await TenantWithOrdersAsync();

        var list = (await Client.Get("/api/collections", tenant)).Expect(HttpStatusCode.OK);
        var one = (await Client.Get("/api/collections/orders", tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal(["audit", "orders"], list.Body["items"]!.AsArray().Select(c => (string)c!["name"]!));
        Assert.Equal(2, list.Node("total")!.GetValue<int>());
        Assert.Equal(5, one.Node("record_count")!.GetValue<long>());
        Assert.Null(one.Node("key_field"));
    }

    [Fact]
    public async Task Records_TakeTheFilterOrderAndPages_AsQueryParametersOrABody()
    {
        var tenant = await TenantWithOrdersAsync();
        var filter = Uri.EscapeDataString("""{"total": {"gte": 100}, "customer.country": "DE"}""");

        var byQuery = (await Client.Get($"/api/collections/orders/records?filter={filter}&order_by=total&order=desc&limit=2", tenant)).Expect(HttpStatusCode.OK);
        var next = (await Client.Get($"/api/collections/orders/records?filter={filter}&order_by=total&order=desc&limit=2&cursor={byQuery.Str("next_cursor")}", tenant))
            .Expect(HttpStatusCode.OK);
        var byBody = (await Client.Post("/api/collections/orders/query", tenant, JsonNode.Parse("""{"filter": {"status": {"in": ["paid"]}}, "offset": 1}""")))
            .Expect(HttpStatusCode.OK);

        Assert.Equal(["o5", "o4"], Ids(byQuery));
        Assert.Equal(3, byQuery.Node("total")!.GetValue<long>());
        Assert.Equal(["o3"], Ids(next));
        Assert.Null(next.Node("next_cursor"));
        Assert.Equal(["o4"], Ids(byBody));
        Assert.Equal("paid", byBody.Str("records.0.data.status"));
    }

    [Theory]
    [InlineData("filter=%7Bnot%20json", "filter")]
    [InlineData("filter=%7B%22a%22%3A%7B%22between%22%3A1%7D%7D", "filter.a.between")]
    [InlineData("filter=%5B1%5D", "filter")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("cursor=%27%20OR%201%3D1", "cursor")]
    [InlineData("order_by=a%27%3B%20DROP%20TABLE%20x", "order_by")]
    [InlineData("sort=total", "sort")]
    public async Task AMalformedQuery_IsInvalidInput_NamingTheParameter(string query, string field)
    {
        var tenant = await TenantWithOrdersAsync();

        var answer = (await Client.Get($"/api/collections/orders/records?{query}", tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");

        Assert.Equal(field, answer.Str("error.details.field"));
        Assert.NotNull(answer.Str("error.request_id"));
        Assert.Equal(5, (await Client.Get("/api/collections/orders", tenant)).Node("record_count")!.GetValue<long>());
    }

    [Theory]
    [InlineData("""{"filter": {"total": {"gt": {"x": 1}}}}""")]
    [InlineData("""{"limit": 100000}""")]
    [InlineData("""{"where": {}}""")]
    [InlineData("""[1, 2]""")]
    public async Task AMalformedQueryBody_IsInvalidInput(string body)
    {
        var tenant = await TenantWithOrdersAsync();

        await Client.Send(HttpMethod.Post, "/api/collections/orders/query", tenant, ApiCalls.Raw(System.Text.Encoding.UTF8.GetBytes(body), "application/json"))
            .ContinueWith(t => t.Result.ExpectError(HttpStatusCode.BadRequest, "invalid_input"));
    }

    [Fact]
    public async Task AnotherTenantsCollection_IsNotFound_ForEveryRoute_AndStaysWhole()
    {
        var owner = await TenantWithOrdersAsync();
        var other = ApiCalls.NewTenant();

        (await Client.Get("/api/collections/orders", other)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Client.Get("/api/collections/orders/records", other)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Client.Post("/api/collections/orders/query", other, new JsonObject())).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Client.Delete("/api/collections/orders", other)).ExpectError(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, (await Client.Get("/api/collections", other)).Node("total")!.GetValue<int>());
        Assert.Equal(5, (await Client.Get("/api/collections/orders", owner)).Node("record_count")!.GetValue<long>());
    }

    [Theory]
    [InlineData("no-such")]
    [InlineData("bad%20name")]
    [InlineData("..")]
    public async Task AMissingOrInvalidName_IsNotFound(string name)
    {
        var tenant = await TenantWithOrdersAsync();

        (await Client.Get($"/api/collections/{name}/records", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Client.Delete($"/api/collections/{name}", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Viewers_Read_ButOnlyAdminsDelete()
    {
        var tenant = await TenantWithOrdersAsync();
        KeyValuePair<string, string>[] As(Role role) => [new("Authorization", "Bearer " + TestTokens.For(tenant, role))];

        (await Client.Send(HttpMethod.Get, "/api/collections/orders/records", tenant, null, headers: As(Role.Viewer))).Expect(HttpStatusCode.OK);
        (await Client.Send(HttpMethod.Delete, "/api/collections/orders", tenant, null, headers: As(Role.Member)))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await Client.Send(HttpMethod.Get, "/api/collections", tenant, null, headers: [new("Authorization", "Bearer not-a-token")]))
            .ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
        var deleted = (await Client.Delete("/api/collections/orders", tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal(5, deleted.Node("deleted_records")!.GetValue<long>());
        (await Client.Get("/api/collections/orders", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(["audit"], (await Client.Get("/api/collections", tenant)).Body["items"]!.AsArray().Select(c => (string)c!["name"]!));
    }
}
