using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

public sealed class WorkflowVersionTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    /// <summary>v1 is the greeting; v2 drops "done", changes "greet" and adds "shout" and "finish".</summary>
    private async Task<string> CreateWithTwoVersions()
    {
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        var v2 = Definitions.Parse("""
            {
              "name": "greeting", "description": "says hello", "version": "2.0.0",
              "steps": [
                {"id": "greet", "type": "addField", "config": {"field": "greeting", "value": "hi"}, "next": "shout"},
                {"id": "shout", "type": "addField", "config": {"field": "loud", "value": "HI"}, "next": "finish"},
                {"id": "finish", "type": "output", "config": {}}
              ]
            }
            """);
        (await _client.Put($"/api/workflows/{id}", _tenant, v2)).Expect(HttpStatusCode.OK);
        return id;
    }

    [Fact]
    public async Task Versions_AfterChange_ListsBothNewestCurrent()
    {
        var id = await CreateWithTwoVersions();

        var versions = (await _client.Get($"/api/workflows/{id}/versions", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal(2, versions.Node("current_version")!.GetValue<int>());
        var numbers = versions.Node("items")!.AsArray().Select(v => v!["number"]!.GetValue<int>()).Order();
        Assert.Equal([1, 2], numbers);
    }

    [Fact]
    public async Task Versions_RecordWhoSavedEach_AsTheTokensSubject()
    {
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        var editor = TokenIssuer.Mint(TestTokens.Key, "ada@example.com", [_tenant], "admin", TimeSpan.FromMinutes(5));
        (await _client.Send(HttpMethod.Put, $"/api/workflows/{id}", _tenant, ApiCalls.Json(Definitions.Greeting("changed")),
            headers: [new("Authorization", $"Bearer {editor}")])).Expect(HttpStatusCode.OK);

        var versions = (await _client.Get($"/api/workflows/{id}/versions", _tenant)).Expect(HttpStatusCode.OK);

        var authors = versions.Node("items")!.AsArray().OrderBy(v => v!["number"]!.GetValue<int>()).Select(v => (string?)v!["updated_by"]);
        Assert.Equal(["test-admin", "ada@example.com"], authors);
    }

    [Fact]
    public async Task Version_Get_ReturnsThatVersionsDefinition()
    {
        var id = await CreateWithTwoVersions();

        var v1 = (await _client.Get($"/api/workflows/{id}/versions/1", _tenant)).Expect(HttpStatusCode.OK);
        var v2 = (await _client.Get($"/api/workflows/{id}/versions/2", _tenant)).Expect(HttpStatusCode.OK);
        var v9 = await _client.Get($"/api/workflows/{id}/versions/9", _tenant);

        Assert.Equal("1.0.0", v1.Str("label"));
        Assert.Equal("done", v1.Str("definition.steps.1.id"));
        Assert.Equal("2.0.0", v2.Str("label"));
        Assert.Equal(3, v2.Node("definition.steps")!.AsArray().Count);
        v9.ExpectError(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Revert_ToVersion1_CreatesVersion3WithV1Content()
    {
        var id = await CreateWithTwoVersions();

        var reverted = (await _client.Post($"/api/workflows/{id}/versions/1/revert", _tenant)).Expect(HttpStatusCode.OK);
        var v1 = (await _client.Get($"/api/workflows/{id}/versions/1", _tenant)).Expect(HttpStatusCode.OK);
        var v3 = (await _client.Get($"/api/workflows/{id}/versions/3", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal(3, reverted.Node("current_version")!.GetValue<int>());
        Assert.True(reverted.Node("version_created")!.GetValue<bool>());
        Assert.Equal(1, reverted.Node("reverted_from")!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(v1.Node("definition.steps"), v3.Node("definition.steps")), v3.Text);
        Assert.Equal(v1.Str("hash"), v3.Str("hash"));
    }

    [Fact]
    public async Task Diff_Version1To2_ListsAddedRemovedAndChangedSteps()
    {
        var id = await CreateWithTwoVersions();

        var diff = (await _client.Get($"/api/workflows/{id}/diff?from=1&to=2", _tenant)).Expect(HttpStatusCode.OK);

        Assert.False(diff.Node("identical")!.GetValue<bool>());
        Assert.Equal(["finish", "shout"], diff.Node("added_steps")!.AsArray().Select(s => s!.GetValue<string>()).Order());
        Assert.Equal(["done"], diff.Node("removed_steps")!.AsArray().Select(s => s!.GetValue<string>()));
        var changed = Assert.Single(diff.Node("changed_steps")!.AsArray());
        Assert.Equal("greet", changed!["step_id"]!.GetValue<string>());
        Assert.Contains(changed["fields"]!.AsArray(), f => f!.GetValue<string>().StartsWith("config", StringComparison.Ordinal) || f.GetValue<string>() == "next");
    }

    [Fact]
    public async Task Diff_SameVersion_IsIdentical()
    {
        var id = await CreateWithTwoVersions();

        var diff = (await _client.Get($"/api/workflows/{id}/diff?from=2&to=2", _tenant)).Expect(HttpStatusCode.OK);

        Assert.True(diff.Node("identical")!.GetValue<bool>());
        Assert.Empty(diff.Node("changed_steps")!.AsArray());
    }
}
