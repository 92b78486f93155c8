using Chorus.Engine.Definitions;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;

namespace Chorus.Server.Api;

/// <summary>Reads what a test run is given besides its input: <c>skip_time</c>, <c>events</c> and <c>inputs</c>.
/// Each bad part is refused with the field it is in, before anything starts.</summary>
internal static class TestRunRequests
{
    public const int MaxEvents = 100;
    public const int MaxInputs = 100;
    private const int MaxNameLength = 200;

    /// <summary>True when the body asks for any of them, which sends the run through the test-run driver.</summary>
    public static bool Asked(JsonObject body) => body.ContainsKey("skip_time") || body.ContainsKey("events") || body.ContainsKey("inputs");

    public static TestRunOptions Read(JsonObject body) => new()
    {
        SkipTime = body.OptionalBool("skip_time", false),
        Events = Events(body["events"]),
        Inputs = Inputs(body["inputs"]),
    };

    /// <summary><c>[{"name": "approved", "data": {...}}, ...]</c>; <c>payload</c> is taken for <c>data</c>.</summary>
    private static List<TestEvent> Events(JsonNode? node)
    {
        if (node is null)
            return [];
        if (node is not JsonArray array)
            throw Invalid("events", "'events' must be an array of {\"name\": ..., \"data\": ...}.");
        if (array.Count > MaxEvents)
            throw Invalid("events", $"'events' may hold at most {MaxEvents} events.");
        var events = new List<TestEvent>();
        for (var i = 0; i < array.Count; i++)
        {
            var field = $"events[{i}]";
            if (array[i] is not JsonObject e)
                throw Invalid(field, $"'{field}' must be an object with a name.");
            if (e["name"] is not JsonValue v || !v.TryGetValue<string>(out var name) || string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
                throw Invalid($"{field}.name", $"'{field}.name' (the event name, 1-{MaxNameLength} characters) is required.");
            if (e.ContainsKey("data") && e.ContainsKey("payload"))
                throw Invalid(field, $"'{field}' gives both data and payload; send one of them.");
            events.Add(new TestEvent(name, (e["data"] ?? e["payload"])?.DeepClone()));
        }
        return events;
    }

    /// <summary><c>{"step_id": {...input...}, ...}</c>: the manual input each step gets when it waits.</summary>
    private static Dictionary<string, JsonNode?> Inputs(JsonNode? node)
    {
        if (node is null)
            return [];
        if (node is not JsonObject map)
            throw Invalid("inputs", "'inputs' must be an object of step id to the input that step gets.");
        if (map.Count > MaxInputs)
            throw Invalid("inputs", $"'inputs' may hold at most {MaxInputs} steps.");
        var inputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (stepId, value) in map)
        {
            if (string.IsNullOrWhiteSpace(stepId) || stepId.Length > MaxNameLength)
                throw Invalid("inputs", $"Each key of 'inputs' must be a step id of 1-{MaxNameLength} characters.");
            inputs[stepId] = value?.DeepClone();
        }
        return inputs;
    }

    private static ChorusException Invalid(string field, string message) =>
        new(ErrorCodes.InvalidInput, message, new JsonObject { ["field"] = field });
}
