using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Reshapes a list of records (objects): splits a text field into several (<c>"Ada Lovelace"</c> into
/// first and last name), renames fields, and drops fields. Output <c>{records, count}</c>; the input is not changed.</summary>
internal sealed class SplitColumnsStep : IStepHandler
{
    public string Type => "splitColumns";

    internal const int MaxRecords = 100_000;
    private const int MaxSplits = 50;
    private const int MaxSeparatorLength = 100;

    private sealed record Split(string Field, string Separator, IReadOnlyList<string> Into, bool Remove);

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var config = context.Config;
        if (config["records"] is not JsonArray records)
            throw new StepConfigurationException($"splitColumns needs config.records to be a list of records, not {Kind(config["records"])}.");
        if (records.Count > MaxRecords)
            throw new StepConfigurationException($"splitColumns takes at most {MaxRecords:N0} records; config.records has {records.Count:N0}.");
        var splits = SplitsOf(config);
        var renames = config["rename"] as JsonObject ?? [];
        var drops = (config["drop"] as JsonArray ?? []).Select(d => (string?)d).OfType<string>().ToList();
        var output = new JsonArray();
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] is not JsonObject source)
                throw new StepConfigurationException($"config.records[{i}] is {Kind(records[i])}; splitColumns reshapes objects.");
            output.Add(Reshape((JsonObject)source.DeepClone(), splits, renames, drops));
        }
        return Task.FromResult<StepResult>(StepResult.Done(new JsonObject { ["records"] = output, ["count"] = output.Count }));
    }

    /// <summary>Splits first (so a split's new fields can be renamed or dropped), then renames, then drops.</summary>
    private static JsonObject Reshape(JsonObject record, IReadOnlyList<Split> splits, JsonObject renames, IReadOnlyList<string> drops)
    {
        foreach (var split in splits)
        {
            // A field that is missing, null or not text gives nulls: one bad row does not stop the others.
            var text = record[split.Field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            // The last field takes the rest, separators included: "a,b,c" into two gives "a" and "b,c".
            var parts = text?.Split(split.Separator, split.Into.Count) ?? [];
            for (var p = 0; p < split.Into.Count; p++)
                record[split.Into[p]] = p < parts.Length ? parts[p].Trim() : null;
            if (split.Remove && !split.Into.Contains(split.Field))
                record.Remove(split.Field);
        }
        foreach (var (from, to) in renames)
            if (to is JsonValue name && name.TryGetValue<string>(out var target) && record.Remove(from, out var value))
                record[target] = value;
        foreach (var drop in drops)
            record.Remove(drop);
        return record;
    }

    private static List<Split> SplitsOf(JsonObject config) =>
        (config["split"] as JsonArray ?? []).OfType<JsonObject>().Select(s => new Split(
            (string)s["field"]!,
            s["separator"] is JsonValue sep && sep.TryGetValue<string>(out var separator) ? separator : " ",
            s["into"]!.AsArray().Select(n => (string)n!).ToList(),
            s["remove"] is JsonValue r && r.TryGetValue<bool>(out var remove) && remove)).ToList();

    private static string Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        null => "missing",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        var config = step.Config;
        if (!config.ContainsKey("records"))
            yield return new("config.records", "Required: the list of records, usually a placeholder such as \"{{ $.fetch.body.rows }}\".");
        else if (config["records"] is not JsonArray && !(config["records"] is JsonValue literal && IsPlaceholder(literal)))
            yield return new("config.records", "Must be a list of records or a placeholder that gives one.");
        if (!config.ContainsKey("split") && !config.ContainsKey("rename") && !config.ContainsKey("drop"))
            yield return new("config.split", "Give at least one of split, rename and drop.");
        if (config["split"] is { } splitNode)
        {
            if (splitNode is not JsonArray splits || splits.Count is 0 or > MaxSplits)
                yield return new("config.split", $"Must be a list of 1 to {MaxSplits} splits: {{\"field\", \"separator\", \"into\": [names]}}.");
            else
                for (var i = 0; i < splits.Count; i++)
                    foreach (var issue in SplitIssues(splits[i], $"config.split[{i}]"))
                        yield return issue;
        }
        if (config["rename"] is { } rename && (rename is not JsonObject names || names.Any(p => p.Value is not JsonValue v || !v.TryGetValue<string>(out var n) || n.Length == 0)))
            yield return new("config.rename", "Must be an object of field name to new name, e.g. {\"mail\": \"email\"}.");
        if (config["drop"] is { } drop && (drop is not JsonArray fields || fields.Any(f => f is not JsonValue v || !v.TryGetValue<string>(out _))))
            yield return new("config.drop", "Must be a list of field names.");
    }

    private static IEnumerable<StepConfigIssue> SplitIssues(JsonNode? node, string at)
    {
        if (node is not JsonObject split)
        {
            yield return new(at, "Must be an object: {\"field\", \"separator\", \"into\": [names]}.");
            yield break;
        }
        if (split["field"] is not JsonValue field || !field.TryGetValue<string>(out var name) || name.Length == 0)
            yield return new($"{at}.field", "Required: the field to split.");
        if (split["separator"] is { } separator && (separator is not JsonValue sep || !sep.TryGetValue<string>(out var text) || text.Length is 0 or > MaxSeparatorLength))
            yield return new($"{at}.separator", $"Must be text of 1 to {MaxSeparatorLength} characters (default: a space).");
        if (split["into"] is not JsonArray into || into.Count is 0 or > MaxSplits
            || into.Any(n => n is not JsonValue v || !v.TryGetValue<string>(out var f) || f.Length == 0)
            || into.Select(n => (string?)n).Distinct(StringComparer.Ordinal).Count() != into.Count)
            yield return new($"{at}.into", $"Required: 1 to {MaxSplits} distinct names for the parts.");
        if (split["remove"] is { } remove && remove.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            yield return new($"{at}.remove", "Must be true or false.");
    }

    private static bool IsPlaceholder(JsonValue value) =>
        value.TryGetValue<string>(out var text) && text.TrimStart().StartsWith("{{", StringComparison.Ordinal);
}
