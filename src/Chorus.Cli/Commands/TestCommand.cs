using System.CommandLine;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus test FILE</c>: runs the test cases a workflow file carries (its <c>tests</c>) on an embedded
/// engine with time skipped, prints one line per case, and exits non-zero when one fails: a check for CI.</summary>
internal static class TestCommand
{
    private static readonly TimeSpan DefaultPerCase = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The workflow definition (JSON) with its test cases under \"tests\"." };
        var timeout = new Option<double?>("--timeout") { Description = "Real seconds each test case may take (default 60)." };
        var command = new Command("test", "Run a workflow file's test cases embedded (no server), with waits and retry backoff skipped. "
            + "Prints PASS or FAIL per case. Exit codes: 0 all passed, 1 a case failed, 2 usage error, invalid definition or no test cases.")
        {
            file, timeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await RunAsync(parse.GetValue(file)!, parse.GetValue(timeout), ct);
            }
            catch (CliException ex)
            {
                Terminal.Error(ex.Message);
                return ex.ExitCode;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(FileInfo file, double? timeoutSeconds, CancellationToken ct)
    {
        if (Terminal.ReadJsonFile(file.FullName, "workflow file") is not JsonObject definition)
            throw new CliException($"the workflow file '{file}' must hold a JSON object.", ExitCodes.Usage);
        if (timeoutSeconds is <= 0 or double.NaN)
            throw new CliException($"--timeout: '{timeoutSeconds}' is not a number of seconds greater than 0.", ExitCodes.Usage);
        var perCase = timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : DefaultPerCase;
        return await EmbeddedEngine.RunAsync(db: null, services => RunInHostAsync(services, definition, perCase, ct), ct);
    }

    private static async Task<int> RunInHostAsync(IServiceProvider services, JsonObject definition, TimeSpan perCase, CancellationToken ct)
    {
        WorkflowRecord workflow;
        try
        {
            (workflow, _) = await services.GetRequiredService<WorkflowService>().CreateAsync(TenantId.Default, definition, author: null, ct);
        }
        catch (ChorusException ex) when (ex.Code == ErrorCodes.InvalidWorkflowDefinition)
        {
            Terminal.Error($"invalid workflow definition: {ex.Message}");
            foreach (var line in Terminal.DefinitionErrors(ex.Details))
                Console.Error.WriteLine(line);
            return ExitCodes.Usage;
        }
        var report = await services.GetRequiredService<ChorusEngine>().RunWorkflowTestsAsync(TenantId.Default, workflow.Id, perCase, ct);
        if (report.Cases.Count == 0)
            throw new CliException($"'{workflow.Name}' has no test cases: add them under \"tests\".", ExitCodes.Usage);
        foreach (var result in report.Cases)
            Console.Out.WriteLine(Line(result));
        var failed = report.Cases.Count(c => !c.Passed);
        Console.Out.WriteLine($"{report.Cases.Count - failed} passed, {failed} failed");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static string Line(TestCaseResult result) => result.Passed
        ? $"PASS {result.Name}"
        : $"FAIL {result.Name}: {Terminal.OneLine(string.Join(" ", result.Differences.Select(d => d.Message)))}";
}
