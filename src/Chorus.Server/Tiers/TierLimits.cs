using System.Text.Json.Nodes;
using Chorus.Engine;

namespace Chorus.Server.Tiers;

/// <summary>What a tier allows a tenant. Null means unlimited. Read and shown as JSON with these snake_case names,
/// which is also how an operator writes a tier.</summary>
public sealed record TierLimits
{
    public int? MaxWorkflows { get; init; }
    public int? MaxStepsPerWorkflow { get; init; }
    /// <summary>The step types a workflow may use; null allows every type, the server's own included.</summary>
    public IReadOnlySet<string>? StepTypes { get; init; }
    public int? MaxConcurrentExecutions { get; init; }
    public int? MaxExecutionsPerDay { get; init; }
    public int? HistoryDays { get; init; }
    /// <summary>none (only the current version is kept visible, no revert), basic (history and revert) or full.</summary>
    public string Versioning { get; init; } = "full";
    public int? MaxExecutionSeconds { get; init; }
    /// <summary>none, standard or extended.</summary>
    public string DetailedLogs { get; init; } = "extended";
    public bool Schedules { get; init; } = true;
    /// <summary>The shortest time a schedule may leave between two runs.</summary>
    public int? MinScheduleIntervalSeconds { get; init; }
    public bool Webhooks { get; init; } = true;
    /// <summary>Broker triggers (RabbitMQ): creating and changing them, and their consumers starting executions.</summary>
    public bool BrokerTriggers { get; init; } = true;
    /// <summary>The largest request body the tenant may send; the server's MAX_BODY_BYTES still bounds it.</summary>
    public int? MaxBodyBytes { get; init; }
    /// <summary>The largest context an execution may grow to; the server's CONTEXT_MAX_BYTES still bounds it.</summary>
    public int? MaxContextBytes { get; init; }

    private static readonly string[] VersioningLevels = ["none", "basic", "full"];
    private static readonly string[] LogLevels = ["none", "standard", "extended"];

    public JsonObject ToJson() => new()
    {
        ["max_workflows"] = MaxWorkflows,
        ["max_steps_per_workflow"] = MaxStepsPerWorkflow,
        ["step_types"] = StepTypes is null ? "all" : new JsonArray(StepTypes.Order(StringComparer.Ordinal).Select(t => (JsonNode?)t).ToArray()),
        ["max_concurrent_executions"] = MaxConcurrentExecutions,
        ["max_executions_per_day"] = MaxExecutionsPerDay,
        ["history_days"] = HistoryDays,
        ["versioning"] = Versioning,
        ["max_execution_seconds"] = MaxExecutionSeconds,
        ["detailed_logs"] = DetailedLogs,
        ["schedules"] = Schedules,
        ["min_schedule_interval_seconds"] = MinScheduleIntervalSeconds,
        ["webhooks"] = Webhooks,
        ["broker_triggers"] = BrokerTriggers,
        ["max_body_bytes"] = MaxBodyBytes,
        ["max_context_bytes"] = MaxContextBytes,
    };

    /// <summary>Reads an operator's tier; a field left out keeps its unlimited or allowing default. Every problem
    /// is an invalid_input naming the field.</summary>
    public static TierLimits FromJson(JsonObject json)
    {
        foreach (var (name, _) in json)
            if (!Fields.Contains(name))
                throw Invalid(name, $"'{name}' is not a tier limit; the limits are {string.Join(", ", Fields)}.");
        return new TierLimits
        {
            MaxWorkflows = Count(json, "max_workflows"),
            MaxStepsPerWorkflow = Count(json, "max_steps_per_workflow"),
            StepTypes = StepTypesFrom(json["step_types"]),
            MaxConcurrentExecutions = Count(json, "max_concurrent_executions"),
            MaxExecutionsPerDay = Count(json, "max_executions_per_day"),
            HistoryDays = Count(json, "history_days"),
            Versioning = Choice(json, "versioning", VersioningLevels, "full"),
            MaxExecutionSeconds = Count(json, "max_execution_seconds"),
            DetailedLogs = Choice(json, "detailed_logs", LogLevels, "extended"),
            Schedules = Flag(json, "schedules"),
            MinScheduleIntervalSeconds = Count(json, "min_schedule_interval_seconds"),
            Webhooks = Flag(json, "webhooks"),
            BrokerTriggers = Flag(json, "broker_triggers"),
            MaxBodyBytes = Count(json, "max_body_bytes"),
            MaxContextBytes = Count(json, "max_context_bytes"),
        };
    }

    private static readonly string[] Fields =
    [
        "max_workflows", "max_steps_per_workflow", "step_types", "max_concurrent_executions", "max_executions_per_day",
        "history_days", "versioning", "max_execution_seconds", "detailed_logs", "schedules", "min_schedule_interval_seconds", "webhooks", "broker_triggers",
        "max_body_bytes", "max_context_bytes",
    ];

    private static int? Count(JsonObject json, string field) => json[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<long>(out var n) && n is >= 0 and <= int.MaxValue => (int)n,
        _ => throw Invalid(field, $"{field} must be a whole number from 0 to {int.MaxValue}, or null for no limit."),
    };

    private static IReadOnlySet<string>? StepTypesFrom(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) && s == "all" => null,
        JsonArray a when a.All(t => t is JsonValue tv && tv.TryGetValue<string>(out var name) && name.Length is > 0 and <= 100) =>
            a.Select(t => t!.GetValue<string>()).ToHashSet(StringComparer.Ordinal),
        _ => throw Invalid("step_types", "step_types must be \"all\" or a list of step type names."),
    };

    private static string Choice(JsonObject json, string field, string[] allowed, string fallback) => json[field] switch
    {
        null => fallback,
        JsonValue v when v.TryGetValue<string>(out var s) && allowed.Contains(s) => s,
        _ => throw Invalid(field, $"{field} must be one of {string.Join(", ", allowed)}."),
    };

    private static bool Flag(JsonObject json, string field) => json[field] switch
    {
        null => true,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw Invalid(field, $"{field} must be true or false."),
    };

    private static ChorusException Invalid(string field, string message) =>
        new(ErrorCodes.InvalidInput, message, new JsonObject { ["field"] = field });
}
