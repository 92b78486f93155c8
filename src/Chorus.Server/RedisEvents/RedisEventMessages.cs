using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Server.RedisEvents;

/// <summary>The channels an event is published on; the message itself is <see cref="EventRelays.RelayedEventMessage"/>.</summary>
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
}
