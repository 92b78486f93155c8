using System.CommandLine;
using System.Text.Json.Nodes;
using Chorus.Client;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus demo discovery</c>: installs the Discovery workflow (examples/discovery.json) on a running server
/// under the id that the steps-microservice system's own scripts use, so they run unchanged.</summary>
internal static class DemoCommand
{
    /// <summary>The workflow id of the steps-microservice system's demo; its curl examples start this id.</summary>
    public const string DiscoveryId = "01234567-89ab-cdef-0123-456789abcdef";

    public static Command Create()
    {
        var api = new ApiOptions();
        var command = new Command("demo", "Install a demo workflow on a running server.");
        api.AddTo(command);

        var discovery = new Command("discovery",
            $"Install the Discovery workflow (its steps run on the steps service: start it and set STEPS_SVC_URL on the server) under id {DiscoveryId}; "
            + "running it again saves it as a new version only when it changed.");
        discovery.SetAction((parse, ct) => api.RunAsync(parse, client => InstallDiscoveryAsync(client, ct)));
        command.Add(discovery);
        return command;
    }

    private static async Task<int> InstallDiscoveryAsync(ChorusClient client, CancellationToken ct)
    {
        var saved = await client.Workflows.UpdateAsync(DiscoveryId, ReadDiscovery(), ct);
        Console.Out.WriteLine($"installed workflow {saved.Id} '{saved.Name}' (version {saved.CurrentVersion})");
        Console.Out.WriteLine("""start it with: POST /api/executions {"workflow_id": "01234567-89ab-cdef-0123-456789abcdef", "mode": "automatic", "initial_data": {"user_id": 2, "dynamic_properties": {"propiedadA": "admin"}}}""");
        return ExitCodes.Ok;
    }

    private static JsonObject ReadDiscovery()
    {
        using var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream("discovery.json")
            ?? throw new InvalidOperationException("The Discovery workflow is not embedded in this build.");
        return JsonNode.Parse(stream)!.AsObject();
    }
}
