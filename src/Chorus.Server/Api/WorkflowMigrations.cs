using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Security;

namespace Chorus.Server.Api;

/// <summary><c>/api/workflows/{id}/migrations</c>: moves executions under way onto another version of their workflow
/// (a dry run shows each one's plan first), lists the migrations, and rolls one back. The request is checked whole
/// before anything changes.</summary>
internal static class WorkflowMigrations
{
    /// <summary>The most executions one request plans or moves (and the most steps its mapping names); a filter
    /// matching more takes the first this many in the list's order
    /// (<c>truncated</c> says so) and the caller repeats.</summary>
    public const int MaxExecutions = 500;

    private static readonly string[] Fields = ["to_version", "filter", "mapping", "dry_run"];
    private static readonly string[] FilterFields = ["status", "version", "ids", "search", "include_tests"];

    /// <summary>Executions under way, which a filter without a status selects.</summary>
    private static readonly ExecutionStatus[] UnderWay =
        [ExecutionStatus.Created, ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.Waiting, ExecutionStatus.Paused];

    public static void MapWorkflowMigrations(this RouteGroupBuilder group)
    {
        group.MapPost("/{id}/migrations", Migrate).RequireRole(Role.Admin).Bodies("MigrationRequest", "MigrationResult");
        group.MapGet("/{id}/migrations", List).RequireRole(Role.Viewer).Bodies(response: "MigrationList");
        group.MapGet("/{id}/migrations/{migrationId}", Get).RequireRole(Role.Viewer).Bodies(response: "Migration");
        group.MapPost("/{id}/migrations/{migrationId}/rollback", Rollback).RequireRole(Role.Admin).Bodies(response: "MigrationResult");
    }

    private static async Task<IResult> Migrate(HttpContext http, string id, WorkflowService service, IExecutionReader reader, ChorusEngine engine)
    {
        var body = await http.ReadObjectAsync();
        Unknown(body, Fields, "A migration request has only");
        var workflow = await service.RequireAsync(http.Tenant(), Workflows.WorkflowId(id), http.RequestAborted);
        var toVersion = body["to_version"] switch
        {
            null => workflow.CurrentVersion,
            JsonValue v when v.TryGetValue<int>(out var n) && n > 0 => n,
            _ => throw Invalid("to_version", "'to_version' must be a version number of the workflow."),
        };
        var mapping = Mapping(body["mapping"]);
        var dryRun = body.OptionalBool("dry_run", false);
        var filter = body["filter"] switch
        {
            null => new JsonObject(),
            JsonObject o => o,
            _ => throw Invalid("filter", "'filter' must be an object: status, version, ids, search, include_tests."),
        };
        var (ids, truncated) = await SelectAsync(http, reader, workflow.Id, filter);
        if (dryRun)
        {
            var plans = await engine.PlanMigrationAsync(http.Tenant(), workflow.Id, toVersion, ids, mapping, http.RequestAborted);
            return TypedResults.Json(new JsonObject
            {
                ["workflow_id"] = workflow.Id.ToString(),
                ["to_version"] = toVersion,
                ["dry_run"] = true,
                ["truncated"] = truncated,
                ["movable"] = plans.Count(p => p.Movable),
                ["blocked"] = plans.Count(p => !p.Movable),
                ["plans"] = Representations.Array(plans, Plan),
            });
        }
        var outcome = await engine.MigrateAsync(http.Tenant(), workflow.Id, toVersion, ids, mapping, http.Caller().Subject, http.RequestAborted);
        var json = Outcome(outcome, workflow.Id, toVersion);
        json["truncated"] = truncated;
        return TypedResults.Json(json);
    }

    private static async Task<IResult> Rollback(HttpContext http, string id, string migrationId, WorkflowService service, ChorusEngine engine)
    {
        var workflow = await service.RequireAsync(http.Tenant(), Workflows.WorkflowId(id), http.RequestAborted);
        var outcome = await engine.RollbackMigrationAsync(http.Tenant(), workflow.Id, MigrationId(migrationId), http.RequestAborted);
        var json = Outcome(outcome, workflow.Id, toVersion: null);
        json["rollback"] = true;
        return TypedResults.Json(json);
    }

