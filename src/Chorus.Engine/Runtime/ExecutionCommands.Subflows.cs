using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Events;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>Trees of executions: starting a child within the limits, telling a parent how its child ended, and
/// ending every descendant of an execution that ended.</summary>
internal sealed partial class ExecutionCommands
{
    /// <summary>Descendants ended in one transaction. A tree of any size ends in bounded transactions: what is
    /// left is handed to work items (durable, so a crash in between leaves nothing running for ever).</summary>
    internal const int DescendantsEndedPerCommit = 500;

    /// <summary>Longest child message copied into a parent's error, so errors keep one size at every level.</summary>
    private const int MaxChildMessageLength = 1000;

    private async Task<ExecutionRecord> StartChildAsync(CommitScope s, ExecutionRecord parent, StepDefinition step, StepResult.StartChild child)
    {
        // A deleted workflow reads as missing; a draft one may start (test runs exercise drafts), an archived one not.
        var workflow = await s.Tx.GetWorkflowAsync(parent.Tenant, child.WorkflowId).ConfigureAwait(false);
        if (workflow is null || workflow.Status == WorkflowStatus.Archived)
            throw new ChorusException(ErrorCodes.SubflowWorkflowUnavailable,
                $"Subflow workflow {child.WorkflowId} {(workflow is null ? "does not exist or was deleted" : "is archived")}; no child was started.",
                new JsonObject { ["workflow_id"] = child.WorkflowId.ToString() });
        var lineage = parent.State.Lineage ?? SubflowLineage.RootOf(parent.WorkflowId);
        if (!child.Recursive && lineage.Workflows.Contains(workflow.Id))
            throw new ChorusException(ErrorCodes.SubflowCycle,
                $"Workflow '{workflow.Name}' ({workflow.Id}) is already running on this execution's chain of parents; " +
                "a subflow step starts it again only with \"recursive\": true in its config.",
                new JsonObject { ["workflow_id"] = workflow.Id.ToString() });
        var limit = options.Limits.MaxSubflowDepth;
        if (lineage.Depth + 1 > limit)
            throw new ChorusException(ErrorCodes.SubflowDepthExceeded,
                $"A child of this execution would run at subflow depth {lineage.Depth + 1}; the limit is {limit}.",
                new JsonObject { ["depth"] = lineage.Depth + 1, ["limit"] = limit });
        var version = await s.Tx.GetVersionAsync(parent.Tenant, workflow.Id, workflow.CurrentVersion).ConfigureAwait(false)
            ?? throw new ChorusException(ErrorCodes.SubflowWorkflowUnavailable, $"Subflow workflow {child.WorkflowId} has no version.");
        var graph = await graphs.GetAsync(parent.Tenant, workflow.Id, version.Number, () => Task.FromResult<WorkflowVersionRecord?>(version)).ConfigureAwait(false);
        return await StartAsync(s, new StartRequest
        {
            Tenant = parent.Tenant, Version = version, Graph = graph, Input = child.Input, Mode = parent.Mode,
            IsTest = parent.IsTest, ParentExecutionId = parent.Id, ParentStepId = step.Id, Lineage = lineage.Child(workflow.Id),
        }).ConfigureAwait(false);
    }

