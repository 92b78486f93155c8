using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

public sealed class WorkflowCrudTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    [Fact]
    public async Task Create_ValidDefinition_Returns201WithIdAndVersion1()
    {
        var created = (await _client.Post("/api/workflows", _tenant, Definitions.Greeting("created"))).Expect(HttpStatusCode.Created);

        Assert.True(Guid.TryParse(created.Str("id"), out _), created.Text);
        Assert.Equal(1, created.Node("current_version")!.GetValue<int>());
        Assert.Equal("created", created.Str("name"));
        Assert.Equal("active", created.Str("status"));
        Assert.Equal("1.0.0", created.Str("version"));
        Assert.Equal(2, created.Node("steps")!.AsArray().Count);
    }

    [Fact]
    public async Task Get_CreatedWorkflow_ReturnsItsDefinition()
    {
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting("fetched"));

        var got = (await _client.Get($"/api/workflows/{id}", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal(id, got.Str("id"));
        Assert.Equal("fetched", got.Str("name"));
        Assert.Equal("says hello", got.Str("description"));
        Assert.Equal("greet", got.Str("steps.0.id"));
    }

    [Fact]
    public async Task List_ThreeWorkflowsPageSizeTwo_PagesWithTotal()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add(await _client.CreateWorkflow(_tenant, Definitions.Greeting($"listed {i}")));

        var first = (await _client.Get("/api/workflows?page=1&page_size=2", _tenant)).Expect(HttpStatusCode.OK);
        var second = (await _client.Get("/api/workflows?page=2&page_size=2", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal(3, first.Node("total")!.GetValue<int>());
        Assert.Equal(1, first.Node("page")!.GetValue<int>());
        Assert.Equal(2, first.Node("page_size")!.GetValue<int>());
        Assert.Equal(2, first.Node("items")!.AsArray().Count);
        Assert.Single(second.Node("items")!.AsArray());
        var seen = first.Node("items")!.AsArray().Concat(second.Node("items")!.AsArray()).Select(w => w!["id"]!.GetValue<string>());
        Assert.Equal(ids.Order(), seen.Order());
    }

    [Fact]
    public async Task Put_UnknownId_CreatesTheWorkflowUnderThatId()
    {
        var id = Guid.NewGuid().ToString();

        var created = (await _client.Put($"/api/workflows/{id}", _tenant, Definitions.Greeting("installed"))).Expect(HttpStatusCode.Created);
        var again = (await _client.Put($"/api/workflows/{id}", _tenant, Definitions.Greeting("installed again"))).Expect(HttpStatusCode.OK);

        Assert.Equal(id, created.Str("id"));
        Assert.Equal(1, created.Node("current_version")!.GetValue<int>());
        Assert.Equal(id, again.Str("id"));
        Assert.Equal(2, again.Node("current_version")!.GetValue<int>());
        Assert.Equal("installed again", (await _client.Get($"/api/workflows/{id}", _tenant)).Expect(HttpStatusCode.OK).Str("name"));
    }

    [Fact]
    public async Task Put_IdOfADeletedWorkflow_IsAConflictAndCreatesNothing()
    {
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting("short-lived"));
        (await _client.Delete($"/api/workflows/{id}", _tenant)).Expect(HttpStatusCode.NoContent);

        var put = (await _client.Put($"/api/workflows/{id}", _tenant, Definitions.Greeting("revived"))).Expect(HttpStatusCode.Conflict);

        Assert.Equal("conflict", put.Str("error.code"));
        (await _client.Get($"/api/workflows/{id}", _tenant)).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Put_AnotherTenantsWorkflowId_CreatesItsOwnAndLeavesTheOtherAlone()
    {
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting("original"));
        var other = ApiCalls.NewTenant();

        (await _client.Put($"/api/workflows/{id}", other, Definitions.Greeting("look-alike"))).Expect(HttpStatusCode.Created);

        Assert.Equal("original", (await _client.Get($"/api/workflows/{id}", _tenant)).Expect(HttpStatusCode.OK).Str("name"));
        Assert.Equal("look-alike", (await _client.Get($"/api/workflows/{id}", other)).Expect(HttpStatusCode.OK).Str("name"));
    }

    [Fact]
    public async Task Put_ChangedDefinition_CreatesVersion2()
    {
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        var changed = Definitions.Greeting();
        changed["description"] = "says hello, louder";

        var put = (await _client.Put($"/api/workflows/{id}", _tenant, changed)).Expect(HttpStatusCode.OK);

        Assert.Equal(2, put.Node("current_version")!.GetValue<int>());
        Assert.True(put.Node("version_created")!.GetValue<bool>());
        Assert.Equal("says hello, louder", put.Str("description"));
    }

    [Fact]
    public async Task Put_IdenticalDefinition_CreatesNoVersion()
    {
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting());

        var put = (await _client.Put($"/api/workflows/{id}", _tenant, Definitions.Greeting())).Expect(HttpStatusCode.OK);

        Assert.Equal(1, put.Node("current_version")!.GetValue<int>());
        Assert.False(put.Node("version_created")!.GetValue<bool>());
    }

    [Fact]
    public async Task Put_OnlyStatusChanged_CreatesNoVersionButChangesStatus()
    {
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting());

        var put = (await _client.Put($"/api/workflows/{id}", _tenant, Definitions.Greeting(status: "draft"))).Expect(HttpStatusCode.OK);
        var got = (await _client.Get($"/api/workflows/{id}", _tenant)).Expect(HttpStatusCode.OK);

        Assert.False(put.Node("version_created")!.GetValue<bool>());
        Assert.Equal(1, put.Node("current_version")!.GetValue<int>());
        Assert.Equal("draft", got.Str("status"));
    }

    [Fact]
    public async Task Patch_Status_ChangesOnlyTheStatus()
    {
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting());

        var patched = (await _client.Patch($"/api/workflows/{id}", _tenant, new JsonObject { ["status"] = "archived" })).Expect(HttpStatusCode.OK);
        var got = (await _client.Get($"/api/workflows/{id}", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal("archived", patched.Str("status"));
        Assert.Equal("archived", got.Str("status"));
        Assert.Equal(1, got.Node("current_version")!.GetValue<int>());
    }

    [Fact]
    public async Task Patch_OtherField_Returns400InvalidInput()
    {
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting());

        var patched = await _client.Patch($"/api/workflows/{id}", _tenant, new JsonObject { ["name"] = "renamed" });

        patched.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Equal("name", patched.Str("error.details.fields.0"));
    }

    [Fact]
    public async Task Delete_ExistingWorkflow_Returns204ThenNotFound()
    {
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting());

        var deleted = await _client.Delete($"/api/workflows/{id}", _tenant);
        var after = await _client.Get($"/api/workflows/{id}", _tenant);
        var again = await _client.Delete($"/api/workflows/{id}", _tenant);

        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        after.ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        again.ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
    }
}
