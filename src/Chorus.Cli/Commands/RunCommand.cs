using System.CommandLine;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus run FILE</c>: runs a workflow file in this process, without a server, and prints its output.</summary>
internal static class RunCommand
{
    private sealed record Request(FileInfo File, string? Input, FileInfo? InputFile, string? Db, double? Timeout, bool SkipTime);

    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The workflow definition (JSON)." };
        var input = new Option<string?>("--input") { Description = "The execution's input as JSON text, e.g. '{\"email\":\"a@b.c\"}'." };
        var inputFile = new Option<FileInfo?>("--input-file") { Description = "Read the execution's input from a JSON file." };
        var db = new Option<string?>("--db") { Description = "SQLite file to keep the run in (default: a temporary file, deleted afterwards)." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds to wait before cancelling the execution (exit 1). Default: no limit." };
        var skipTime = new Option<bool>("--skip-time") { Description = "Run as a test run whose waits, retry backoff and time limit fire at once on a virtual clock." };
        var command = new Command("run", "Run a workflow file embedded (no server) with live progress on stderr and the output JSON on stdout. "
            + "Exit codes: 0 completed, 1 failed/cancelled/timed out, 2 usage error or invalid definition, 3 waiting for an event or input.")
        {
            file, input, inputFile, db, timeout, skipTime,
        };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var request = new Request(parse.GetValue(file)!, parse.GetValue(input), parse.GetValue(inputFile), parse.GetValue(db), parse.GetValue(timeout), parse.GetValue(skipTime));
                return await RunAsync(request, ct);
            }
            catch (CliException ex)
            {
                Terminal.Error(ex.Message);
                return ex.ExitCode;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(Request request, CancellationToken ct)
    {
        if (Terminal.ReadJsonFile(request.File.FullName, "workflow file") is not JsonObject definition)
            throw new CliException($"the workflow file '{request.File}' must hold a JSON object.", ExitCodes.Usage);
        var input = ReadInput(request);
        if (request.Timeout is <= 0 or double.NaN)
            throw new CliException($"--timeout: '{request.Timeout}' is not a number of seconds greater than 0.", ExitCodes.Usage);
        // The file is run as it is, whatever status its author saved it with.
        definition["status"] = "active";

        return await EmbeddedEngine.RunAsync(request.Db,
            services => RunInHostAsync(services, definition, input, request.Timeout, request.SkipTime, ct), ct);
    }

    private static JsonNode? ReadInput(Request request)
    {
        if (request.Input is not null && request.InputFile is not null)
            throw new CliException("give the input with --input or --input-file, not both.", ExitCodes.Usage);
        if (request.Input is not null)
            return Terminal.ParseJson(request.Input, "--input");
        return request.InputFile is null ? null : Terminal.ReadJsonFile(request.InputFile.FullName, "input file");
    }

    private static async Task<int> RunInHostAsync(IServiceProvider services, JsonObject definition, JsonNode? input, double? timeoutSeconds,
        bool skipTime, CancellationToken ct)
    {
        var tenant = TenantId.Default;
        WorkflowRecord workflow;
        try
        {
            (workflow, _) = await services.GetRequiredService<WorkflowService>().CreateAsync(tenant, definition, author: null, ct);
        }
        catch (ChorusException ex) when (ex.Code == ErrorCodes.InvalidWorkflowDefinition)
        {
            Terminal.Error($"invalid workflow definition: {ex.Message}");
            foreach (var line in Terminal.DefinitionErrors(ex.Details))
                Console.Error.WriteLine(line);
            return ExitCodes.Usage;
        }

        var engine = services.GetRequiredService<ChorusEngine>();
        using var watcher = new RunWatcher(engine, services.GetRequiredService<IExecutionReader>(), Terminal.Stderr(), workflow.Name);
        ExecutionRecord started;
        try
        {
            // A time-skipping run is a test run: its timers move, and nothing else's.
            started = await engine.StartExecutionAsync(tenant, workflow.Id, input, isTest: skipTime, ct: ct);
        }
        catch (ChorusException ex) when (ex.Code == ErrorCodes.InvalidInput)
        {
            Terminal.Error($"{ex.Code}: {ex.Message}");
            return ExitCodes.Usage;
        }

        using var timeout = timeoutSeconds is { } s ? new CancellationTokenSource(TimeSpan.FromSeconds(s)) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            // The driver fires the timers while the watcher shows the steps; both stop where the execution settles.
            var driving = skipTime
                ? engine.RunTestAsync(tenant, started.Id, new TestRunOptions { SkipTime = true }, Timeout.InfiniteTimeSpan, linked.Token)
                : Task.CompletedTask;
            var settled = await watcher.WatchAsync(started.Id, linked.Token);
            await driving;
            return Report(settled);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            try
            {
                await engine.CancelAsync(tenant, started.Id, CancellationToken.None);
            }
            catch (ChorusException ex) when (ex.Code == ErrorCodes.Conflict)
            {
                // It ended on its own while the time ran out; there is nothing left to cancel.
            }
            Terminal.Error(timeout.IsCancellationRequested
                ? $"{ErrorCodes.Timeout}: the execution did not finish within {timeoutSeconds} s and was cancelled."
                : "cancelled: the run was interrupted and the execution cancelled.");
            return ExitCodes.Failed;
        }
    }

    private static int Report(ExecutionRecord execution)
    {
        switch (execution.Status)
        {
            case ExecutionStatus.Completed:
                Console.Out.WriteLine(Terminal.Json(execution.Output));
                return ExitCodes.Ok;
            case ExecutionStatus.Waiting:
                var waits = execution.State.Steps.Where(p => p.Value is { Status: StepStatus.Waiting, WaitingFor: not null })
                    .Select(p => $"{(p.Value.SignalKind == "manual_input" ? "manual input" : "event")} '{p.Value.WaitingFor}' (step '{p.Key}')");
                Terminal.Error($"the execution is waiting for {string.Join(", ", waits)}; an embedded run cannot receive it. "
                    + "Run the workflow on a server (chorus serve) and send it through the API.");
                return ExitCodes.Waiting;
            default:
                var error = execution.Error;
                var code = error?["code"]?.GetValue<string>() ?? ErrorCodes.WorkflowExecutionError;
                var message = error?["message"]?.GetValue<string>() ?? $"the execution ended {execution.Status.ToWire()}.";
                var step = error?["step_id"]?.GetValue<string>() is { } id ? $" (step '{id}')" : "";
                Terminal.Error($"execution {execution.Status.ToWire()}: {code}: {message}{step}");
                return ExitCodes.Failed;
        }
    }
}
