using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Schedules;
using Chorus.Engine.Storage;
using Chorus.Server.Security;
using Chorus.Server.Tiers;

namespace Chorus.Server.Api;

/// <summary>Cron schedules of a workflow (SPEC §8): each occurrence starts one execution, once across the cluster.</summary>
internal static class Schedules
{
    private static readonly string[] Fields = ["cron", "time_zone", "input", "enabled"];

    public static void MapSchedules(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/workflows/{id}/schedules");
        group.MapPost("/", Create).RequireRole(Role.Admin).Bodies("ScheduleRequest", "Schedule", StatusCodes.Status201Created);
        group.MapGet("/", List).RequireRole(Role.Viewer).Bodies(response: "ScheduleList");
        group.MapGet("/{scheduleId}", Get).RequireRole(Role.Viewer).Bodies(response: "Schedule");
        group.MapPatch("/{scheduleId}", Update).RequireRole(Role.Admin).Bodies("ScheduleRequest", "Schedule");
        group.MapDelete("/{scheduleId}", Delete).RequireRole(Role.Admin);
    }

    private static async Task<IResult> Create(HttpContext http, string id, ScheduleService service, TierChecks tiers)
    {
        var change = ReadChange(await http.ReadObjectAsync());
        await tiers.SchedulesAsync(http.Tenant(), change.Cron, change.TimeZone, http.RequestAborted);
        var schedule = await service.CreateAsync(http.Tenant(), Workflows.WorkflowId(id), change, http.RequestAborted);
        http.Response.Headers.Location = $"/api/workflows/{schedule.WorkflowId}/schedules/{schedule.Id}";
        return TypedResults.Json(Representation(schedule), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> List(HttpContext http, string id, ScheduleService service)
    {
        var schedules = await service.ListAsync(http.Tenant(), Workflows.WorkflowId(id), http.RequestAborted);
        return TypedResults.Json(new JsonObject { ["items"] = Representations.Array(schedules, Representation), ["total"] = schedules.Count });
    }

    private static async Task<IResult> Get(HttpContext http, string id, string scheduleId, ScheduleService service) =>
        TypedResults.Json(Representation(await service.GetAsync(http.Tenant(), Workflows.WorkflowId(id), ScheduleId(scheduleId), http.RequestAborted)));

    private static async Task<IResult> Update(HttpContext http, string id, string scheduleId, ScheduleService service, TierChecks tiers)
    {
        var change = ReadChange(await http.ReadObjectAsync());
        if (change.Cron is not null || change.TimeZone is not null)
        {
            var current = await service.GetAsync(http.Tenant(), Workflows.WorkflowId(id), ScheduleId(scheduleId), http.RequestAborted);
            await tiers.SchedulesAsync(http.Tenant(), change.Cron ?? current.Cron, change.TimeZone ?? current.TimeZone, http.RequestAborted);
        }
        var schedule = await service.UpdateAsync(http.Tenant(), Workflows.WorkflowId(id), ScheduleId(scheduleId), change, http.RequestAborted);
        return TypedResults.Json(Representation(schedule));
    }

    private static async Task<IResult> Delete(HttpContext http, string id, string scheduleId, ScheduleService service)
    {
        await service.DeleteAsync(http.Tenant(), Workflows.WorkflowId(id), ScheduleId(scheduleId), http.RequestAborted);
        return TypedResults.NoContent();
    }

    private static Guid ScheduleId(string id) => RequestReading.RouteId(id, ErrorCodes.NotFound, "Schedule");

    private static ScheduleChange ReadChange(JsonObject body)
    {
        var unknown = body.Select(p => p.Key).Where(k => !Fields.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ChorusException(ErrorCodes.InvalidInput, $"A schedule has only {string.Join(", ", Fields)}.",
                new JsonObject { ["fields"] = new JsonArray(unknown.Select(k => (JsonNode?)k).ToArray()) });
        return new ScheduleChange
        {
            Cron = body.OptionalString("cron"),
            TimeZone = body.OptionalString("time_zone"),
            HasInput = body.ContainsKey("input"),
            Input = body["input"],
            // null keeps what the schedule has, as for cron and time_zone (it used to enable a disabled schedule).
            Enabled = body["enabled"] is null ? null : body.OptionalBool("enabled", true),
        };
    }

    private static JsonObject Representation(ScheduleRecord s) => new()
    {
        ["id"] = s.Id.ToString(),
        ["workflow_id"] = s.WorkflowId.ToString(),
        ["cron"] = s.Cron,
        ["time_zone"] = s.TimeZone,
        ["input"] = s.Input?.DeepClone(),
        ["enabled"] = s.Enabled,
        ["next_run_at"] = Representations.Iso(s.NextDueAt),
        ["last_run_at"] = Representations.Iso(s.LastFiredAt),
        ["last_execution_id"] = s.LastExecutionId?.ToString(),
        ["created_at"] = Representations.Iso(s.CreatedAt),
        ["updated_at"] = Representations.Iso(s.UpdatedAt),
    };
}
