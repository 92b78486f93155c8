using System.CommandLine;
using System.Text.Json.Nodes;
using Chorus.Client;
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
            var answer = await client.Workflows.ExecuteAsync(parse.GetValue(workflow)!, Input(parse.GetValue(input), parse.GetValue(inputFile)),
                parse.GetValue(manual), cancellationToken: ct);
            return Terminal.Answer(parse.GetValue(json), answer.Json, $"started execution {answer.Id} ({answer.Status})");
        }));
        executions.Add(start);

        foreach (var (name, what, run) in new (string, string, Func<ExecutionsClient, string, CancellationToken, Task<Execution>>)[]
        {
            ("cancel", "Cancel an execution: running steps are stopped, nothing else runs.", (c, id, ct) => c.CancelAsync(id, ct)),
            ("pause", "Pause an execution: running steps finish, nothing new starts until resume.", (c, id, ct) => c.PauseAsync(id, ct)),
            ("resume", "Resume a paused execution.", (c, id, ct) => c.ResumeAsync(id, ct)),
            ("advance", "Run the next step of an execution in manual mode.", (c, id, ct) => c.AdvanceAsync(id, ct)),
        })
        {
            var id = new Argument<string>("ID") { Description = "The execution id." };
            var operation = new Command(name, what) { id };
            operation.SetAction((parse, ct) => api.RunAsync(parse, async client =>
            {
                return Operated(parse.GetValue(json), await run(client.Executions, parse.GetValue(id)!, ct));
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
            var answer = await client.Executions.RetryAsync(parse.GetValue(retryId)!, parse.GetValue(fromStart), parse.GetValue(latest), ct);
            return parse.GetValue(fromStart)
                ? Terminal.Answer(parse.GetValue(json), answer.Json, $"started execution {answer.Id} (version {answer.WorkflowVersion}), a new run of {answer.RetryOf}")
                : Operated(parse.GetValue(json), answer);
        }));
        executions.Add(retry);

        var eventId = new Argument<string>("ID") { Description = "The execution id." };
        var eventName = new Argument<string>("NAME") { Description = "The event's name, as the waiting step expects it." };
        var data = new Option<string?>("--data") { Description = "The data, as JSON." };
        var sendEvent = new Command("event", "Send a named event to an execution; a step waiting for it goes on with the data.") { eventId, eventName, data };
        sendEvent.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var answer = await client.Executions.SendEventAsync(parse.GetValue(eventId)!, parse.GetValue(eventName)!, Json(parse.GetValue(data), "--data"), ct);
            return Operated(parse.GetValue(json), answer);
        }));
        executions.Add(sendEvent);

        var inputId = new Argument<string>("ID") { Description = "The execution id." };
        var step = new Option<string?>("--step") { Description = "The manual input step (needed when several wait)." };
        var inputData = new Option<string>("--data") { Description = "The input, as JSON.", Required = true };
        var submit = new Command("input", "Submit the input a manual input step waits for.") { inputId, step, inputData };
        submit.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var answer = await client.Executions.SubmitInputAsync(parse.GetValue(inputId)!, Json(parse.GetValue(inputData), "--data"), parse.GetValue(step), ct);
            return Operated(parse.GetValue(json), answer);
        }));
        executions.Add(submit);

        var logsId = new Argument<string>("ID") { Description = "The execution id." };
        var logs = new Command("logs", "Print an execution's log lines, oldest first.") { logsId };
        logs.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var answer = await client.Executions.LogsAsync(parse.GetValue(logsId)!, ct);
            if (parse.GetValue(json))
                return Terminal.Answer(true, answer.Json, "");
            var table = new Table().AddColumns("at", "level", "step", "message");
            // The time as the server wrote it.
            foreach (var line in answer.Items)
                table.AddRow(Terminal.Cells(line.Json["timestamp"], line.Level, line.StepId, line.Message));
            Terminal.Stdout().Write(table);
            return ExitCodes.Ok;
        }));
        executions.Add(logs);

        var exportId = new Argument<string>("ID") { Description = "The execution id." };
        var output = new Option<string?>("--out") { Description = "Write the export to this file instead of stdout." };
        var export = new Command("export", "Everything about one execution in one JSON document (execution, version, step runs, logs, events), for a support case.") { exportId, output };
        export.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var answer = (await client.Executions.ExportAsync(parse.GetValue(exportId)!, ct)).Json;
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
            await client.Executions.DeleteAsync(parse.GetValue(deleteId)!, ct);
            return Terminal.Answer(parse.GetValue(json), new JsonObject { ["id"] = parse.GetValue(deleteId), ["deleted"] = true }, $"deleted execution {parse.GetValue(deleteId)}");
        }));
        executions.Add(delete);
    }

    /// <summary>The answer of an operation on one execution: the execution and its status.</summary>
    private static int Operated(bool json, Execution answer) => Terminal.Answer(json, answer.Json, $"execution {answer.Id}: {answer.Status}");

    private static JsonNode? Input(string? text, string? file) => (text, file) switch
    {
        (not null, not null) => throw new CliException("Give the input with --input or --input-file, not both.", ExitCodes.Usage),
        (not null, null) => Terminal.ParseJson(text, "--input"),
        (null, not null) => Terminal.ReadJsonFile(file, "--input-file"),
        _ => new JsonObject(),
    };

    private static JsonNode? Json(string? text, string what) => text is null ? null : Terminal.ParseJson(text, what);
}
