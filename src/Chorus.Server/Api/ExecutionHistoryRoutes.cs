using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.History;
using Chorus.Engine.Runtime;
using Chorus.Server.Security;
using Chorus.Server.Tiers;

namespace Chorus.Server.Api;

/// <summary>An execution's history: its points (the start, each step run in the order the engine committed them, an
/// end the runs do not show), the status, context and variables after any point, the difference between two points,
/// and a re-run from a point as a new test execution.</summary>
internal static class ExecutionHistoryRoutes
{
    public static void MapExecutionHistory(this RouteGroupBuilder executions)
    {
        executions.MapGet("/{id}/history", List).RequireRole(Role.Viewer).Bodies(response: "ExecutionHistory");
        executions.MapGet("/{id}/history/diff", Diff).RequireRole(Role.Viewer).Bodies(response: "HistoryDiff");
        executions.MapGet("/{id}/history/{point}", At).RequireRole(Role.Viewer).Bodies(response: "HistoryPointState");
        executions.MapPost("/{id}/history/{point}/rerun", Rerun).RequireRole(Role.Member)
            .Bodies("HistoryRerunRequest", "Execution", StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> List(HttpContext http, string id, ChorusEngine engine)
    {
        var history = await engine.HistoryAsync(http.Tenant(), Executions.ExecutionId(id), http.RequestAborted);
        return TypedResults.Json(new JsonObject
        {
            ["execution_id"] = history.Execution.Id.ToString(),
            ["status"] = history.Execution.Status.ToString().ToLowerInvariant(),
            ["points"] = Representations.Array(history.Points, Point),
        });
    }

    private static async Task<IResult> At(HttpContext http, string id, string point, ChorusEngine engine)
    {
        var history = await engine.HistoryAsync(http.Tenant(), Executions.ExecutionId(id), http.RequestAborted);
        var index = PointOf(history, point, "point");
        var context = history.ContextAt(index);
        var json = Point(history.Points[index]);
        json["execution_id"] = history.Execution.Id.ToString();
        json["variables"] = context["variables"]?.DeepClone();
        json["context"] = context;
        return TypedResults.Json(json);
    }

    /// <summary>What changed in the context from point <c>from</c> to point <c>to</c> (either way round), as paths.</summary>
    private static async Task<IResult> Diff(HttpContext http, string id, ChorusEngine engine)
    {
        var history = await engine.HistoryAsync(http.Tenant(), Executions.ExecutionId(id), http.RequestAborted);
        var from = PointOf(history, Required(http, "from"), "from");
        var to = PointOf(history, Required(http, "to"), "to");
        var json = JsonDiff.Of(history.ContextAt(from), history.ContextAt(to));
        json["execution_id"] = history.Execution.Id.ToString();
        json["from"] = from;
        json["to"] = to;
        json["status"] = new JsonObject { ["from"] = history.Points[from].Status, ["to"] = history.Points[to].Status };
        return TypedResults.Json(json);
    }

    /// <summary>Starts the re-run (202); <c>?wait=30s</c> waits for its end as a start does (200 once it ended).</summary>
    private static async Task<IResult> Rerun(HttpContext http, string id, string point, ChorusEngine engine)
    {
        var wait = WaitParameter.Of(http);
        var body = await http.ReadObjectAsync(allowEmpty: true);
        var live = body.OptionalBool("live", fallback: false);
        var index = PointNumber(point, "point");
        var originalId = Executions.ExecutionId(id);
        // A re-run is a new execution: it counts toward the tier's daily executions as a test run does.
        await http.RequestServices.GetRequiredService<TierChecks>().ExecutionStartAsync(http.Tenant(), http.RequestAborted);
        var execution = await engine.RerunFromPointAsync(http.Tenant(), originalId, index, live, http.RequestAborted);
        if (wait is { } timeout)
            execution = await engine.WaitForAsync(execution.Tenant, execution.Id, e => e.IsTerminal, timeout, http.RequestAborted);
        var json = Representations.Execution(execution);
        json["rerun_of"] = new JsonObject { ["execution_id"] = originalId.ToString(), ["point"] = index, ["live"] = live };
        return TypedResults.Json(json, statusCode: execution.IsTerminal ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
    }

    private static JsonObject Point(HistoryPoint p) => new()
    {
        ["index"] = p.Index,
        ["kind"] = p.Kind,
        ["step_id"] = p.StepId,
        ["step_name"] = p.StepName,
        ["step_type"] = p.StepType,
        ["attempt"] = p.Attempt,
        ["at"] = Representations.Iso(p.At),
        ["status"] = p.Status,
    };

    private static string Required(HttpContext http, string name) =>
        http.Request.Query[name].ToString() is { Length: > 0 } text ? text
            : throw new ChorusException(ErrorCodes.InvalidInput, $"'{name}' (a point of the execution's history) is required.", new JsonObject { ["field"] = name });

    private static int PointOf(ExecutionHistory history, string text, string field)
    {
        var index = PointNumber(text, field);
        return index < history.Points.Count ? index
            : throw new ChorusException(ErrorCodes.NotFound,
                $"Execution {history.Execution.Id} has no point {index}; its history has points 0 to {history.Points.Count - 1}.",
                new JsonObject { ["field"] = field, ["points"] = history.Points.Count });
    }

    private static int PointNumber(string text, string field) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index
            : throw new ChorusException(ErrorCodes.InvalidInput, $"'{field}' must be a point's index: a whole number from 0.", new JsonObject { ["field"] = field });
}
