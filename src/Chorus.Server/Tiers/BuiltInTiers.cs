namespace Chorus.Server.Tiers;

/// <summary>The tiers Chorus ships with. An operator may redefine any of them, or add others, through the tiers API.
/// Every step type the server offers is in <see cref="Basic"/>, <see cref="Professional"/> or <see cref="EnterpriseOnly"/>
/// (a test holds the registry to that), so a new step type is placed on purpose, not by accident.</summary>
public static class BuiltInTiers
{
    /// <summary>Free: input, output, condition and simple tools.</summary>
    public static readonly IReadOnlyList<string> Basic = ["trigger", "manualInput", "output", "condition", "comment", "addField", "action", "http", "wait"];

    /// <summary>Professional: basic plus control flow (loops, parallel branches, aggregation, subflows), webhooks, and
    /// data and integration steps that cost the server little: reading and writing files and the tenant's records,
    /// splitting columns, email, publishing to a broker.</summary>
    public static readonly IReadOnlyList<string> Professional =
    [
        .. Basic, "foreach", "parallel", "join", "subflow", "webhook",
        "splitColumns", "publish", "sendEmail", "excelInput", "pdfInput", "csvOutput", "xlsxOutput", "saveRecords", "fetchData",
    ];

    /// <summary>Enterprise only: steps that run the tenant's own code, reach its databases, or spend money per call (a
    /// language model's tokens, text messages). Enterprise allows every type (null), these included.</summary>
    public static readonly IReadOnlyList<string> EnterpriseOnly = ["code", "mysql", "llm", "sendSMS"];

    public static IReadOnlyDictionary<string, TierLimits> All { get; } = new Dictionary<string, TierLimits>(StringComparer.Ordinal)
    {
        ["free"] = new()
        {
            MaxWorkflows = 5, MaxStepsPerWorkflow = 10, StepTypes = Basic.ToHashSet(StringComparer.Ordinal),
            MaxConcurrentExecutions = 2, MaxExecutionsPerDay = 100, HistoryDays = 7, Versioning = "none",
            MaxExecutionSeconds = 5 * 60, DetailedLogs = "none", Schedules = false, Webhooks = false, BrokerTriggers = false,
            MaxBodyBytes = 256 * 1024, MaxContextBytes = 1024 * 1024,
        },
        ["professional"] = new()
        {
            MaxWorkflows = 50, MaxStepsPerWorkflow = 30, StepTypes = Professional.ToHashSet(StringComparer.Ordinal),
            MaxConcurrentExecutions = 10, MaxExecutionsPerDay = 1000, HistoryDays = 30, Versioning = "basic",
            MaxExecutionSeconds = 30 * 60, DetailedLogs = "standard", MinScheduleIntervalSeconds = 60,
            MaxContextBytes = 4 * 1024 * 1024,
        },
        // Unlimited but for the history it keeps; everything else is for the operator to set.
        ["enterprise"] = new() { HistoryDays = 366 },
    };
}
