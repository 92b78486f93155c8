using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Definitions;

/// <summary>Turns workflow JSON (SPEC §2, seeds 002 and 003) into a <see cref="WorkflowDefinition"/>.</summary>
internal static partial class DefinitionParser
{
    internal const int MaxSteps = 500;
    internal const int MaxConcurrencyLimit = 100_000;
    internal const string DefaultName = "Untitled workflow";
    private const int MaxNameLength = 200;
    private const int MaxDescriptionLength = 10_000;
    // Deeper JSON than this cannot come from JsonNode.Parse's defaults and would only be an attempt to
    // exhaust the stack of whoever copies or serializes the definition later.
    private const int MaxJsonDepth = 64;

    /// <summary>Returns the definition, or null with the shape errors (missing fields, wrong JSON types).</summary>
    public static WorkflowDefinition? Parse(JsonNode? json, out IReadOnlyList<DefinitionError> errors)
    {
        var list = new List<DefinitionError>();
        WorkflowDefinition? definition;
        try
        {
            definition = ParseWorkflow(json, list);
        }
        // The input is anything a client sent. JsonNode can still throw lazily (duplicate keys in a
        // parsed object, values wrapping CLR objects), and saving must turn that into an error, not a 500.
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or JsonException
                                       or NotSupportedException or FormatException or InsufficientExecutionStackException)
        {
            list.Add(new DefinitionError(null, "", $"The definition could not be read: {ex.Message}"));
            definition = null;
        }
        errors = list;
        return list.Count == 0 ? definition : null;
    }

    private static WorkflowDefinition? ParseWorkflow(JsonNode? json, List<DefinitionError> errors)
    {
        if (json is not JsonObject root)
        {
            errors.Add(new DefinitionError(null, "", $"A workflow definition must be a JSON object, not {Describe(json)}."));
            return null;
        }

        var at = new Location(null, "");
        RefuseNulCharacters(root, errors);
        RefuseUnknownFields(root, WorkflowFields, at, errors);
        var name = ReadString(root, "name", at, errors, MaxNameLength, allowEmpty: false) ?? DefaultName;
        var description = ReadString(root, "description", at, errors, MaxDescriptionLength, allowEmpty: true);
        var version = ReadString(root, "version", at, errors, 50, allowEmpty: false);
        var status = ReadStatus(root, errors);
        var inputSchema = ReadObject(root, "input_schema", at, errors);
        var startAt = ReadString(root, "start_at", at, errors, MaxIdLength, allowEmpty: false);
        var timeout = ReadDuration(root, "timeout", at, errors);
        var concurrencyLimit = ReadConcurrencyLimit(root, at, errors);
        var searchAttributes = ReadSearchAttributes(root, at, errors);
        var steps = ReadSteps(root, errors);
        var tests = ReadTests(root, errors);

        return new WorkflowDefinition
        {
            Name = name,
            Description = description,
            Version = version,
            Status = status,
            InputSchema = inputSchema,
            StartAt = startAt,
            Timeout = timeout,
            MaxConcurrentExecutions = concurrencyLimit,
            SearchAttributes = searchAttributes,
            Steps = steps,
            Tests = tests,
        };
    }

    private static int? ReadConcurrencyLimit(JsonObject root, Location at, List<DefinitionError> errors)
    {
        const string key = "max_concurrent_executions";
        if (root[key] is not { } node)
            return null;
        if (node.GetValueKind() != JsonValueKind.Number || !Durations.TryReadNumber(node, out var limit)
            || limit != Math.Floor(limit) || limit < 1 || limit > MaxConcurrencyLimit)
        {
            errors.Add(at.Error(key, $"'{key}' must be a whole number from 1 to {MaxConcurrencyLimit}."));
            return null;
        }
        return (int)limit;
    }

    private static WorkflowStatus ReadStatus(JsonObject root, List<DefinitionError> errors)
    {
        var text = ReadString(root, "status", new Location(null, ""), errors, 20, allowEmpty: false);
        switch (text)
        {
            case null or "active": return WorkflowStatus.Active;
            case "draft": return WorkflowStatus.Draft;
            case "archived": return WorkflowStatus.Archived;
            default:
                errors.Add(new DefinitionError(null, "status", "Status must be one of draft, active, archived."));
                return WorkflowStatus.Active;
        }
    }

    private static List<StepDefinition> ReadSteps(JsonObject root, List<DefinitionError> errors)
    {
        var steps = new List<StepDefinition>();
        var node = root["steps"];
        if (node is null)
        {
            errors.Add(new DefinitionError(null, "steps", "A workflow needs at least one step."));
            return steps;
        }
        if (node is not JsonArray array)
        {
            errors.Add(new DefinitionError(null, "steps", $"Steps must be an array, not {Describe(node)}."));
            return steps;
        }
        if (array.Count == 0)
        {
            errors.Add(new DefinitionError(null, "steps", "A workflow needs at least one step."));
            return steps;
        }
        if (array.Count > MaxSteps)
        {
            errors.Add(new DefinitionError(null, "steps", $"A workflow has at most {MaxSteps} steps; this one has {array.Count}."));
            return steps;
        }
        for (var i = 0; i < array.Count; i++)
        {
            if (ReadStep(array[i], i, errors) is { } step)
                steps.Add(step);
        }
        return steps;
    }

    /// <summary>Where an error belongs: the step id when the step has a usable one, otherwise the step's index.</summary>
    private readonly record struct Location(string? StepId, string Prefix)
    {
        public DefinitionError Error(string field, string message) => new(StepId, Prefix + field, message);
    }

    private static string? ReadString(JsonObject obj, string key, Location at, List<DefinitionError> errors,
        int maxLength, bool allowEmpty)
    {
        var node = obj[key];
        if (node is null)
            return null;
        if (node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(at.Error(key, $"'{key}' must be a string, not {Describe(node)}."));
            return null;
        }
        var text = node.GetValue<string>();
        if (!allowEmpty && string.IsNullOrWhiteSpace(text))
        {
            errors.Add(at.Error(key, $"'{key}' must not be empty."));
            return null;
        }
        if (text.Length > maxLength)
        {
            errors.Add(at.Error(key, $"'{key}' must be at most {maxLength} characters."));
            return null;
        }
        return text;
    }

    private static JsonObject? ReadObject(JsonObject obj, string key, Location at, List<DefinitionError> errors)
    {
        var node = obj[key];
        if (node is null)
            return null;
        if (node is not JsonObject value)
        {
            errors.Add(at.Error(key, $"'{key}' must be an object, not {Describe(node)}."));
            return null;
        }
        return Detach(value, key, at, errors) as JsonObject;
    }

    /// <summary>Copies the node so the definition shares no mutable JSON with the caller's document.</summary>
    private static JsonNode? Detach(JsonNode node, string field, Location at, List<DefinitionError> errors)
    {
        if (DepthExceeds(node, MaxJsonDepth))
        {
            errors.Add(at.Error(field, $"'{field}' is nested more than {MaxJsonDepth} levels deep."));
            return null;
        }
        return node.DeepClone();
    }

    private static bool DepthExceeds(JsonNode root, int max)
    {
        // Iterative so that a hostile, very deep document cannot overflow the stack here.
        var pending = new Stack<(JsonNode Node, int Depth)>();
        pending.Push((root, 1));
        while (pending.Count > 0)
        {
            var (node, depth) = pending.Pop();
            if (depth > max)
                return true;
            IEnumerable<JsonNode?> children = node switch
            {
                JsonObject o => o.Select(p => p.Value),
                JsonArray a => a,
                _ => [],
            };
            foreach (var child in children)
                if (child is not null)
                    pending.Push((child, depth + 1));
        }
        return false;
    }

    private static TimeSpan? ReadDuration(JsonObject obj, string key, Location at, List<DefinitionError> errors)
    {
        var node = obj[key];
        if (node is null)
            return null;
        if (!Durations.TryParse(node, out var duration))
        {
            errors.Add(at.Error(key, $"'{key}' must be a duration: seconds as a number, \"30s\", \"5m\", \"2h\", \"1d\" or ISO-8601 such as \"PT5M\"."));
            return null;
        }
        if (duration <= TimeSpan.Zero)
        {
            errors.Add(at.Error(key, $"'{key}' must be positive."));
            return null;
        }
        return duration;
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "a value",
        },
    };
}
