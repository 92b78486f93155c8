using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Server.EventRelays;

/// <summary>The message a relayed event becomes, whatever the system: the event exactly as the WebSocket sends it,
/// plus <c>event_id</c> (the same on every redelivery: subscribers dedupe on it), <c>sequence</c> (grows with the order
/// of one execution's events) and <c>tenant_id</c>.</summary>
internal static class RelayedEventMessage
{
    public static string Json(RelayedEvent relayed)
    {
        var message = (JsonObject)relayed.Event.Payload.DeepClone();
        message["event_id"] = relayed.Event.Id;
        message["sequence"] = relayed.Sequence;
        message["tenant_id"] = relayed.Event.Tenant.Value;
        return message.ToJsonString();
    }

    /// <summary>The batch split by execution (a workflow's own events, which have no execution, by workflow), each part
    /// in the batch's order: parts can go out side by side, the events of one part one after the other.</summary>
    public static IEnumerable<List<RelayedEvent>> ByExecution(IReadOnlyList<RelayedEvent> batch) =>
        batch.GroupBy(r => (r.Event.ExecutionId, r.Event.ExecutionId is null ? r.Event.WorkflowId : null)).Select(g => g.ToList());
}
