using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Durations in step configs: the forms of <see cref="Durations"/>, but never negative (a wait or a
/// timeout cannot point into the past).</summary>
internal static class StepDurations
{
    public static bool TryParse(JsonNode? node, out TimeSpan duration) =>
        Durations.TryParse(node, out duration) && duration >= TimeSpan.Zero;
}