    private static async Task<IResult> List(HttpContext http, string id, WorkflowService service, ChorusEngine engine)
    {
        var workflow = await service.RequireAsync(http.Tenant(), Workflows.WorkflowId(id), http.RequestAborted);
        var migrations = await engine.ListMigrationsAsync(http.Tenant(), workflow.Id, 100, http.RequestAborted);
        return TypedResults.Json(new JsonObject
        {
            ["workflow_id"] = workflow.Id.ToString(),
            ["items"] = Representations.Array(migrations, Migration),
        });
    }

    private static async Task<IResult> Get(HttpContext http, string id, string migrationId, WorkflowService service, ChorusEngine engine)
    {
        var workflow = await service.RequireAsync(http.Tenant(), Workflows.WorkflowId(id), http.RequestAborted);
        var (migration, moves) = await engine.GetMigrationAsync(http.Tenant(), workflow.Id, MigrationId(migrationId), http.RequestAborted);
        var json = Migration(migration);
        json["executions"] = Representations.Array(moves, m => new JsonObject
        {
            ["execution_id"] = m.ExecutionId.ToString(),
            ["from_version"] = m.FromVersion,
            ["renamed"] = Strings(m.Renamed),
            ["moved_at"] = m.MovedAt.ToString("O"),
            ["rolled_back_at"] = m.RolledBackAt?.ToString("O"),
        });
        return TypedResults.Json(json);
    }

    private static Guid MigrationId(string text) => RequestReading.RouteId(text, ErrorCodes.NotFound, "Migration");

    /// <summary>The executions the filter selects, in the list's order: by id when it names them (each then gets a plan,
    /// including the ids that are not this workflow's), else the workflow's executions under way (or in the statuses
    /// named) on the versions named, with the search attributes named.</summary>
    private static async Task<(List<Guid> Ids, bool Truncated)> SelectAsync(HttpContext http, IExecutionReader reader, Guid workflowId, JsonObject filter)
    {
        Unknown(filter, FilterFields, "A migration filter has only");
        if (filter["ids"] is { } list)
        {
            if (filter.Count > 1)
                throw Invalid("filter.ids", "'filter.ids' names the executions; it does not combine with other filters.");
            return (RequestReading.ExecutionIds(list, "filter.ids", MaxExecutions), false);
        }
        var statuses = StringsOf(filter["status"], "filter.status").Select(s => ExecutionStatusExtensions.TryParseWire(s, out var status)
            ? status : throw Invalid("filter.status", $"'{s}' is not an execution status.")).ToList();
        var versions = filter["version"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<int>(out var n) => [n],
            JsonArray a when a.All(n => n is JsonValue v && v.TryGetValue<int>(out _)) => a.Select(n => n!.GetValue<int>()).ToHashSet(),
            _ => throw Invalid("filter.version", "'filter.version' must be a version number or an array of them."),
        };
        var search = filter["search"] switch
        {
            null => [],
            JsonObject o => o.Select(p => KeyValuePair.Create(p.Key, p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s
                : throw Invalid($"filter.search.{p.Key}", "A search attribute's value in a filter is a string."))).ToList(),
            _ => throw Invalid("filter.search", "'filter.search' must be an object of attribute names and values."),
        };
        var query = new ExecutionQuery
        {
            WorkflowId = workflowId,
            AnyStatus = statuses.Count > 0 ? statuses : UnderWay,
            IncludeTests = filter.OptionalBool("include_tests", false),
            Search = Executions.SearchFilters(search, "filter.search."),
            Limit = MaxExecutions,
        };
        var ids = new List<Guid>();
        for (var offset = 0; ; offset += MaxExecutions)
        {
            var page = await reader.ListExecutionsAsync(http.Tenant(), query with { Offset = offset }, http.RequestAborted);
            foreach (var e in page.Items.Where(e => versions is null || versions.Contains(e.WorkflowVersion)))
            {
                if (ids.Count == MaxExecutions)
                    return (ids, true);
                ids.Add(e.Id);
            }
            if (page.Items.Count < MaxExecutions || offset + MaxExecutions >= page.Total)
                return (ids, false);
        }
    }

