using System.Text.Json.Nodes;

namespace Chorus.Engine.Steps;

/// <summary>What an editor needs to offer a step type: what it does, where it belongs, and JSON Schemas of its config
/// and output (an empty schema allows anything).</summary>
public sealed record StepDescription
{
    /// <summary>The step type (or remote step name) as written in definitions.</summary>
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>control_flow, data, integration, human, or custom for an application's own types.</summary>
    public string Category { get; init; } = "custom";
    public JsonObject ConfigSchema { get; init; } = new();
    public JsonObject OutputSchema { get; init; } = new();
    /// <summary>built_in, local (registered by the application) or remote (offered by a steps service).</summary>
    public string Source { get; init; } = "local";
    /// <summary>The steps service offering it, for a remote step.</summary>
    public Uri? Service { get; init; }
    /// <summary>For a remote step: the application also registered a handler of this name, which runs when the
    /// service cannot answer.</summary>
    public bool LocalFallback { get; init; }
}
