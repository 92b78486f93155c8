using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace Chorus.Engine.Runtime;

/// <summary>Changes to schedules, each run by the committer in one transaction with the work item of the
/// schedule's next occurrence. That item is claimed like any other work, so an occurrence fires on one node of
/// a cluster, once: the fenced completion of the item and the start of its execution commit together.</summary>
internal sealed class ScheduleCommands(ExecutionCommands executions, GraphCache graphs, TimeProvider time, ILogger logger)
{
    public async Task<ScheduleRecord> CreateAsync(CommitScope s, ScheduleRecord schedule)
    {
        await s.Tx.InsertScheduleAsync(schedule).ConfigureAwait(false);
        await AddNextFireAsync(s, schedule).ConfigureAwait(false);
        return schedule;
    }

    /// <summary>Applies <paramref name="change"/> to the schedule as stored now and replaces its pending occurrence.</summary>
    public async Task<ScheduleRecord> UpdateAsync(CommitScope s, TenantId tenant, Guid workflowId, Guid id, Func<ScheduleRecord, ScheduleRecord> change)
    {
        var current = await RequireAsync(s, tenant, workflowId, id).ConfigureAwait(false);
        var updated = change(current);
        await s.Tx.UpdateScheduleAsync(updated).ConfigureAwait(false);
        // A node firing the old occurrence right now loses its item, so its commit is refused (fenced).
        await s.Tx.DeleteWorkItemsAsync(tenant, id).ConfigureAwait(false);
        await AddNextFireAsync(s, updated).ConfigureAwait(false);
        return updated;
    }

    public async Task<bool> DeleteAsync(CommitScope s, TenantId tenant, Guid workflowId, Guid id)
    {
        if (await s.Tx.GetScheduleAsync(tenant, id).ConfigureAwait(false) is not { } current || current.WorkflowId != workflowId)
            return false;
        await s.Tx.DeleteScheduleAsync(tenant, id).ConfigureAwait(false);
        await s.Tx.DeleteWorkItemsAsync(tenant, id).ConfigureAwait(false);
        return true;
    }

    /// <summary>Starts the execution of a due occurrence and queues the next one. Occurrences missed while no
    /// node ran fire once, late, rather than all at once: the next is the first after now.</summary>
    public async Task<bool> FireAsync(CommitScope s, WorkItem item)
    {
        // The schedule first, then its item: the order a change of the schedule takes, so the two cannot deadlock.
        var current = await s.Tx.GetScheduleAsync(item.Tenant, item.ScheduleId ?? Guid.Empty).ConfigureAwait(false);
        if (!await s.Tx.CompleteWorkItemAsync(item.Id, item.Fence).ConfigureAwait(false))
            return false; // another node took this occurrence over, or the schedule changed
        if (current is not { Enabled: true } schedule)
            return false;
        var workflow = await s.Tx.GetWorkflowAsync(schedule.Tenant, schedule.WorkflowId).ConfigureAwait(false);
        if (workflow is null)
        {
            logger.LogInformation("Schedule {ScheduleId} removed: its workflow {WorkflowId} was deleted", schedule.Id, schedule.WorkflowId);
            await s.Tx.DeleteScheduleAsync(schedule.Tenant, schedule.Id).ConfigureAwait(false);
            return false;
        }
        var now = time.GetUtcNow();
        var execution = await StartAsync(s, schedule, workflow, item.DueAt).ConfigureAwait(false);
        var next = NextAfter(schedule, now > item.DueAt ? now : item.DueAt);
        var fired = schedule with
        {
            NextDueAt = next,
            LastFiredAt = execution is null ? schedule.LastFiredAt : now,
            LastExecutionId = execution?.Id ?? schedule.LastExecutionId,
        };
        await s.Tx.UpdateScheduleAsync(fired).ConfigureAwait(false);
        await AddNextFireAsync(s, fired).ConfigureAwait(false);
        return execution is not null;
    }

    /// <summary>The execution of one occurrence, or null when the workflow cannot start now: it is not active, or
    /// its current version's input schema refuses the schedule's input. The schedule goes on either way.</summary>
    private async Task<ExecutionRecord?> StartAsync(CommitScope s, ScheduleRecord schedule, WorkflowRecord workflow, DateTimeOffset scheduledFor)
    {
        if (workflow.Status != WorkflowStatus.Active)
        {
            logger.LogWarning("Schedule {ScheduleId} skipped an occurrence: workflow {WorkflowId} is {Status}", schedule.Id, workflow.Id, workflow.Status);
            return null;
        }
        var version = await s.Tx.GetVersionAsync(workflow.Tenant, workflow.Id, workflow.CurrentVersion).ConfigureAwait(false);
        var graph = await graphs.GetAsync(workflow.Tenant, workflow.Id, workflow.CurrentVersion, () => Task.FromResult(version)).ConfigureAwait(false);
        try
        {
            InputValidation.Check(graph.Definition.InputSchema, schedule.Input);
        }
        catch (ChorusException ex)
        {
            logger.LogWarning("Schedule {ScheduleId} skipped an occurrence: {Reason}", schedule.Id, ex.Message);
            return null;
        }
        return await executions.StartAsync(s, new ExecutionCommands.StartRequest
        {
            Tenant = schedule.Tenant,
            Version = version!,
            Graph = graph,
            Input = schedule.Input,
            Trigger = new JsonObject
            {
                ["type"] = "schedule",
                ["schedule_id"] = schedule.Id,
                ["scheduled_for"] = scheduledFor.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            },
        }).ConfigureAwait(false);
    }

    private DateTimeOffset? NextAfter(ScheduleRecord schedule, DateTimeOffset after)
    {
        try
        {
            return ScheduleTiming.Parse(schedule.Cron, schedule.TimeZone).NextAfter(after);
        }
        catch (ChorusException ex)
        {
            // Validated when saved; only a time zone this machine lacks can land here.
            logger.LogError("Schedule {ScheduleId} stops: {Reason}", schedule.Id, ex.Message);
            return null;
        }
    }

    private static Task AddNextFireAsync(CommitScope s, ScheduleRecord schedule) =>
        schedule is { Enabled: true, NextDueAt: { } due }
            ? s.AddWorkAsync(new WorkItem { Tenant = schedule.Tenant, ScheduleId = schedule.Id, Kind = WorkItemKind.Fire, DueAt = due })
            : Task.CompletedTask;

    private static async Task<ScheduleRecord> RequireAsync(CommitScope s, TenantId tenant, Guid workflowId, Guid id) =>
        await s.Tx.GetScheduleAsync(tenant, id).ConfigureAwait(false) is { } schedule && schedule.WorkflowId == workflowId
            ? schedule
            : throw NotFound(id);

    internal static ChorusException NotFound(Guid id) => new(ErrorCodes.NotFound, $"Schedule {id} does not exist.");
}
