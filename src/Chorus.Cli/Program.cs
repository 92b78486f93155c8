using System.CommandLine;
using System.CommandLine.Invocation;
using Chorus.Cli.Commands;

var root = new RootCommand("chorus: serve Chorus, run workflow files embedded, and inspect a running server.")
{
    ServeCommand.Create(),
    RunCommand.Create(),
    TestCommand.Create(),
    WorkflowsCommand.Create(),
    ExecutionsCommand.Create(),
    TokenCommand.Create(),
    DemoCommand.Create(),
    SecretsAndSchedulesCommands.Secrets(),
    SecretsAndSchedulesCommands.Schedules(),
    TriggersCommand.Create(),
    RabbitMqTriggersCommand.Create(),
    ApiKeysCommand.Create(),
};
foreach (var command in BackupCommand.Create())
    root.Add(command);
var parse = root.Parse(args);
var exit = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
return parse.Action is ParseErrorAction ? ExitCodes.Usage : exit;
