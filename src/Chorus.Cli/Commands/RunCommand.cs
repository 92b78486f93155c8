using System.CommandLine;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Hosting;
using Chorus.Engine.Outbound;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Email;
using Chorus.Server.Hosting;
using Chorus.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus run FILE</c>: runs a workflow file in this process, without a server, and prints its output.</summary>
internal static class RunCommand
{
    private sealed record Request(FileInfo File, string? Input, FileInfo? InputFile, string? Db, double? Timeout);

    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The workflow definition (JSON)." };
        var input = new Option<string?>("--input") { Description = "The execution's input as JSON text, e.g. '{\"email\":\"a@b.c\"}'." };
        var inputFile = new Option<FileInfo?>("--input-file") { Description = "Read the execution's input from a JSON file." };
        var db = new Option<string?>("--db") { Description = "SQLite file to keep the run in (default: a temporary file, deleted afterwards)." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds to wait before cancelling the execution (exit 1). Default: no limit." };
        var command = new Command("run", "Run a workflow file embedded (no server) with live progress on stderr and the output JSON on stdout. "
            + "Exit codes: 0 completed, 1 failed/cancelled/timed out, 2 usage error or invalid definition, 3 waiting for an event or input.")
        {
            file, input, inputFile, db, timeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var request = new Request(parse.GetValue(file)!, parse.GetValue(input), parse.GetValue(inputFile), parse.GetValue(db), parse.GetValue(timeout));
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

        var temporary = request.Db is null;
        var path = request.Db ?? Path.Combine(Path.GetTempPath(), $"chorus-run-{Guid.NewGuid():N}.db");
        try
        {
            // The same outbound HTTP policy as the server, from the same variables: loopback and private targets
            // are refused unless HTTP_ALLOW_PRIVATE or HTTP_ALLOW_HOSTS say otherwise.
            var outbound = Read(ServerOptions.OutboundHttpFrom);
            // Steps of the steps services in STEPS_SVC_URL run remotely, as on the server.
            var remote = Read(ServerOptions.RemoteStepsFrom);
            var smtp = Read(SmtpSettings.FromEnvironment);
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddChorus(o => o with { OutboundHttp = outbound, RemoteSteps = remote }).UseSqlite(path, fullSync: !temporary).AddEmail(smtp);
            using var host = builder.Build();
            await host.StartAsync(ct);
            try
            {
                return await RunInHostAsync(host.Services, definition, input, request.Timeout, ct);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            if (temporary)
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                    File.Delete(path + suffix);
        }
    }

    private static JsonNode? ReadInput(Request request)
    {
        if (request.Input is not null && request.InputFile is not null)
            throw new CliException("give the input with --input or --input-file, not both.", ExitCodes.Usage);
        if (request.Input is not null)
            return Terminal.ParseJson(request.Input, "--input");
        return request.InputFile is null ? null : Terminal.ReadJsonFile(request.InputFile.FullName, "input file");
    }

    private static async Task<int> RunInHostAsync(IServiceProvider services, JsonObject definition, JsonNode? input, double? timeoutSeconds, CancellationToken ct)
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
            started = await engine.StartExecutionAsync(tenant, workflow.Id, input, ct: ct);
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
            return Report(await watcher.WatchAsync(started.Id, linked.Token));
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

    /// <summary>Settings from the same variables as the server's (SMTP_*, HTTP_*, STEPS_SVC_*); a bad one is a usage error.</summary>
    private static T Read<T>(Func<Func<string, string?>, T> settings)
    {
        try
        {
            return settings(Environment.GetEnvironmentVariable);
        }
        catch (OptionsException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Usage);
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
