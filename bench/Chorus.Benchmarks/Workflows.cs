using System.Text.Json.Nodes;

namespace Chorus.Benchmarks;

/// <summary>The definitions the workloads run.</summary>
internal static class Workflows
{
    /// <summary>A sequence of <paramref name="steps"/> increment steps.</summary>
    public static JsonObject Sequence(int steps)
    {
        var list = new JsonArray();
        for (var i = 1; i <= steps; i++)
        {
            var step = new JsonObject { ["id"] = $"s{i}", ["type"] = "increment" };
            if (i < steps)
                step["next"] = $"s{i + 1}";
            list.Add(step);
        }
        return new JsonObject { ["name"] = $"sequence-{steps}", ["status"] = "active", ["steps"] = list };
    }

    /// <summary>W2p: a sequence of <paramref name="steps"/> built-in pure steps, each adding one to the counter as the
    /// increment step does (addField with an expression), which the engine runs inside the commit that decides them.</summary>
    public static JsonObject PureSequence(int steps)
    {
        var list = new JsonArray();
        for (var i = 1; i <= steps; i++)
        {
            var step = new JsonObject
            {
                ["id"] = $"p{i}",
                ["type"] = "addField",
                ["config"] = new JsonObject { ["field"] = "counter", ["value"] = "{{ variables.counter + 1 }}" },
            };
            if (i < steps)
                step["next"] = $"p{i + 1}";
            list.Add(step);
        }
        return new JsonObject { ["name"] = $"pure-sequence-{steps}", ["status"] = "active", ["steps"] = list };
    }

    /// <summary>A parallel step fanning out to <paramref name="branches"/> one-step branches, then a join.</summary>
    public static JsonObject FanOut(int branches)
    {
        var ids = Enumerable.Range(1, branches).Select(i => $"b{i}").ToList();
        var list = new JsonArray { new JsonObject { ["id"] = "fan", ["type"] = "parallel", ["next_steps"] = new JsonArray(ids.Select(id => (JsonNode?)id).ToArray()) } };
        foreach (var id in ids)
            list.Add(new JsonObject { ["id"] = id, ["type"] = "increment", ["next"] = "join" });
        list.Add(new JsonObject { ["id"] = "join", ["type"] = "join" });
        return new JsonObject { ["name"] = $"fan-out-{branches}", ["status"] = "active", ["steps"] = list };
    }

    /// <summary>One step that waits an hour on a timer.</summary>
    public static JsonObject TimerWait() => new()
    {
        ["name"] = "timer-wait",
        ["status"] = "active",
        ["steps"] = new JsonArray { new JsonObject { ["id"] = "wait", ["type"] = "wait", ["config"] = new JsonObject { ["duration"] = "1h" } } },
    };
}
