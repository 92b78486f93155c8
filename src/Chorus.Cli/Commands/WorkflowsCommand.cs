using System.CommandLine;
using System.Text.Json.Nodes;
using Chorus.Client;
using Spectre.Console;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus workflows list|push</c> against a running server.</summary>
internal static class WorkflowsCommand
{
    public static Command Create()
    {
        var api = new ApiOptions();
        var command = new Command("workflows", "List and save workflow definitions on a running server.");
        api.AddTo(command);
        var json = Terminal.JsonOption();
        command.Add(json);

        var list = new Command("list", "List the workflows: id, name, status and current version.");
        list.SetAction((parse, ct) => api.RunAsync(parse, client => ListAsync(client, parse.GetValue(json), ct)));
        command.Add(list);

        var file = new Argument<FileInfo>("FILE") { Description = "The workflow definition (JSON)." };
        var id = new Option<string?>("--id") { Description = "Update this workflow (PUT) instead of creating a new one." };
        var push = new Command("push", "Create a workflow from a JSON file, or with --id save it as a new version of an existing one.") { file, id };
        push.SetAction((parse, ct) => api.RunAsync(parse, client => PushAsync(client, parse.GetValue(file)!, parse.GetValue(id), parse.GetValue(json), ct)));
        command.Add(push);
        return command;
    }

    private static async Task<int> ListAsync(ChorusClient client, bool json, CancellationToken ct)
    {
        var workflows = await client.Workflows.ListAsync(pageSize: 200, cancellationToken: ct);
        if (json)
            return Terminal.Answer(true, workflows.Json, "");
        var console = Terminal.Stdout();
        if (workflows.Items.Count == 0)
        {
            console.WriteLine("No workflows.");
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("id", "name", "status", "current_version");
        foreach (var w in workflows.Items)
            table.AddRow(Terminal.Cells(w.Id, w.Name, w.Status, w.CurrentVersion));
        console.Write(table);
        if (workflows.Total > workflows.Items.Count)
            console.WriteLine($"{workflows.Items.Count} of {workflows.Total} shown.");
        return ExitCodes.Ok;
    }

    private static async Task<int> PushAsync(ChorusClient client, FileInfo file, string? id, bool json, CancellationToken ct)
    {
        if (Terminal.ReadJsonFile(file.FullName, "workflow file") is not JsonObject definition)
            throw new CliException($"the workflow file '{file}' must hold a JSON object.", ExitCodes.Usage);
        var saved = id is null
            ? await client.Workflows.CreateAsync(definition, ct)
            : await client.Workflows.UpdateAsync(id, definition, ct);
        var verb = id is null ? "created" : saved.VersionCreated == false ? "unchanged" : "updated";
        return Terminal.Answer(json, saved.Json, $"{verb} workflow {saved.Id} '{saved.Name}' ({saved.Status}, version {saved.CurrentVersion})");
    }
}