    /// <summary>A status filter is one status or an array of them.</summary>
    private static List<string> StringsOf(JsonNode? node, string field) => node switch
    {
        null => [],
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        JsonArray a when a.All(n => n is JsonValue v && v.TryGetValue<string>(out _)) => a.Select(n => n!.GetValue<string>()).ToList(),
        _ => throw Invalid(field, $"'{field}' must be a string or an array of strings."),
    };

    internal static Dictionary<string, string> Mapping(JsonNode? node)
    {
        if (node is null)
            return [];
        if (node is JsonObject { Count: > MaxExecutions })
            throw Invalid("mapping", $"'mapping' names at most {MaxExecutions} steps.");
        if (node is not JsonObject o)
            throw Invalid("mapping", "'mapping' must be an object: each step id of the old version with the step id of the target version it moves onto.");
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (from, to) in o)
        {
            if (to is not JsonValue v || !v.TryGetValue<string>(out var target) || target.Length == 0 || from.Length == 0)
                throw Invalid($"mapping.{from}", "Each step of 'mapping' maps onto a step id (a non-empty string).");
            mapping[from] = target;
        }
        return mapping;
    }

    private static JsonObject Plan(MigrationPlan p) => new()
    {
        ["execution_id"] = p.ExecutionId.ToString(),
        ["from_version"] = p.FromVersion,
        ["to_version"] = p.ToVersion,
        ["movable"] = p.Movable,
        ["reason"] = p.Reason,
        ["message"] = p.Message,
        ["mapping"] = Representations.Array(p.Mapping, m => new JsonObject { ["from_step"] = m.FromStep, ["to_step"] = m.ToStep }),
    };

    private static JsonObject Outcome(MigrationOutcome outcome, Guid workflowId, int? toVersion)
    {
        var json = new JsonObject
        {
            ["migration_id"] = outcome.MigrationId.ToString(),
            ["workflow_id"] = workflowId.ToString(),
            ["dry_run"] = false,
        };
        if (toVersion is not null)
            json["to_version"] = toVersion;
        json["moved"] = outcome.Results.Count(r => r.Status == "moved");
        json["pending"] = outcome.Results.Count(r => r.Status == "pending");
        json["skipped"] = outcome.Results.Count(r => r.Status == "skipped");
        json["results"] = Representations.Array(outcome.Results, r => new JsonObject
        {
            ["execution_id"] = r.ExecutionId.ToString(),
            ["status"] = r.Status,
            ["reason"] = r.Reason,
            ["message"] = r.Message,
        });
        return json;
    }

    private static JsonObject Migration(MigrationRecord m) => new()
    {
        ["id"] = m.Id.ToString(),
        ["workflow_id"] = m.WorkflowId.ToString(),
        ["to_version"] = m.ToVersion,
        ["mapping"] = Strings(m.Mapping),
        ["created_by"] = m.CreatedBy,
        ["created_at"] = m.CreatedAt.ToString("O"),
        ["rolled_back_at"] = m.RolledBackAt?.ToString("O"),
    };

    private static JsonObject Strings(IReadOnlyDictionary<string, string> map) => new(map.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));

    private static void Unknown(JsonObject body, string[] fields, string what)
    {
        var unknown = body.Select(p => p.Key).Where(k => !fields.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ChorusException(ErrorCodes.InvalidInput, $"{what} {string.Join(", ", fields)}.",
                new JsonObject { ["fields"] = new JsonArray(unknown.Select(k => (JsonNode?)k).ToArray()) });
    }

    private static ChorusException Invalid(string field, string message) => new(ErrorCodes.InvalidInput, message, new JsonObject { ["field"] = field });
}
