using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Security;

namespace Chorus.Server.Api;

/// <summary><c>POST /api/executions/bulk</c>: cancels, retries or deletes (admins only) many executions, named by id or by the list's
/// filter, and answers each one's result. The request is checked whole before anything changes; each execution is
/// then changed on its own, so one that cannot be (finished, another tenant's, unknown) leaves the others alone.</summary>
internal static class ExecutionBulk
{
    /// <summary>The most executions one request changes; a filter matching more changes the newest this many
    /// (<c>truncated</c> says so) and the caller repeats.</summary>
    public const int MaxExecutions = 500;

    private static readonly string[] Fields = ["action", "ids", "filter"];
    private static readonly string[] FilterFields = ["workflow_id", "status", "from", "to", "q", "include_tests", "search"];

    public static async Task<IResult> ApplyAsync(HttpContext http, ChorusEngine engine, IExecutionReader reader)
    {
        var body = await http.ReadObjectAsync();
        Unknown(body, Fields, "A bulk request has only");
        // Each answers the execution's status afterwards.
        Func<TenantId, Guid, CancellationToken, Task<string>> operation = body.OptionalString("action") switch
        {
            "cancel" => async (tenant, id, ct) => (await engine.CancelAsync(tenant, id, ct)).Status.ToWire(),
            "retry" => async (tenant, id, ct) => (await engine.RetryAsync(tenant, id, ct)).Status.ToWire(),
            "delete" when !http.Caller().Has(Role.Admin) => throw new ChorusException(ErrorCodes.PermissionDenied,
                $"Deleting executions needs the admin role; the credential has {http.Caller().Role.Name()}.",
                new JsonObject { ["required_role"] = Role.Admin.Name(), ["role"] = http.Caller().Role.Name() }),
            "delete" => async (tenant, id, ct) => { await engine.DeleteExecutionAsync(tenant, id, ct); return "deleted"; },
            _ => throw Invalid("action", "'action' must be cancel, retry or delete."),
        };
        var (ids, matched) = (body["ids"], body["filter"]) switch
        {
            (JsonNode list, null) => Named(list),
            (null, JsonObject filter) => await MatchingAsync(http, reader, filter),
            (null, null) => throw Invalid("ids", "Name the executions: 'ids' (an array of execution ids) or 'filter' (the list's filters)."),
            (null, _) => throw Invalid("filter", "'filter' must be an object of the list's filters."),
            _ => throw Invalid("ids", "Send 'ids' or 'filter', not both."),
        };
        var results = new JsonArray();
        var succeeded = 0;
        foreach (var id in ids)
        {
            try
            {
                var status = await operation(http.Tenant(), id, http.RequestAborted);
                results.Add(new JsonObject { ["id"] = id.ToString(), ["ok"] = true, ["status"] = status });
                succeeded++;
            }
            catch (ChorusException ex)
            {
                results.Add(new JsonObject { ["id"] = id.ToString(), ["ok"] = false, ["error"] = new JsonObject { ["code"] = ex.Code, ["message"] = ex.Message } });
            }
        }
        return TypedResults.Json(new JsonObject
        {
            ["action"] = body.OptionalString("action"),
            ["matched"] = matched,
            ["truncated"] = matched > ids.Count,
            ["succeeded"] = succeeded,
            ["failed"] = ids.Count - succeeded,
            ["results"] = results,
        });
    }

    private static async Task<(List<Guid> Ids, int Matched)> MatchingAsync(HttpContext http, IExecutionReader reader, JsonObject filter)
    {
        Unknown(filter, FilterFields, "A bulk filter has only");
        string Value(string name) => filter[name] switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
            _ => throw Invalid($"filter.{name}", $"'filter.{name}' must be a string."),
        };
        var search = filter["search"] switch
        {
            null => [],
            JsonObject o => o.Select(p => KeyValuePair.Create(p.Key, p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s
                : throw Invalid($"filter.search.{p.Key}", "A search attribute's value in a filter is a string."))).ToList(),
            _ => throw Invalid("filter.search", "'filter.search' must be an object of attribute names and values."),
        };
        var query = Executions.Filter(Value) with { Offset = 0, Limit = MaxExecutions, Search = Executions.SearchFilters(search, "filter.search.") };
        var page = await reader.ListExecutionsAsync(http.Tenant(), query, http.RequestAborted);
        return (page.Items.Select(e => e.Id).ToList(), page.Total);
    }

    private static void Unknown(JsonObject body, string[] fields, string what)
    {
        var unknown = body.Select(p => p.Key).Where(k => !fields.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ChorusException(ErrorCodes.InvalidInput, $"{what} {string.Join(", ", fields)}.",
                new JsonObject { ["fields"] = new JsonArray(unknown.Select(k => (JsonNode?)k).ToArray()) });
    }

    /// <summary>The executions named by id: each one named is matched.</summary>
    private static (List<Guid> Ids, int Matched) Named(JsonNode list)
    {
        var ids = RequestReading.ExecutionIds(list, "ids", MaxExecutions);
        return (ids, ids.Count);
    }

    private static ChorusException Invalid(string field, string message) => new(ErrorCodes.InvalidInput, message, new JsonObject { ["field"] = field });
}
