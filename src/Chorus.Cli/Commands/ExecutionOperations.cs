using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus executions start|cancel|pause|resume|advance|retry|event|input|logs|export|delete</c>: every
/// operation on executions the API has. Each prints one line (the execution and its status) or, with
/// <c>--json</c>, the server's answer as it came.</summary>
internal static class ExecutionOperations
{
    public static void AddTo(Command executions, ApiOptions api, Option<bool> json)
    {
        var workflow = new Argument<string>("WORKFLOW_ID") { Description = "The workflow to start." };
        var input = new Option<string?>("--input") { Description = "The input, as JSON." };
        var inputFile = new Option<string?>("--input-file") { Description = "The input, from a JSON file." };
        var manual = new Option<bool>("--manual") { Description = "Manual mode: one step per `chorus executions advance`." };
        var start = new Command("start", "Start an execution of a workflow; prints its id.") { workflow, input, inputFile, manual };
        start.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var body = new JsonObject { ["input"] = Input(parse.GetValue(input), parse.GetValue(inputFile)) };
            if (parse.GetValue(manual))
                body["mode"] = "manual";
            var answer = await client.SendAsync(HttpMethod.Post, $"api/workflows/{Escape(parse.GetValue(workflow)!)}/execute", body, ct);
            return Terminal.Answer(parse.GetValue(json), answer, $"started execution {answer?["id"]} ({answer?["status"]})");
        }));
        executions.Add(start);

        foreach (var (name, what) in new[]
        {
            ("cancel", "Cancel an execution: running steps are stopped, nothing else runs."),
            ("pause", "Pause an execution: running steps finish, nothing new starts until resume."),
            ("resume", "Resume a paused execution."),
            ("advance", "Run the next step of an execution in manual mode."),
        })
        {
            var id = new Argument<string>("ID") { Description = "The execution id." };
            var operation = new Command(name, what) { id };
            operation.SetAction((parse, ct) => api.RunAsync(parse, async client =>
            {
                var answer = await client.SendAsync(HttpMethod.Post, $"api/executions/{Escape(parse.GetValue(id)!)}/{name}", null, ct);
                return Terminal.Answer(parse.GetValue(json), answer, $"execution {answer?["id"]}: {answer?["status"]}");
            }));
            executions.Add(operation);
        }

        var retryId = new Argument<string>("ID") { Description = "The execution id." };
        var fromStart = new Option<bool>("--from-start") { Description = "Run the ended execution again from its first step, as a new execution with the same input." };
        var latest = new Option<bool>("--latest") { Description = "With --from-start: on the workflow's current version, not the one it ran." };
        var retry = new Command("retry", "Go on from the failed step in the same execution, or with --from-start run it again as a new one.") { retryId, fromStart, latest };
        retry.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            if (parse.GetValue(latest) && !parse.GetValue(fromStart))
                throw new CliException("--latest goes with --from-start: going on from the failed step keeps the version the execution ran.", ExitCodes.Usage);
            var body = parse.GetValue(fromStart)
                ? new JsonObject { ["from"] = "start", ["version"] = parse.GetValue(latest) ? "latest" : "same" }
                : null;
            var answer = await client.SendAsync(HttpMethod.Post, $"api/executions/{Escape(parse.GetValue(retryId)!)}/retry", body, ct);
            return Terminal.Answer(parse.GetValue(json), answer, body is null
                ? $"execution {answer?["id"]}: {answer?["status"]}"
                : $"started execution {answer?["id"]} (version {answer?["workflow_version"]}), a new run of {answer?["retry_of"]}");
        }));
        executions.Add(retry);

        var eventId = new Argument<string>("ID") { Description = "The execution id." };
        var eventName = new Argument<string>("NAME") { Description = "The event's name, as the waiting step expects it." };
        var data = new Option<string?>("--data") { Description = "The data, as JSON." };
        var sendEvent = new Command("event", "Send a named event to an execution; a step waiting for it goes on with the data.") { eventId, eventName, data };
        sendEvent.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var body = new JsonObject { ["name"] = parse.GetValue(eventName), ["data"] = Json(parse.GetValue(data), "--data") };
            var answer = await client.SendAsync(HttpMethod.Post, $"api/executions/{Escape(parse.GetValue(eventId)!)}/events", body, ct);
            return Terminal.Answer(parse.GetValue(json), answer, $"execution {answer?["id"]}: {answer?["status"]}");
        }));
        executions.Add(sendEvent);

        var inputId = new Argument<string>("ID") { Description = "The execution id." };
        var step = new Option<string?>("--step") { Description = "The manual input step (needed when several wait)." };
        var inputData = new Option<string>("--data") { Description = "The input, as JSON.", Required = true };
        var submit = new Command("input", "Submit the input a manual input step waits for.") { inputId, step, inputData };
        submit.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var body = new JsonObject { ["step_id"] = parse.GetValue(step), ["data"] = Json(parse.GetValue(inputData), "--data") };
            var answer = await client.SendAsync(HttpMethod.Post, $"api/executions/{Escape(parse.GetValue(inputId)!)}/input", body, ct);
            return Terminal.Answer(parse.GetValue(json), answer, $"execution {answer?["id"]}: {answer?["status"]}");
        }));
        executions.Add(submit);

        var logsId = new Argument<string>("ID") { Description = "The execution id." };
        var logs = new Command("logs", "Print an execution's log lines, oldest first.") { logsId };
        logs.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var answer = await client.GetAsync($"api/executions/{Escape(parse.GetValue(logsId)!)}/logs", ct);
            if (parse.GetValue(json))
                return Terminal.Answer(true, answer, "");
            var table = new Table().AddColumns("at", "level", "step", "message");
            foreach (var line in answer?["items"] as JsonArray ?? [])
                table.AddRow(Terminal.Cells(line?["timestamp"], line?["level"], line?["step_id"], line?["message"]));
            Terminal.Stdout().Write(table);
            return ExitCodes.Ok;
        }));
        executions.Add(logs);

        var exportId = new Argument<string>("ID") { Description = "The execution id." };
        var output = new Option<string?>("--out") { Description = "Write the export to this file instead of stdout." };
        var export = new Command("export", "Everything about one execution in one JSON document (execution, version, step runs, logs, events), for a support case.") { exportId, output };
        export.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var answer = await client.GetAsync($"api/executions/{Escape(parse.GetValue(exportId)!)}/export", ct);
            if (parse.GetValue(output) is not { } file)
                return Terminal.Answer(true, answer, "");
            await File.WriteAllTextAsync(file, Terminal.Json(answer), ct);
            Console.Out.WriteLine($"wrote {file}");
            return ExitCodes.Ok;
        }));
        executions.Add(export);

        var deleteId = new Argument<string>("ID") { Description = "The execution id." };
        var delete = new Command("delete", "Delete an ended execution with its step runs, logs and events (admin).") { deleteId };
        delete.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            await client.SendAsync(HttpMethod.Delete, $"api/executions/{Escape(parse.GetValue(deleteId)!)}", null, ct);
            return Terminal.Answer(parse.GetValue(json), new JsonObject { ["id"] = parse.GetValue(deleteId), ["deleted"] = true }, $"deleted execution {parse.GetValue(deleteId)}");
        }));
        executions.Add(delete);
    }

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private static JsonNode? Input(string? text, string? file) => (text, file) switch
    {
        (not null, not null) => throw new CliException("Give the input with --input or --input-file, not both.", ExitCodes.Usage),
        (not null, null) => Terminal.ParseJson(text, "--input"),
        (null, not null) => Terminal.ReadJsonFile(file, "--input-file"),
        _ => new JsonObject(),
    };

    private static JsonNode? Json(string? text, string what) => text is null ? null : Terminal.ParseJson(text, what);
}
