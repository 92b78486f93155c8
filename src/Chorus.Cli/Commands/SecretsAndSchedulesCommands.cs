using System.CommandLine;
using System.Text.Json.Nodes;
using Chorus.Client;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus secrets list|set|delete</c> and <c>chorus schedules list|create|enable|disable|delete</c> against
/// a running server. A secret's value is read from standard input unless given, so that it stays out of the shell's
/// history; the server never answers it back.</summary>
internal static class SecretsAndSchedulesCommands
{
    public static Command Secrets()
    {
        var api = new ApiOptions();
        var json = Terminal.JsonOption();
        var command = new Command("secrets", "List, set and delete the tenant's secrets (their values are never shown).") { json };
        api.AddTo(command);

        var list = new Command("list", "The secrets' names and when they changed.");
        list.SetAction((parse, ct) => api.RunAsync(parse, async client =>
            Terminal.Table(parse.GetValue(json), (await client.Secrets.ListAsync(ct)).Json, "No secrets.", ["name", "updated_at", "updated_by"])));
        command.Add(list);

        var name = new Argument<string>("NAME") { Description = "The secret's name: letters, digits and _." };
        var value = new Option<string?>("--value") { Description = "The value (default: read from standard input)." };
        var set = new Command("set", "Create or replace a secret; workflows read it as {{ secrets.NAME }}.") { name, value };
        set.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var secret = parse.GetValue(value) ?? (await Console.In.ReadToEndAsync(ct)).TrimEnd('\r', '\n');
            var answer = await client.Secrets.SetAsync(parse.GetValue(name)!, secret, ct);
            return Terminal.Answer(parse.GetValue(json), answer.Json, $"saved secret {answer.Name}");
        }));
        command.Add(set);

        var deleteName = new Argument<string>("NAME") { Description = "The secret's name." };
        var delete = new Command("delete", "Delete a secret.") { deleteName };
        delete.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            await client.Secrets.DeleteAsync(parse.GetValue(deleteName)!, ct);
            return Terminal.Answer(parse.GetValue(json), new JsonObject { ["name"] = parse.GetValue(deleteName), ["deleted"] = true }, $"deleted secret {parse.GetValue(deleteName)}");
        }));
        command.Add(delete);
        return command;
    }

    public static Command Schedules()
    {
        var api = new ApiOptions();
        var json = Terminal.JsonOption();
        var command = new Command("schedules", "List, create, enable, disable and delete a workflow's cron schedules.") { json };
        api.AddTo(command);
        static Argument<string> Workflow() => new("WORKFLOW_ID") { Description = "The workflow." };

        var listWorkflow = Workflow();
        var list = new Command("list", "The workflow's schedules with their next run.") { listWorkflow };
        list.SetAction((parse, ct) => api.RunAsync(parse, async client =>
            Terminal.Table(parse.GetValue(json), (await client.Schedules.ListAsync(parse.GetValue(listWorkflow)!, ct)).Json, "No schedules.",
                ["id", "cron", "time_zone", "enabled", "next_run_at", "last_run_at"])));
        command.Add(list);

        var createWorkflow = Workflow();
        var cron = new Option<string>("--cron") { Description = "5 or 6 fields, or a macro such as @daily.", Required = true };
        var zone = new Option<string?>("--time-zone") { Description = "An IANA time zone (default UTC)." };
        var input = new Option<string?>("--input") { Description = "The input of each execution, as JSON." };
        var disabled = new Option<bool>("--disabled") { Description = "Create it disabled." };
        var create = new Command("create", "Add a cron schedule that starts the workflow.") { createWorkflow, cron, zone, input, disabled };
        create.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var settings = new ScheduleSettings
            {
                Cron = parse.GetValue(cron),
                Enabled = !parse.GetValue(disabled),
                TimeZone = parse.GetValue(zone),
                Input = parse.GetValue(input) is { } text ? Terminal.ParseJson(text, "--input") : null,
            };
            var answer = await client.Schedules.CreateAsync(parse.GetValue(createWorkflow)!, settings, ct);
            // The time as the server wrote it.
            return Terminal.Answer(parse.GetValue(json), answer.Json, $"created schedule {answer.Id} (next run {answer.Json["next_run_at"]})");
        }));
        command.Add(create);

        foreach (var (verb, enabled) in new[] { ("enable", true), ("disable", false) })
        {
            var workflow = Workflow();
            var schedule = new Argument<string>("SCHEDULE_ID") { Description = "The schedule." };
            var toggle = new Command(verb, $"{(enabled ? "Enable" : "Disable")} a schedule.") { workflow, schedule };
            toggle.SetAction((parse, ct) => api.RunAsync(parse, async client =>
            {
                var answer = await client.Schedules.UpdateAsync(parse.GetValue(workflow)!, parse.GetValue(schedule)!, new ScheduleSettings { Enabled = enabled }, ct);
                return Terminal.Answer(parse.GetValue(json), answer.Json, $"schedule {answer.Id}: {(enabled ? "enabled" : "disabled")}");
            }));
            command.Add(toggle);
        }

        var deleteWorkflow = Workflow();
        var deleteSchedule = new Argument<string>("SCHEDULE_ID") { Description = "The schedule." };
        var delete = new Command("delete", "Delete a schedule.") { deleteWorkflow, deleteSchedule };
        delete.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            await client.Schedules.DeleteAsync(parse.GetValue(deleteWorkflow)!, parse.GetValue(deleteSchedule)!, ct);
            return Terminal.Answer(parse.GetValue(json), new JsonObject { ["id"] = parse.GetValue(deleteSchedule), ["deleted"] = true }, $"deleted schedule {parse.GetValue(deleteSchedule)}");
        }));
        command.Add(delete);
        return command;
    }
}
