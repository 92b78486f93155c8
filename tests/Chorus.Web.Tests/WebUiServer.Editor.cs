using System.Text.Json.Nodes;

namespace Chorus.Web.Tests;

public sealed partial class WebUiServer
{
    /// <summary>The definition exactly as the workflow's current version stores it, and that version's number.</summary>
    public async Task<(JsonObject Definition, int Version)> StoredDefinitionAsync(string tenant, string workflowId)
    {
        var (status, workflow) = await ApiAsync(HttpMethod.Get, $"api/workflows/{workflowId}", tenant);
        Assert.Equal(200, status);
        var number = workflow!["current_version"]!.GetValue<int>();
        var (versionStatus, version) = await ApiAsync(HttpMethod.Get, $"api/workflows/{workflowId}/versions/{number}", tenant);
        Assert.Equal(200, versionStatus);
        return (version!["definition"]!.AsObject(), number);
    }

    /// <summary>Starts the workflow and waits (up to 30 s) for the execution to end; its last representation.</summary>
    public async Task<JsonNode> RunToEndAsync(string tenant, string workflowId, JsonObject input)
    {
        var executionId = await ExecuteAsync(tenant, workflowId, input);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var execution = await ExecutionAsync(tenant, executionId);
            var state = execution!["status"]!.GetValue<string>();
            if (state is "completed" or "failed" or "cancelled" or "timed_out" || DateTime.UtcNow > deadline)
                return execution;
            await Task.Delay(200);
        }
    }

    /// <summary>The repository's examples folder, found above the test binaries.</summary>
    public static string ExamplesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Chorus.slnx")))
                return Path.Combine(dir.FullName, "examples");
        throw new InvalidOperationException("The repository root (Chorus.slnx) was not found above the test binaries.");
    }
}
