using System.Text.Json.Nodes;

namespace Chorus.Engine.Definitions;

/// <summary>What changed between two versions of a definition, compared on their JSON so that fields the
/// parser does not model (an editor's node positions, say) still count as changes of the step.</summary>
/// <param name="AddedSteps">Ids only in the newer version, in its order.</param>
/// <param name="RemovedSteps">Ids only in the older version, in its order.</param>
/// <param name="ChangedSteps">Steps in both whose JSON differs, in the newer version's order.</param>
/// <param name="ChangedFields">Workflow-level fields that differ: name, description, version, input_schema,
/// start_at, timeout.</param>
public sealed record DefinitionDiff(
    IReadOnlyList<string> AddedSteps,
    IReadOnlyList<string> RemovedSteps,
    IReadOnlyList<StepChange> ChangedSteps,
    IReadOnlyList<string> ChangedFields)
{
    private static readonly string[] WorkflowFields = ["name", "description", "version", "input_schema", "start_at", "timeout", "max_concurrent_executions", "search_attributes"];

    public bool IsEmpty => AddedSteps.Count == 0 && RemovedSteps.Count == 0 && ChangedSteps.Count == 0 && ChangedFields.Count == 0;

    public static DefinitionDiff Compare(JsonObject from, JsonObject to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);

        // An absent field and an explicit null mean the same to the parser, so they compare equal here.
        var changedFields = WorkflowFields.Where(f => !JsonNode.DeepEquals(from[f], to[f])).ToList();

        var oldSteps = StepsById(from);
        var newSteps = StepsById(to);
        var added = newSteps.Keys.Where(id => !oldSteps.ContainsKey(id)).ToList();
        var removed = oldSteps.Keys.Where(id => !newSteps.ContainsKey(id)).ToList();
        var changed = new List<StepChange>();
        foreach (var (id, step) in newSteps)
        {
            if (!oldSteps.TryGetValue(id, out var old))
                continue;
            var fields = FieldNames(old, step).Where(f => !JsonNode.DeepEquals(old[f], step[f])).ToList();
            if (fields.Count > 0)
                changed.Add(new StepChange(id, fields));
        }
        return new DefinitionDiff(added, removed, changed, changedFields);
    }

    /// <summary>Steps keyed by id in document order. Items without a string id cannot be matched across
    /// versions and are left out; a repeated id keeps its first step, as the graph does.</summary>
    private static OrderedDictionary<string, JsonObject> StepsById(JsonObject workflow)
    {
        var steps = new OrderedDictionary<string, JsonObject>(StringComparer.Ordinal);
        if (workflow["steps"] is not JsonArray array)
            return steps;
        foreach (var item in array)
        {
            if (item is JsonObject step && StepRoutes.AsString(step["id"]) is { } id)
                steps.TryAdd(id, step);
        }
        return steps;
    }

    private static IEnumerable<string> FieldNames(JsonObject old, JsonObject current) =>
        old.Select(p => p.Key).Concat(current.Select(p => p.Key)).Distinct(StringComparer.Ordinal);
}

/// <summary>A step present in both versions and the top-level fields of it that differ, e.g. "config", "next".</summary>
public sealed record StepChange(string StepId, IReadOnlyList<string> Fields);
