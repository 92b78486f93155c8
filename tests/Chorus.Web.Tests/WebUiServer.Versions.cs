using System.Text.Json.Nodes;

namespace Chorus.Web.Tests;

public sealed partial class WebUiServer
{
    /// <summary>Saves a whole definition over the workflow (PUT) and returns the version it made current; fails the test
    /// if the server refuses it.</summary>
    public async Task<int> UpdateWorkflowAsync(string tenant, string id, JsonObject definition)
    {
        var (status, answer) = await ApiAsync(HttpMethod.Put, $"api/workflows/{id}", tenant, definition);
        Assert.True(status == 200, $"updating the workflow: HTTP {status} {answer?.ToJsonString()}");
        return answer!["current_version"]!.GetValue<int>();
    }

    /// <summary>The stored definition of one version of the workflow.</summary>
    public async Task<JsonObject> VersionDefinitionAsync(string tenant, string id, int number)
    {
        var (status, answer) = await ApiAsync(HttpMethod.Get, $"api/workflows/{id}/versions/{number}", tenant);
        Assert.True(status == 200, $"reading version {number}: HTTP {status} {answer?.ToJsonString()}");
        return answer!["definition"]!.AsObject();
    }
}