    private async Task NotifyParentAsync(CommitScope s, ExecutionRecord child, Guid parentId, string parentStep, DateTimeOffset now)
    {
        var parent = await s.GetExecutionAsync(child.Tenant, parentId).ConfigureAwait(false);
        if (parent is null || parent.IsTerminal || !parent.State.Steps.TryGetValue(parentStep, out var state) || state.Child != child.Id)
            return;
        var payload = child.Status == ExecutionStatus.Completed
            ? new JsonObject { ["output"] = child.Output?.DeepClone() }
            : new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["code"] = ErrorCodes.WorkflowExecutionError,
                    ["message"] = $"Child execution {child.Id} {child.Status.ToWire()}",
                    ["details"] = ChildErrorSummary(child),
                },
            };
        await AddResumeAsync(s, parent, parentStep, state.Attempt, now, payload).ConfigureAwait(false);
    }

    /// <summary>The child's error in a few flat fields, never the child's error whole: a chain of subflows would
    /// otherwise nest one error per level. The cause is the first error down the chain that no child reported.</summary>
    private static JsonObject ChildErrorSummary(ExecutionRecord child)
    {
        var error = child.Error;
        var summary = new JsonObject
        {
            ["child_execution_id"] = child.Id.ToString(),
            ["child_status"] = child.Status.ToWire(),
            ["code"] = Text(error?["code"]),
            ["message"] = Text(error?["message"]),
        };
        if (error is null)
            return summary;
        var cause = error["details"] is JsonObject details && details["child_execution_id"] is not null && details["cause"] is JsonObject deeper
            ? deeper
            : new JsonObject { ["execution_id"] = child.Id.ToString(), ["step_id"] = error["step_id"]?.DeepClone(), ["code"] = error["code"]?.DeepClone(), ["message"] = error["message"]?.DeepClone() };
        summary["cause"] = new JsonObject
        {
            ["execution_id"] = Text(cause["execution_id"]), ["step_id"] = Text(cause["step_id"]),
            ["code"] = Text(cause["code"]), ["message"] = Text(cause["message"]),
        };
        return summary;
    }

    private static string? Text(JsonNode? node)
    {
        var text = node is JsonValue value && value.TryGetValue<string>(out var s) ? s : node?.ToJsonString();
        return text is { Length: > MaxChildMessageLength } ? text[..MaxChildMessageLength] + "…" : text;
    }

    /// <summary>Cancels every execution below <paramref name="ancestorId"/>, breadth first and without recursion,
    /// at most <see cref="DescendantsEndedPerCommit"/> in this transaction. An execution whose children are not
    /// all reached gets an <see cref="WorkItemKind.EndDescendants"/> item that carries on in the next one.</summary>
    private async Task EndDescendantsAsync(CommitScope s, TenantId tenant, Guid ancestorId, DateTimeOffset now)
    {
        var budget = DescendantsEndedPerCommit;
        var parents = new Queue<Guid>();
        parents.Enqueue(ancestorId);
        while (parents.TryDequeue(out var parentId))
        {
            if (budget == 0)
            {
                await AddEndDescendantsAsync(s, tenant, parentId, now).ConfigureAwait(false);
                continue;
            }
            foreach (var childId in await s.Tx.GetActiveChildrenAsync(tenant, parentId).ConfigureAwait(false))
            {
                if (budget == 0)
                {
                    await AddEndDescendantsAsync(s, tenant, parentId, now).ConfigureAwait(false);
                    break;
                }
                var child = await s.GetExecutionAsync(tenant, childId).ConfigureAwait(false);
                if (child is null || child.IsTerminal)
                    continue;
                budget--;
                await CancelDescendantAsync(s, child, now).ConfigureAwait(false);
                parents.Enqueue(child.Id);
            }
        }
    }

    /// <summary>Carries on ending the descendants of an execution that ended (see <see cref="EndDescendantsAsync"/>).</summary>
    public async Task<bool> ContinueEndingDescendantsAsync(CommitScope s, WorkItem item)
    {
        if (!await s.Tx.CompleteWorkItemAsync(item.Id, item.Fence).ConfigureAwait(false))
            return false;
        // Retried meanwhile: its children now are new ones, started after it ended.
        if (await s.GetExecutionAsync(item.Tenant, item.ExecutionId).ConfigureAwait(false) is { IsTerminal: false })
            return false;
        await EndDescendantsAsync(s, item.Tenant, item.ExecutionId, time.GetUtcNow()).ConfigureAwait(false);
        await AdmitPendingAsync(s).ConfigureAwait(false);
        return true;
    }

    /// <summary>A descendant ends as cancelled; its parent ended already, so there is nobody to tell.</summary>
    private async Task CancelDescendantAsync(CommitScope s, ExecutionRecord child, DateTimeOffset now)
    {
        child.Status = ExecutionStatus.Cancelled;
        child.CompletedAt = now;
        await s.Tx.DeleteWorkItemsAsync(child.Tenant, child.Id).ConfigureAwait(false);
        await Log(s, child, null, "warning", "Execution cancelled: its parent execution ended").ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(child, now, null, "Execution cancelled")).ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.ExecutionFinished(child, now)).ConfigureAwait(false);
        await s.UpdateExecutionAsync(child).ConfigureAwait(false);
    }

    private Task AddEndDescendantsAsync(CommitScope s, TenantId tenant, Guid executionId, DateTimeOffset now) =>
        s.AddWorkAsync(new WorkItem { Tenant = tenant, ExecutionId = executionId, Kind = WorkItemKind.EndDescendants, DueAt = now });
}
