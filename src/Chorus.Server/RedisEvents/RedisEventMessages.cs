using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Server.RedisEvents;

/// <summary>The channels of an event and the message published on them: the event exactly as the WebSocket sends
/// it, plus <c>event_id</c> (the same on every redelivery: subscribers dedupe on it), <c>sequence</c> (grows with
/// the order of one execution's events) and <c>tenant_id</c>.</summary>
internal static class RedisEventMessages
{
    public static string ExecutionChannel(TenantId tenant, Guid executionId) => $"chorus:{tenant.Value}:execution:{executionId}";

    public static string WorkflowChannel(TenantId tenant, Guid workflowId) => $"chorus:{tenant.Value}:workflow:{workflowId}";

    /// <summary>The channels <paramref name="evt"/> goes to: its execution's and its workflow's (a workflow's own
    /// events have no execution).</summary>
    public static IEnumerable<string> ChannelsOf(EventRecord evt)
    {
        var tenant = evt.Tenant;
        if (evt.ExecutionId is { } execution)
            yield return ExecutionChannel(tenant, execution);
        if (evt.WorkflowId is { } workflow)
            yield return WorkflowChannel(tenant, workflow);
    }

    public static string Message(RelayedEvent relayed)
    {
        var message = (JsonObject)relayed.Event.Payload.DeepClone();
        message["event_id"] = relayed.Event.Id;
        message["sequence"] = relayed.Sequence;
        message["tenant_id"] = relayed.Event.Tenant.Value;
        return message.ToJsonString();
    }
}
