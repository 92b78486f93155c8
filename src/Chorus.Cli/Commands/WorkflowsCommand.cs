using System.CommandLine;
using System.Text.Json.Nodes;
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

    private static async Task<int> ListAsync(ApiClient client, bool json, CancellationToken ct)
    {
        var body = await client.GetAsync("api/workflows?page_size=200", ct);
        if (json)
            return Terminal.Answer(true, body, "");
        var items = body?["items"] as JsonArray ?? [];
        var console = Terminal.Stdout();
        if (items.Count == 0)
        {
            console.WriteLine("No workflows.");
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("id", "name", "status", "current_version");
        foreach (var w in items)
            table.AddRow(Terminal.Cells(w?["id"], w?["name"], w?["status"], w?["current_version"]));
        console.Write(table);
        if (body?["total"]?.GetValue<int>() is { } total && total > items.Count)
            console.WriteLine($"{items.Count} of {total} shown.");
        return ExitCodes.Ok;
    }

    private static async Task<int> PushAsync(ApiClient client, FileInfo file, string? id, bool json, CancellationToken ct)
    {
        if (Terminal.ReadJsonFile(file.FullName, "workflow file") is not JsonObject definition)
            throw new CliException($"the workflow file '{file}' must hold a JSON object.", ExitCodes.Usage);
        var saved = id is null
            ? await client.SendAsync(HttpMethod.Post, "api/workflows", definition, ct)
            : await client.SendAsync(HttpMethod.Put, $"api/workflows/{Uri.EscapeDataString(id)}", definition, ct);
        var verb = id is null ? "created" : saved?["version_created"]?.GetValue<bool>() == false ? "unchanged" : "updated";
        return Terminal.Answer(json, saved, $"{verb} workflow {saved?["id"]} '{saved?["name"]}' ({saved?["status"]}, version {saved?["current_version"]})");
    }
}
