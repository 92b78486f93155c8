using System.Text.Json.Nodes;

namespace Chorus.EndToEnd.Tests.Crash;

/// <summary>The definitions the crash tests run: every effect is an http POST carrying the execution's tag
/// and the step id, so the effects endpoint can count calls per (execution, step).</summary>
internal static class CrashWorkflows
{
    public static JsonObject Sequence(string effectsUrl, int steps)
    {
        var list = new JsonArray();
        for (var i = 1; i <= steps; i++)
        {
            var step = Effect($"s{i}", effectsUrl);
            if (i < steps)
                step["next"] = $"s{i + 1}";
            list.Add(step);
        }
        return new JsonObject { ["name"] = "crash-sequence", ["steps"] = list };
    }

    /// <summary>An effect, a three-second timer, another effect.</summary>
    public static JsonObject Timer(string effectsUrl)
    {
        var before = Effect("before", effectsUrl);
        before["next"] = "pause";
        var after = Effect("after", effectsUrl);
        return new JsonObject
        {
            ["name"] = "crash-timer",
            ["steps"] = new JsonArray
            {
                before,
                new JsonObject { ["id"] = "pause", ["name"] = "pause", ["type"] = "wait", ["config"] = new JsonObject { ["duration"] = "3s" }, ["next"] = "after" },
                after,
            },
        };
    }

    /// <summary>An http step that POSTs the execution's tag and its own id to the effects endpoint.</summary>
    public static JsonObject Effect(string id, string effectsUrl) => new()
    {
        ["id"] = id,
        ["name"] = id,
        ["type"] = "http",
        ["config"] = new JsonObject
        {
            ["method"] = "POST",
            ["url"] = effectsUrl,
            ["body"] = new JsonObject { ["tag"] = "{{ $.input.tag }}", ["step"] = id },
        },
    };
}
