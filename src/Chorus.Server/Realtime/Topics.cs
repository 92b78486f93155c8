using Chorus.Engine.Events;
using Chorus.Engine.Storage;

namespace Chorus.Server.Realtime;

/// <summary>What a client can subscribe to (SPEC §6): one workflow, one execution, or everything of a kind in
/// its tenant. Topics are kept in one normalized spelling so "execution:ABC…" and "execution:abc…" are the same.</summary>
internal static class Topics
{
    public const string AllExecutions = "all_executions";
    public const string AllWorkflows = "all_workflows";
    private const string WorkflowPrefix = "workflow:";
    private const string ExecutionPrefix = "execution:";

    public const string Forms = "workflow:<id>, execution:<id>, all_workflows or all_executions";

    /// <summary>The normalized topic, or null when <paramref name="text"/> is none of the forms (ids are UUIDs,
    /// since every workflow and execution id is one).</summary>
    public static string? Normalize(string text)
    {
        if (text is AllExecutions or AllWorkflows)
            return text;
        if (text.StartsWith(WorkflowPrefix, StringComparison.Ordinal) && Guid.TryParse(text.AsSpan(WorkflowPrefix.Length), out var workflow))
            return Workflow(workflow);
        if (text.StartsWith(ExecutionPrefix, StringComparison.Ordinal) && Guid.TryParse(text.AsSpan(ExecutionPrefix.Length), out var execution))
            return Execution(execution);
        return null;
    }

    /// <summary>The execution of an <c>execution:&lt;id&gt;</c> topic (normalized), else null.</summary>
    public static Guid? ExecutionOf(string topic) =>
        topic.StartsWith(ExecutionPrefix, StringComparison.Ordinal) && Guid.TryParse(topic.AsSpan(ExecutionPrefix.Length), out var id) ? id : null;

    /// <summary>all_workflows and all_executions: for admins (SPEC §6).</summary>
    public static bool IsWholeTenant(string topic) => topic is AllExecutions or AllWorkflows;

    /// <summary>The topics whose subscribers receive <paramref name="evt"/>: an execution's events go to its own
    /// topic, its workflow's topic and all_executions; a workflow's own updates to its topic and all_workflows.</summary>
    public static void Of(EventRecord evt, List<string> into)
    {
        into.Clear();
        if (evt.ExecutionId is { } execution)
        {
            into.Add(Execution(execution));
            into.Add(AllExecutions);
        }
        if (evt.WorkflowId is { } workflow)
            into.Add(Workflow(workflow));
        if (evt.Type == WorkflowEvents.Updated)
            into.Add(AllWorkflows);
    }

    private static string Workflow(Guid id) => WorkflowPrefix + id.ToString("D");

    private static string Execution(Guid id) => ExecutionPrefix + id.ToString("D");
}
