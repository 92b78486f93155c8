using System.Text.Json.Nodes;

using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>A schedule is a trigger row of kind "schedule"; what only schedules have lives in its <c>config</c>
/// JSON, so other trigger kinds can share the table.</summary>
public static class ScheduleConfig
{
    public const string Kind = "schedule";

    public static JsonObject Of(ScheduleRecord schedule) => new()
    {
        ["cron"] = schedule.Cron,
        ["time_zone"] = schedule.TimeZone,
        ["input"] = schedule.Input?.DeepClone(),
    };

    public static (string Cron, string TimeZone, JsonNode? Input) Read(JsonNode? config) =>
        (config?["cron"]?.GetValue<string>() ?? "", config?["time_zone"]?.GetValue<string>() ?? "UTC", config?["input"]?.DeepClone());
}
