using System.CommandLine;
using System.Text.Json.Nodes;
using Chorus.Client;
using Spectre.Console;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus executions</c> against a running server: list, show and watch here, the operations in
/// <see cref="ExecutionOperations"/>.</summary>
internal static class ExecutionsCommand
{
    public static Command Create()
    {
        var api = new ApiOptions();
        var command = new Command("executions", "List, inspect, start and operate executions on a running server.");
        api.AddTo(command);
        var json = Terminal.JsonOption();
        command.Add(json);

        var workflow = new Option<string?>("--workflow") { Description = "Only the executions of this workflow id." };
        var status = new Option<string?>("--status") { Description = "Only executions with this status (pending, running, waiting, paused, completed, failed, cancelled)." };
        var search = new Option<string[]>("--search")
        {
            Description = "Only executions whose search attribute has this exact value, as name=value; repeat for several (all must hold).",
            AllowMultipleArgumentsPerToken = false,
        };
        var list = new Command("list", "List executions, newest first.") { workflow, status, search };
        list.SetAction((parse, ct) => api.RunAsync(parse, client =>
            ListAsync(client, parse.GetValue(workflow), parse.GetValue(status), parse.GetValue(search) ?? [], parse.GetValue(json), ct)));
        command.Add(list);

        var id = new Argument<string>("ID") { Description = "The execution id." };
        var show = new Command("show", "Show an execution: status, progress, current step, step runs, output and error.") { id };
        show.SetAction((parse, ct) => api.RunAsync(parse, client => ShowAsync(client, parse.GetValue(id)!, parse.GetValue(json), ct)));
        command.Add(show);

        var watchId = new Argument<string>("ID") { Description = "The execution id." };
        var watch = new Command("watch", "Follow an execution live over the WebSocket until it ends: exit 0 when it completes, 1 when it fails or is cancelled.") { watchId };
        watch.SetAction((parse, ct) => api.RunAsync(parse, (client, http) => new ExecutionWatch(client, http, Terminal.Stdout()).RunAsync(parse.GetValue(watchId)!, ct)));
        command.Add(watch);
        ExecutionOperations.AddTo(command, api, json);
        return command;
    }

    private static async Task<int> ListAsync(ChorusClient client, string? workflow, string? status, string[] search, bool json, CancellationToken ct)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var filter in search)
        {
            if (filter.Split('=', 2) is not [{ Length: > 0 } name, var value])
            {
                Terminal.Stderr().WriteLine($"--search takes name=value, not '{filter}'.");
                return ExitCodes.Usage;
            }
            attributes[name] = value;
        }
        var executions = await client.Executions.ListAsync(new ExecutionFilter
        {
            WorkflowId = workflow, Status = status, Search = attributes, PageSize = 200,
        }, ct);
        if (json)
            return Terminal.Answer(true, executions.Json, "");
        var console = Terminal.Stdout();
        if (executions.Items.Count == 0)
        {
            console.WriteLine("No executions.");
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("id", "workflow_id", "status", "progress", "current_step", "started_at");
        // Times and the percentage are printed as the server wrote them.
        foreach (var e in executions.Items)
            table.AddRow(Terminal.Cells(e.Id, e.WorkflowId, e.Status, Percent(e.Json), e.CurrentStep, e.Json["started_at"]));
        console.Write(table);
        return ExitCodes.Ok;
    }

    private static async Task<int> ShowAsync(ChorusClient client, string id, bool json, CancellationToken ct)
    {
        var execution = (await client.Executions.GetAsync(id, ct)).Json;
        if (json)
            return Terminal.Answer(true, execution, "");
        var steps = (await client.Executions.StepsAsync(id, ct)).Items;
        var console = Terminal.Stdout();

        var progress = execution["progress"];
        var summary = new Grid().AddColumns(2);
        summary.AddRow(Terminal.Cells("execution", execution["id"]));
        summary.AddRow(Terminal.Cells("workflow", $"{execution["workflow_id"]} (version {execution["workflow_version"]})"));
        summary.AddRow(Terminal.Cells("status", execution["status"]));
        summary.AddRow(Terminal.Cells("progress", $"{progress?["completedNodes"]}/{progress?["totalNodes"]} ({progress?["percentage"]}%)"));
        summary.AddRow(Terminal.Cells("current step", execution["current_step"]));
        summary.AddRow(Terminal.Cells("started", execution["started_at"]));
        summary.AddRow(Terminal.Cells("completed", execution["completed_at"]));
        console.Write(summary);

        if (steps.Count > 0)
        {
            var table = new Table().AddColumns("step", "type", "status", "attempt", "duration_ms", "error");
            foreach (var s in steps)
                table.AddRow(Terminal.Cells(s.StepId, s.Type, s.Status, s.Attempt, s.DurationMs, s.Error?.Message));
            console.Write(table);
        }
        else
            console.WriteLine("No step runs yet.");

        Console.Out.WriteLine("output:");
        Console.Out.WriteLine(Terminal.Json(execution["output"]));
        if (execution["error"] is JsonObject error)
            Console.Out.WriteLine($"error: {error["code"]}: {error["message"]}");
        return ExitCodes.Ok;
    }

    private static string Percent(JsonNode? execution) =>
        execution?["progress"]?["percentage"] is { } p ? $"{p}%" : "";
}
