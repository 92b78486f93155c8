using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Schedules;

/// <summary>What a caller asks of a schedule; null members keep what the schedule has (or the default on create).</summary>
public sealed record ScheduleChange
{
    public string? Cron { get; init; }
    public string? TimeZone { get; init; }
    /// <summary>Whether <see cref="Input"/> was given (it may be given as null).</summary>
    public bool HasInput { get; init; }
    public JsonNode? Input { get; init; }
    public bool? Enabled { get; init; }
}

/// <summary>Cron schedules of workflows: validated here, saved by the engine together with the work item of
/// their next occurrence.</summary>
public sealed class ScheduleService(IWorkflowStore workflows, IScheduleReader schedules, ChorusEngine engine, TimeProvider time)
{
    /// <summary>Enough for any real calendar; a bound keeps one workflow from flooding the queue.</summary>
    public const int MaxPerWorkflow = 100;

    /// <summary>The shortest time between two runs of the cron in the week after <paramref name="from"/>, or null when
    /// it runs at most once a week. A bad cron or zone is invalid_input, as on create.</summary>
    public static TimeSpan? ShortestInterval(string cron, string? timeZone, DateTimeOffset from) =>
        ScheduleTiming.Parse(cron, timeZone ?? "UTC").ShortestGap(from);

    public async Task<ScheduleRecord> CreateAsync(TenantId tenant, Guid workflowId, ScheduleChange spec, CancellationToken ct)
    {
        var workflow = await RequireWorkflowAsync(tenant, workflowId, ct).ConfigureAwait(false);
        if (spec.Cron is null)
            throw new ChorusException(ErrorCodes.InvalidInput, "cron is required.", new JsonObject { ["field"] = "cron" });
        var timing = ScheduleTiming.Parse(spec.Cron, spec.TimeZone ?? "UTC");
        var now = time.GetUtcNow();
        // A cron that never fires is refused even for a disabled schedule, which could otherwise never be enabled.
        var next = NextOrRefuse(timing, now);
        await CheckInputAsync(workflow, spec.Input, ct).ConfigureAwait(false);
        if ((await schedules.ListSchedulesAsync(tenant, workflowId, ct).ConfigureAwait(false)).Count >= MaxPerWorkflow)
            throw new ChorusException(ErrorCodes.Conflict, $"Workflow {workflowId} has {MaxPerWorkflow} schedules, the most it may have.",
                new JsonObject { ["limit"] = MaxPerWorkflow });
        var enabled = spec.Enabled ?? true;
        var schedule = new ScheduleRecord
        {
            Tenant = tenant,
            Id = Guid.CreateVersion7(now),
            WorkflowId = workflowId,
            Cron = spec.Cron.Trim(),
            TimeZone = spec.TimeZone ?? "UTC",
            Input = spec.Input?.DeepClone(),
            Enabled = enabled,
            NextDueAt = enabled ? next : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return await engine.CommitAsync(s => engine.ScheduleCommands.CreateAsync(s, schedule), ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ScheduleRecord>> ListAsync(TenantId tenant, Guid workflowId, CancellationToken ct)
    {
        await RequireWorkflowAsync(tenant, workflowId, ct).ConfigureAwait(false);
        return await schedules.ListSchedulesAsync(tenant, workflowId, ct).ConfigureAwait(false);
    }

    public async Task<ScheduleRecord> GetAsync(TenantId tenant, Guid workflowId, Guid id, CancellationToken ct)
    {
        await RequireWorkflowAsync(tenant, workflowId, ct).ConfigureAwait(false);
        return await schedules.GetScheduleAsync(tenant, id, ct).ConfigureAwait(false) is { } schedule && schedule.WorkflowId == workflowId
            ? schedule
            : throw ScheduleCommands.NotFound(id);
    }

    /// <summary>Changes the schedule; its next occurrence is computed again from now.</summary>
    public async Task<ScheduleRecord> UpdateAsync(TenantId tenant, Guid workflowId, Guid id, ScheduleChange change, CancellationToken ct)
    {
        var workflow = await RequireWorkflowAsync(tenant, workflowId, ct).ConfigureAwait(false);
        if (change.HasInput)
            await CheckInputAsync(workflow, change.Input, ct).ConfigureAwait(false);
        return await engine.CommitAsync(s => engine.ScheduleCommands.UpdateAsync(s, tenant, workflowId, id, current =>
        {
            var cron = change.Cron?.Trim() ?? current.Cron;
            var zone = change.TimeZone ?? current.TimeZone;
            var timing = ScheduleTiming.Parse(cron, zone);
            var enabled = change.Enabled ?? current.Enabled;
            var now = time.GetUtcNow();
            var next = NextOrRefuse(timing, now);
            return current with
            {
                Cron = cron,
                TimeZone = zone,
                Input = change.HasInput ? change.Input?.DeepClone() : current.Input,
                Enabled = enabled,
                NextDueAt = enabled ? next : null,
                UpdatedAt = now,
            };
        }), ct).ConfigureAwait(false);
    }

    public async Task DeleteAsync(TenantId tenant, Guid workflowId, Guid id, CancellationToken ct)
    {
        await RequireWorkflowAsync(tenant, workflowId, ct).ConfigureAwait(false);
        if (!await engine.CommitAsync(s => engine.ScheduleCommands.DeleteAsync(s, tenant, workflowId, id), ct).ConfigureAwait(false))
            throw ScheduleCommands.NotFound(id);
    }

    private static DateTimeOffset NextOrRefuse(ScheduleTiming timing, DateTimeOffset now) =>
        timing.NextAfter(now) ?? throw new ChorusException(ErrorCodes.InvalidInput, "cron never fires (no such date comes again).",
            new JsonObject { ["field"] = "cron" });

    private async Task<WorkflowRecord> RequireWorkflowAsync(TenantId tenant, Guid workflowId, CancellationToken ct) =>
        await workflows.GetWorkflowAsync(tenant, workflowId, ct).ConfigureAwait(false)
        ?? throw new ChorusException(ErrorCodes.WorkflowNotFound, $"Workflow {workflowId} does not exist.");

    /// <summary>The input must suit the current version, as a direct start's must; a later version is checked at each firing.</summary>
    private async Task CheckInputAsync(WorkflowRecord workflow, JsonNode? input, CancellationToken ct)
    {
        // Every firing starts an execution with it: refuse now what each start would refuse.
        ExecutionCommands.CheckIncoming(input, "schedule input", engine.Options.Limits);
        var version = await workflows.GetVersionAsync(workflow.Tenant, workflow.Id, workflow.CurrentVersion, ct).ConfigureAwait(false);
        if (version is not null)
            InputValidation.Check(GraphCache.Compile(version).Definition.InputSchema, input);
    }
}
