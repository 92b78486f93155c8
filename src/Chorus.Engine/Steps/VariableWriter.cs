using System.Text.Json.Nodes;
using Chorus.Engine.Runtime;

namespace Chorus.Engine.Steps;

/// <summary>Collects writes into <c>$.variables</c> for one step. The engine replaces whole top-level
/// variables, so a dotted write ("a.b") copies the current top-level value and returns it updated.</summary>
internal sealed class VariableWriter(JsonObject data, ExecutionLimits limits)
{
    private readonly Dictionary<string, JsonNode?> _written = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, JsonNode?> Written => _written;

    public void Set(string path, JsonNode? value)
    {
        var segments = StepJson.Segments(path).ToList();
        if (segments.Count == 0 || segments[0].Name is not { Length: > 0 } top)
            throw new StepConfigurationException($"'{path}' is not a variable name.");
        CheckLimits(path, segments, limits);
        if (segments.Count == 1)
        {
            _written[top] = value?.DeepClone();
            return;
        }
        var root = _written.TryGetValue(top, out var pending) ? pending : data["variables"]?[top]?.DeepClone();
        var wantsArray = segments[1].Index is not null;
        var container = wantsArray
            ? root as JsonArray ?? new JsonArray()
            : root as JsonObject ?? (JsonNode)new JsonObject();
        _written[top] = container;
        for (var i = 1; i < segments.Count; i++)
        {
            var last = i == segments.Count - 1;
            var next = segments[i];
            var child = last ? value?.DeepClone() : null;
            container = Step(container!, next, segments.ElementAtOrDefault(i + 1), child, last, path);
        }
    }

    /// <summary>Refuses a path before anything is built: each segment after the first is one level of nesting,
    /// and an index is an array that long.</summary>
    internal static void CheckLimits(string path, IReadOnlyList<StepJson.PathSegment> segments, ExecutionLimits limits)
    {
        if (segments.Count - 1 > limits.MaxJsonDepth)
            throw new LimitExceededException(ErrorCodes.JsonTooDeep,
                $"Field path '{Shorten(path)}' nests {segments.Count - 1} levels; at most {limits.MaxJsonDepth} (JSON_MAX_DEPTH).");
        if (segments.FirstOrDefault(s => s.Index > limits.MaxArrayIndex) is { Index: { } index })
            throw new LimitExceededException(ErrorCodes.ArrayIndexTooLarge,
                $"Field path '{Shorten(path)}' writes index {index}; at most {limits.MaxArrayIndex} (JSON_MAX_ARRAY_INDEX).");
    }

    private static string Shorten(string path) => path.Length > 100 ? path[..100] + "..." : path;

    /// <summary>Moves one segment down, creating objects (or arrays before an index) on the way.</summary>
    private static JsonNode? Step(JsonNode container, StepJson.PathSegment segment, StepJson.PathSegment following,
        JsonNode? value, bool last, string path)
    {
        JsonNode? Fresh() => following.Index is null ? new JsonObject() : new JsonArray();
        if (segment.Name is { } name)
        {
            if (container is not JsonObject obj)
                throw new StepConfigurationException($"Cannot set '{path}': '{name}' is inside a non-object.");
            if (last)
                obj[name] = value;
            else if (!Fits(obj[name], following))
                obj[name] = Fresh();
            return last ? null : obj[name];
        }
        var index = segment.Index!.Value;
        if (container is not JsonArray array)
            throw new StepConfigurationException($"Cannot set '{path}': index {index} is inside a non-array.");
        while (array.Count <= index)
            array.Add(null);
        if (last)
            array[index] = value;
        else if (!Fits(array[index], following))
            array[index] = Fresh();
        return last ? null : array[index];
    }

    /// <summary>A value in the way of a deeper write is replaced, as assigning into a scalar would be.</summary>
    private static bool Fits(JsonNode? node, StepJson.PathSegment following) =>
        following.Index is null ? node is JsonObject : node is JsonArray;
}
