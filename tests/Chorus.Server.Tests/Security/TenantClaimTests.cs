using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Security;

/// <summary>The tenant a request acts for comes from the credential: its tenant_id by default, or one of its tenants
/// chosen with X-Tenant-ID; the role is the highest one it names that Chorus knows.</summary>
public sealed class TenantClaimTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _a = ApiCalls.NewTenant();
    private readonly string _b = ApiCalls.NewTenant();
    private readonly string _outsider = ApiCalls.NewTenant();

    private static JsonArray List(params string[] items) => Json.Array(items);

    /// <summary>The workflow ids a token sees in GET /api/workflows.</summary>
    private async Task<string[]> Visible(string token, string? tenantHeader)
    {
        var list = (await _client.SendAs(HttpMethod.Get, "/api/workflows", token, tenantHeader)).Expect(HttpStatusCode.OK);
        return [.. list.Node("items")!.AsArray().Select(i => i!["id"]!.GetValue<string>())];
    }

    [Fact]
    public async Task TenantIdClaim_IsTheDefaultTenant()
    {
        var inA = await _client.CreateWorkflow(_a, Definitions.Greeting("in a"));
        await _client.CreateWorkflow(_b, Definitions.Greeting("in b"));
        var token = Jwts.Hs256(Jwts.Claims(_a, "viewer"));

        Assert.Equal([inA], await Visible(token, null));
        Assert.Equal([inA], await Visible(token, _a));
    }

    [Fact]
    public async Task TenantsList_XTenantIdSelectsAmongThem_DefaultIsTenantId()
    {
        var inA = await _client.CreateWorkflow(_a, Definitions.Greeting("in a"));
        var inB = await _client.CreateWorkflow(_b, Definitions.Greeting("in b"));
        var token = Jwts.Hs256(Jwts.Claims(_a, "viewer").With("tenants", List(_a, _b)));

        Assert.Equal([inA], await Visible(token, null));
        Assert.Equal([inB], await Visible(token, _b));
        Assert.Equal([inA], await Visible(token, _a));
    }

    [Fact]
    public async Task TenantsListWithoutTenantId_HeaderSelects_NoHeaderIs403()
    {
        var inB = await _client.CreateWorkflow(_b, Definitions.Greeting("in b"));
        var token = Jwts.Hs256(Jwts.Claims(_a, "admin").Without("tenant_id").With("tenants", List(_a, _b)));
        var beforeA = await SecurityAssert.Snapshot(_client, _a);

        var chosen = await Visible(token, _b);
        var unchosen = await _client.SendAs(HttpMethod.Post, "/api/workflows", token, body: Definitions.Greeting("which tenant?"));

        Assert.Equal([inB], chosen);
        unchosen.ErrorShape(HttpStatusCode.Forbidden, "permission_denied");
        Assert.Equal(beforeA, await SecurityAssert.Snapshot(_client, _a));
    }

    [Fact]
    public async Task SingleTenantInTheListOnly_IsTheDefault()
    {
        var inB = await _client.CreateWorkflow(_b, Definitions.Greeting("in b"));
        var token = Jwts.Hs256(Jwts.Claims(_b, "viewer").Without("tenant_id").With("tenants", List(_b)));

        Assert.Equal([inB], await Visible(token, null));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TenantOutsideTheCredential_Is403AndChangesNothingThere(bool withTenantsList)
    {
        var outsiders = await _client.CreateWorkflow(_outsider, Definitions.Greeting("theirs"));
        var claims = Jwts.Claims(_a, "admin");
        if (withTenantsList)
            claims["tenants"] = List(_a, _b);
        var token = Jwts.Hs256(claims);
        var before = await SecurityAssert.Snapshot(_client, _outsider);

        var responses = new[]
        {
            await _client.SendAs(HttpMethod.Get, "/api/workflows", token, _outsider),
            await _client.SendAs(HttpMethod.Post, "/api/workflows", token, _outsider, Definitions.Greeting("planted")),
            await _client.SendAs(HttpMethod.Delete, $"/api/workflows/{outsiders}", token, _outsider),
            await _client.SendAs(HttpMethod.Post, $"/api/workflows/{outsiders}/execute", token, _outsider, new JsonObject()),
        };

        Assert.All(responses, r => r.ErrorShape(HttpStatusCode.Forbidden, "permission_denied"));
        Assert.Equal(before, await SecurityAssert.Snapshot(_client, _outsider));
    }

    [Theory]
    [InlineData("bad tenant!")]
    [InlineData("../etc")]
    [InlineData("a/b")]
    public async Task MalformedTenantHeader_Is400InvalidInput(string header)
    {
        var token = Jwts.Hs256(Jwts.Claims(_a));
        var before = await SecurityAssert.Snapshot(_client, _a);

        var response = await _client.SendAs(HttpMethod.Post, "/api/workflows", token, header, Definitions.Greeting());

        response.ErrorShape(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Equal(before, await SecurityAssert.Snapshot(_client, _a));
    }

    [Fact]
    public async Task RolesList_HighestKnownRoleWins()
    {
        var admin = Jwts.Hs256(Jwts.Claims(_a).Without("role").With("roles", List("viewer", "superuser", "admin")));
        var member = Jwts.Hs256(Jwts.Claims(_a).Without("role").With("roles", List("viewer", "member", "owner")));

        var created = await _client.SendAs(HttpMethod.Post, "/api/workflows", admin, body: Definitions.Greeting("by roles"));
        var id = created.Expect(HttpStatusCode.Created).Str("id")!;
        var before = await SecurityAssert.Snapshot(_client, _a);
        var memberDelete = await _client.SendAs(HttpMethod.Delete, $"/api/workflows/{id}", member);
        Assert.Equal(before, await SecurityAssert.Snapshot(_client, _a));
        var memberExecute = await _client.SendAs(HttpMethod.Post, $"/api/workflows/{id}/execute", member, body: new JsonObject());

        memberDelete.ErrorShape(HttpStatusCode.Forbidden, "permission_denied");
        Assert.Equal("admin", memberDelete.Str("error.details.required_role"));
        Assert.Equal("member", memberDelete.Str("error.details.role"));
        memberExecute.Expect(HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("role", "superuser")]
    [InlineData("roles", null)]
    [InlineData("none", null)]
    public async Task NoKnownRole_Is403(string claim, string? value)
    {
        var claims = Jwts.Claims(_a).Without("role");
        if (claim == "role")
            claims["role"] = value;
        else if (claim == "roles")
            claims["roles"] = List("root", "owner");
        var token = Jwts.Hs256(claims);
        var before = await SecurityAssert.Snapshot(_client, _a);

        var read = await _client.SendAs(HttpMethod.Get, "/api/workflows", token);
        var write = await _client.SendAs(HttpMethod.Post, "/api/workflows", token, body: Definitions.Greeting());

        read.ErrorShape(HttpStatusCode.Forbidden, "permission_denied");
        write.ErrorShape(HttpStatusCode.Forbidden, "permission_denied");
        Assert.Equal(before, await SecurityAssert.Snapshot(_client, _a));
    }

    [Fact]
    public async Task NoTenantClaim_Is403()
    {
        var token = Jwts.Hs256(Jwts.Claims(_a).Without("tenant_id"));

        var response = await _client.SendAs(HttpMethod.Get, "/api/workflows", token, _a);

        response.ErrorShape(HttpStatusCode.Forbidden, "permission_denied");
    }
}
