using System.Text.Json.Nodes;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;

namespace Chorus.Server.Api;

/// <summary>The parts of a test-execute answer that only a driven test run has: virtual times, what it still waits
/// for, and what it was given that nothing waited for.</summary>
internal static class TestRunAnswers
{
    public static void Add(JsonObject json, TestRunResult result, TestRunOptions options)
    {
        var clock = result.Clock;
        var e = result.Execution;
        json["skip_time"] = options.SkipTime;
        json["virtual_time"] = new JsonObject
        {
            ["skipped_ms"] = (long)clock.Offset.TotalMilliseconds,
            ["jumps"] = clock.Jumps,
            ["started_at"] = Representations.Iso(e.StartedAt is { } s ? clock.ToVirtual(s) : null),
            ["completed_at"] = Representations.Iso(e.CompletedAt is { } c ? clock.ToVirtual(c) : null),
        };
        // Not waiting_for, which every execution has for all its waiting steps: these are the ones the run was not given.
        json["missing"] = new JsonArray(result.WaitingFor.Select(w => (JsonNode?)new JsonObject
        {
            ["execution_id"] = w.ExecutionId.ToString(),
            ["step_id"] = w.StepId,
            ["kind"] = w.Kind,
            ["name"] = w.Name,
        }).ToArray());
        json["unused_events"] = new JsonArray(result.UnusedEvents.Select(n => (JsonNode?)n).ToArray());
        json["unused_inputs"] = new JsonArray(result.UnusedInputs.Select(n => (JsonNode?)n).ToArray());
    }

    /// <summary>A step run with its real times and the virtual times the run's clock gave them.</summary>
    public static JsonObject StepRun(StepRunRecord run, VirtualClock clock)
    {
        var json = Representations.StepRun(run);
        json["virtual_started_at"] = Representations.Iso(clock.ToVirtual(run.StartedAt));
        json["virtual_finished_at"] = Representations.Iso(run.FinishedAt is { } f ? clock.ToVirtual(f) : null);
        return json;
    }
}
