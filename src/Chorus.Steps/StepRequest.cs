using System.Globalization;
using System.Text.Json.Nodes;

namespace Chorus.Steps;

/// <summary>One call of a step, as the engine sent it.</summary>
/// <param name="Context">The execution context as expressions see it: <c>input</c>, <c>variables</c>, and one key per
/// finished step (its output). Empty when the caller sent none.</param>
/// <param name="Config">The step's rendered config, already checked against the step's config schema.</param>
/// <param name="IdempotencyKey">The Idempotency-Key header (<c>{execution_id}:{step_id}:{attempt}</c> from the engine):
/// the same for every delivery of one attempt. Forward it to anything external the step changes.</param>
/// <param name="ExecutionId">X-Chorus-Execution-Id, when sent.</param>
/// <param name="StepId">X-Chorus-Step-Id, when sent.</param>
/// <param name="Attempt">X-Chorus-Attempt (the engine's attempt number for this step, 0 or more), when sent.</param>
/// <param name="Tenant">X-Chorus-Tenant, when sent.</param>
public sealed record StepRequest(
    JsonObject Context,
    JsonObject Config,
    string? IdempotencyKey = null,
    string? ExecutionId = null,
    string? StepId = null,
    int? Attempt = null,
    string? Tenant = null)
{
    /// <summary>The execution's input (<c>context.input</c>), or an empty object.</summary>
    public JsonObject Input => Context["input"] as JsonObject ?? [];

    /// <summary>The node at a dotted path into the context (<c>input.user_id</c>, <c>fetch_user.email</c>,
    /// <c>items.0.id</c>; a leading <c>$.</c> is allowed), or null when any part is missing.</summary>
    public JsonNode? Find(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.StartsWith("$.", StringComparison.Ordinal))
            path = path[2..];
        JsonNode? node = Context;
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                JsonObject obj => obj[segment],
                JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                _ => null,
            };
            if (node is null)
                return null;
        }
        return node;
    }

    /// <summary>A config member as <typeparamref name="T"/> (a string, number, bool or JSON node), or
    /// <paramref name="fallback"/> when it is missing or null. A member of another type is refused with 400
    /// <c>step_configuration_error</c>.</summary>
    public T GetConfig<T>(string name, T fallback) =>
        Read(Config[name], fallback, "step_configuration_error", $"config.{name}", 400);

    /// <summary>A context value at a dotted path (see <see cref="Find"/>) as <typeparamref name="T"/>, or
    /// <paramref name="fallback"/> when missing or null. A value of another type is refused with 422 <c>invalid_input</c>.</summary>
    public T GetContext<T>(string path, T fallback) =>
        Read(Find(path), fallback, "invalid_input", $"context.{path}", 422);

    private static T Read<T>(JsonNode? node, T fallback, string code, string field, int status)
    {
        if (node is null)
            return fallback;
        if (node is T asNode)
            return asNode;
        if (node is JsonValue value && value.TryGetValue<T>(out var typed))
            return typed;
        throw new StepException(code, $"'{field}' must be {Describe(typeof(T))}, not {node.GetValueKind().ToString().ToLowerInvariant()}.",
            details: new JsonObject { ["field"] = field }, status: status);
    }

    private static string Describe(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(string) => "a string",
            var t when t == typeof(bool) => "true or false",
            var t when t == typeof(int) || t == typeof(long) => "a whole number",
            var t when t == typeof(double) || t == typeof(decimal) || t == typeof(float) => "a number",
            var t => $"a {t.Name}",
        };
}
