using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Expressions;

/// <summary>"{{ expr }}" placeholders inside any string of a step's config. A string that is exactly one
/// placeholder keeps the value's JSON type; otherwise values are written into the text.</summary>
internal static class Templates
{
    private const int MaxCached = 10_000;

    // Config strings come from saved definitions and repeat on every execution, so compile each once.
    private static readonly ConcurrentDictionary<string, Template> Cache = new(StringComparer.Ordinal);

    /// <summary>Returns a new node with every placeholder filled from <paramref name="context"/>; the input is
    /// not changed. Paths without <c>$</c> (e.g. <c>variables.email</c>) are read from the context root.</summary>
    public static JsonNode? Render(JsonNode? node, JsonNode? context) => Render(node, context, TimeProvider.System);

    /// <summary>What one config may render in all unless the caller says otherwise (the default CONTEXT_MAX_BYTES).</summary>
    internal const long DefaultMaxRenderedBytes = 8 * 1024 * 1024;

    /// <summary>As <see cref="Render(JsonNode?, JsonNode?)"/> with the clock used by <c>now()</c>.</summary>
    internal static JsonNode? Render(JsonNode? node, JsonNode? context, TimeProvider time) =>
        Render(node, context, time, DefaultMaxRenderedBytes);

    /// <summary>As <see cref="Render(JsonNode?, JsonNode?, TimeProvider)"/>, refusing (context_too_large) once the
    /// placeholders have rendered more than <paramref name="maxBytes"/> in all: each value is measured as it is
    /// produced, so a config that repeats a large value stops at the first copy past the limit.</summary>
    internal static JsonNode? Render(JsonNode? node, JsonNode? context, TimeProvider time, long maxBytes) =>
        Render(node, context, time, new RenderBudget(maxBytes));

    private static JsonNode? Render(JsonNode? node, JsonNode? context, TimeProvider time, RenderBudget budget)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj) copy[key] = Render(value, context, time, budget);
                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array) items.Add(Render(item, context, time, budget));
                return items;
            default:
                if (!JsonValues.IsString(node, out var text) || !HasPlaceholders(text))
                    return node.DeepClone();
                var rendered = Get(text).Render(context, time);
                budget.Spend(rendered);
                return rendered;
        }
    }

    /// <summary>Parse errors of every placeholder in the node, with the JSON path of the string that holds it.</summary>
    public static IReadOnlyList<TemplateError> Validate(JsonNode? node)
    {
        var errors = new List<TemplateError>();
        Collect(node, JsonPaths.Root, errors);
        return errors;
    }

    private static void Collect(JsonNode? node, string path, List<TemplateError> errors)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj) Collect(value, JsonPaths.Member(path, key), errors);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Collect(array[i], JsonPaths.Index(path, i), errors);
                break;
            default:
                if (JsonValues.IsString(node, out var text) && HasPlaceholders(text))
                    errors.AddRange(Get(text).Errors.Select(e => new TemplateError(path, e.Message, e.Position)));
                break;
        }
    }

    private static bool HasPlaceholders(string text) => text.Contains("{{", StringComparison.Ordinal);

    private static Template Get(string text)
    {
        if (Cache.TryGetValue(text, out var cached)) return cached;
        var template = Template.Compile(text);
        if (Cache.Count >= MaxCached) Cache.Clear();
        return Cache.GetOrAdd(text, template);
    }
}

/// <summary>The bytes a config's placeholders may still render.</summary>
internal sealed class RenderBudget(long maxBytes)
{
    private readonly long _max = maxBytes;

    public long Remaining { get; private set; } = maxBytes;

    public void Spend(JsonNode? rendered)
    {
        var measure = JsonBudget.Of(rendered, Remaining, Storage.StoredJson.MaxReadDepth);
        Remaining -= measure.Bytes;
        if (measure.Verdict == JsonBudget.Verdict.TooLarge)
            throw new LimitExceededException(ErrorCodes.ContextTooLarge,
                $"The step's config renders to more than {_max} bytes (CONTEXT_MAX_BYTES).");
    }
}

internal sealed record TemplateError(string Path, string Message, int Position);
