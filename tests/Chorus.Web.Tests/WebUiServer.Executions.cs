using System.Text.Json.Nodes;

namespace Chorus.Web.Tests;

public sealed partial class WebUiServer
{
    /// <summary>Starts an execution of the workflow over the API and returns its id.</summary>
    public async Task<string> ExecuteAsync(string tenant, string workflowId, JsonNode? input = null, string mode = "automatic")
    {
        var (status, answer) = await ApiAsync(HttpMethod.Post, $"api/workflows/{workflowId}/execute", tenant,
            new JsonObject { ["input"] = input?.DeepClone(), ["mode"] = mode });
        Assert.True(status == 202, $"starting the execution: HTTP {status} {answer?.ToJsonString()}");
        return answer!["id"]!.GetValue<string>();
    }

    /// <summary>The execution as GET /api/executions/{id} answers.</summary>
    public async Task<JsonNode> ExecutionAsync(string tenant, string executionId)
    {
        var (status, answer) = await ApiAsync(HttpMethod.Get, $"api/executions/{executionId}", tenant);
        Assert.True(status == 200, $"reading the execution: HTTP {status} {answer?.ToJsonString()}");
        return answer!;
    }
}
