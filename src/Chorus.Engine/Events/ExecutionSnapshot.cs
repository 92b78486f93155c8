using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Events;

/// <summary>An execution's current state as the events a live subscriber would have seen last, with the same
/// fields: a <c>workflow_execution_update</c>, then for an ended execution what its end carried live
/// (<c>workflow_execution_error</c> when it failed, then <c>workflow_execution_completed</c>). Sent to a client that
/// subscribes to the execution, so one that arrives after the end, or reconnects, misses nothing.</summary>
public static class ExecutionSnapshot
{
    public static IReadOnlyList<JsonObject> Of(ExecutionRecord execution, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var at = execution.CompletedAt ?? now;
        var events = new List<JsonObject>(3)
        {
            ExecutionEvents.ExecutionUpdate(execution, at, execution.CurrentStep, $"Execution {execution.Status.ToWire()}").Payload,
        };
        if (execution.Status == ExecutionStatus.Failed)
            events.Add(ExecutionEvents.ExecutionError(execution, at, execution.Error ?? new JsonObject()).Payload);
        if (execution.IsTerminal)
            events.Add(ExecutionEvents.ExecutionFinished(execution, at).Payload);
        return events;
    }
}
