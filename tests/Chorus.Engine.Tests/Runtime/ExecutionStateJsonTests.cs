using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>The execution's state as every commit stores it: what a step does not use is left out, and what a waiting
/// step needs comes back as it was.</summary>
public sealed class ExecutionStateJsonTests
{
    [Fact]
    public void ACompletedStep_IsStoredWithoutItsEmptyFields()
    {
        var state = new ExecutionState();
        state.Steps["a"] = new StepState { Status = StepStatus.Completed };

        var step = JsonNode.Parse(state.ToJson())!["steps"]!["a"]!.AsObject();

        Assert.Equal(["status", "attempt", "round_start"], step.Select(p => p.Key));
        Assert.Equal("Completed", (string?)step["status"]);
    }

    [Fact]
    public void AWaitingStep_KeepsEveryField_ThroughTheStoredForm()
    {
        var child = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 12, 7, 21, 0, 0, TimeSpan.Zero);
        var state = new ExecutionState();
        state.Steps["w"] = new StepState
        {
            Status = StepStatus.Waiting, Attempt = 3, RoundStart = 2, WaitingFor = "approve", SignalKind = "manual", Child = child,
            InputSchema = new JsonObject { ["type"] = "object" }, StartedAt = at,
        };

        var back = ExecutionState.FromJson(state.ToJson()).Steps["w"];

        Assert.Equal((StepStatus.Waiting, 3, 2, "approve", "manual", child, at), (back.Status, back.Attempt, back.RoundStart, back.WaitingFor, back.SignalKind, back.Child, back.StartedAt));
        Assert.Equal("object", (string?)back.InputSchema!["type"]);
    }

    [Fact]
    public void AStateStoredWithItsEmptyFieldsSpelledOut_StillReads()
    {
        const string before = """{"steps":{"a":{"status":"Running","attempt":2,"round_start":1,"waiting_for":null,"signal_kind":null,"child":null,"input_schema":null,"started_at":null}},"arrivals":{},"last_completed":null}""";

        var step = ExecutionState.FromJson(before).Steps["a"];

        Assert.Equal((StepStatus.Running, 2, (string?)null, (Guid?)null), (step.Status, step.Attempt, step.WaitingFor, step.Child));
    }
}
