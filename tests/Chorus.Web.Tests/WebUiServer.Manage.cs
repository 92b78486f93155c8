using System.Text.Json.Nodes;

namespace Chorus.Web.Tests;

public sealed partial class WebUiServer
{
    /// <summary>A workflow whose executions wait for an event that never comes (they stay "waiting").</summary>
    public static JsonObject WaitingDefinition(string name) => new()
    {
        ["name"] = name,
        ["status"] = "active",
        ["steps"] = new JsonArray(
            new JsonObject { ["id"] = "hold", ["type"] = "wait", ["config"] = new JsonObject { ["event"] = "never" }, ["next"] = "done" },
            new JsonObject { ["id"] = "done", ["type"] = "output", ["config"] = new JsonObject { ["value"] = new JsonObject { ["ok"] = true } } }),
    };

    public async Task<string> StatusAsync(string tenant, string executionId)
    {
        var (_, answer) = await ApiAsync(HttpMethod.Get, $"api/executions/{executionId}", tenant);
        return answer!["status"]!.GetValue<string>();
    }

    /// <summary>Polls until the execution has one of the statuses (the engine runs in the background).</summary>
    public async Task WaitForStatusAsync(string tenant, string executionId, params string[] statuses)
    {
        var last = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            last = await StatusAsync(tenant, executionId);
            if (Array.IndexOf(statuses, last) >= 0)
                return;
        }
        Assert.Fail($"execution {executionId} stayed {last}, not {string.Join("/", statuses)}");
    }
}
