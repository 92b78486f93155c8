using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Schedules;
using Chorus.Engine.Storage;

namespace Chorus.Server.Tiers;

/// <summary>The checks a tenant's tier puts on requests. Each refusal is 403 tier_restriction with the limit, the
/// tier, what it allows and the current use in details, and is made before anything is written.</summary>
internal sealed class TierChecks(TierCatalog catalog, IWorkflowStore workflows, IExecutionReader executions, TimeProvider time)
{
    /// <summary>Before a definition is saved: the number of workflows (when it creates one), its steps and their types.</summary>
    public async Task WorkflowSaveAsync(TenantId tenant, WorkflowDefinition definition, bool creating, CancellationToken ct)
    {
        var (tier, limits) = await catalog.OfTenantAsync(tenant, ct).ConfigureAwait(false);
        if (creating && limits.MaxWorkflows is { } maxWorkflows)
        {
            var count = (await workflows.ListWorkflowsAsync(tenant, 0, 1, ct).ConfigureAwait(false)).Total;
            if (count >= maxWorkflows)
                throw Refused(tier, "max_workflows", maxWorkflows, count, $"The {tier} tier allows {maxWorkflows} workflows; this tenant has {count}.");
        }
        if (limits.MaxStepsPerWorkflow is { } maxSteps && definition.Steps.Count > maxSteps)
            throw Refused(tier, "max_steps_per_workflow", maxSteps, definition.Steps.Count,
                $"The {tier} tier allows {maxSteps} steps per workflow; this one has {definition.Steps.Count}.");
        if (limits.StepTypes is { } allowed && definition.Steps.Select(s => s.Type).Where(t => !allowed.Contains(t)).Distinct().ToList() is { Count: > 0 } refused)
        {
            var error = Refused(tier, "step_types", null, null,
                $"The {tier} tier does not include the step type{(refused.Count > 1 ? "s" : "")} {string.Join(", ", refused)}.");
            error.Details!["not_allowed"] = new JsonArray(refused.Select(t => (JsonNode?)t).ToArray());
            throw error;
        }
    }

    /// <summary>Before a schedule is created or its timing changed: schedules at all, and how often it runs.</summary>
    public async Task SchedulesAsync(TenantId tenant, string? cron, string? timeZone, CancellationToken ct)
    {
        var (tier, limits) = await catalog.OfTenantAsync(tenant, ct).ConfigureAwait(false);
        if (!limits.Schedules)
            throw Refused(tier, "schedules", null, null, $"The {tier} tier does not include schedules.");
        if (cron is null || limits.MinScheduleIntervalSeconds is not { } min)
            return;
        if (ScheduleService.ShortestInterval(cron, timeZone, time.GetUtcNow()) is { } gap && gap < TimeSpan.FromSeconds(min))
            throw Refused(tier, "min_schedule_interval_seconds", min, (int)gap.TotalSeconds,
                $"The {tier} tier runs a schedule at most every {min} seconds; this cron runs every {(int)gap.TotalSeconds}.");
    }

    /// <summary>Before a webhook trigger is created or called: webhooks at all. Answers the most body bytes the tier
    /// accepts (null: no tier limit).</summary>
    public async Task<int?> WebhooksAsync(TenantId tenant, CancellationToken ct)
    {
        var (tier, limits) = await catalog.OfTenantAsync(tenant, ct).ConfigureAwait(false);
        if (!limits.Webhooks)
            throw Refused(tier, "webhooks", null, null, $"The {tier} tier does not include webhook triggers.");
        return limits.MaxBodyBytes;
    }

    /// <summary>Before a broker trigger is created or changed: broker triggers at all.</summary>
    public async Task BrokerTriggersAsync(TenantId tenant, CancellationToken ct)
    {
        var (tier, limits) = await catalog.OfTenantAsync(tenant, ct).ConfigureAwait(false);
        if (!limits.BrokerTriggers)
            throw Refused(tier, "broker_triggers", null, null, $"The {tier} tier does not include broker triggers.");
    }

    /// <summary>Whether the tenant's broker triggers may consume: a tenant moved to a tier without them keeps its
    /// triggers, but they read nothing.</summary>
    public async Task<bool> AllowsBrokerTriggersAsync(TenantId tenant, CancellationToken ct) =>
        (await catalog.OfTenantAsync(tenant, ct).ConfigureAwait(false)).Limits.BrokerTriggers;

    /// <summary>Before an execution starts (test runs count too): the executions started since midnight UTC.</summary>
    public async Task ExecutionStartAsync(TenantId tenant, CancellationToken ct)
    {
        var (tier, limits) = await catalog.OfTenantAsync(tenant, ct).ConfigureAwait(false);
        if (limits.MaxExecutionsPerDay is not { } max)
            return;
        var today = await ExecutionsTodayAsync(tenant, ct).ConfigureAwait(false);
        if (today >= max)
            throw Refused(tier, "max_executions_per_day", max, today, $"The {tier} tier allows {max} executions a day; this tenant has started {today} today (UTC).");
    }

    /// <summary>Reading old versions, diffs and reverts need versioning; the current version is always readable.</summary>
    public async Task VersionHistoryAsync(TenantId tenant, CancellationToken ct)
    {
        var (tier, limits) = await catalog.OfTenantAsync(tenant, ct).ConfigureAwait(false);
        if (limits.Versioning == "none")
            throw Refused(tier, "versioning", null, null, $"The {tier} tier keeps no version history: only the current version can be read.");
    }

    public async Task<int> ExecutionsTodayAsync(TenantId tenant, CancellationToken ct)
    {
        var midnight = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        var page = await executions.ListExecutionsAsync(tenant, new ExecutionQuery { From = midnight, IncludeTests = true, Limit = 1 }, ct).ConfigureAwait(false);
        return page.Total;
    }

    public async Task<int> RunningExecutionsAsync(TenantId tenant, CancellationToken ct) =>
        (await executions.ListExecutionsAsync(tenant, new ExecutionQuery { Status = ExecutionStatus.Running, IncludeTests = true, Limit = 1 }, ct).ConfigureAwait(false)).Total;

    private static ChorusException Refused(string tier, string limit, int? allowed, int? current, string message) =>
        new(ErrorCodes.TierRestriction, message, new JsonObject
        {
            ["tier"] = tier,
            ["limit"] = limit,
            ["allowed"] = allowed,
            ["current"] = current,
        });
}
