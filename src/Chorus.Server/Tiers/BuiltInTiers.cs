namespace Chorus.Server.Tiers;

/// <summary>The tiers Chorus ships with. An operator may redefine any of them, or add others, through the tiers API.</summary>
public static class BuiltInTiers
{
    /// <summary>Input, output, condition and simple tools.</summary>
    private static readonly string[] Basic = ["trigger", "manualInput", "output", "condition", "comment", "addField", "action", "http", "wait"];

    /// <summary>Basic plus loops, parallel branches, aggregation and webhooks.</summary>
    private static readonly string[] Extended = [.. Basic, "foreach", "parallel", "join", "webhook"];

    public static IReadOnlyDictionary<string, TierLimits> All { get; } = new Dictionary<string, TierLimits>(StringComparer.Ordinal)
    {
        ["free"] = new()
        {
            MaxWorkflows = 5, MaxStepsPerWorkflow = 10, StepTypes = Basic.ToHashSet(StringComparer.Ordinal),
            MaxConcurrentExecutions = 2, MaxExecutionsPerDay = 100, HistoryDays = 7, Versioning = "none",
            MaxExecutionSeconds = 5 * 60, DetailedLogs = "none", Schedules = false, Webhooks = false,
            MaxBodyBytes = 256 * 1024, MaxContextBytes = 1024 * 1024,
        },
        ["professional"] = new()
        {
            MaxWorkflows = 50, MaxStepsPerWorkflow = 30, StepTypes = Extended.ToHashSet(StringComparer.Ordinal),
            MaxConcurrentExecutions = 10, MaxExecutionsPerDay = 1000, HistoryDays = 30, Versioning = "basic",
            MaxExecutionSeconds = 30 * 60, DetailedLogs = "standard", MinScheduleIntervalSeconds = 60,
            MaxContextBytes = 4 * 1024 * 1024,
        },
        // Unlimited but for the history it keeps; everything else is for the operator to set.
        ["enterprise"] = new() { HistoryDays = 366 },
    };
}
