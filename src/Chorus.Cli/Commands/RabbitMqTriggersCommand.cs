using System.CommandLine;
using System.Text.Json.Nodes;
using Chorus.Client;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus rabbitmq-triggers</c>: a workflow's RabbitMQ triggers, each starting one execution per message of
/// its queue. A trigger names the tenant's secret holding the amqp:// URL (<c>chorus secrets set</c>), so no command
/// line carries the URL.</summary>
internal static class RabbitMqTriggersCommand
{
    private static readonly string[] Shown =
        ["id", "workflow_id", "name", "enabled", "secret", "queue", "exchange", "routing_key", "prefetch", "input", "dead_letter_queue", "created_at", "updated_at"];

    public static Command Create()
    {
        var api = new ApiOptions();
        var json = Terminal.JsonOption();
        var command = new Command("rabbitmq-triggers", "List, create, change and delete a workflow's RabbitMQ triggers.") { json };
        api.AddTo(command);

        var listWorkflow = Workflow();
        var list = new Command("list", "The workflow's RabbitMQ triggers.") { listWorkflow };
        list.SetAction((parse, ct) => api.RunAsync(parse, async client =>
            Terminal.Table(parse.GetValue(json), (await client.RabbitMqTriggers.ListAsync(parse.GetValue(listWorkflow)!, ct)).Json, "No RabbitMQ triggers.",
                ["id", "name", "enabled", "queue", "exchange", "routing_key", "prefetch", "dead_letter_queue"])));
        command.Add(list);

        var createWorkflow = Workflow();
        var disabled = new Option<bool>("--disabled") { Description = "Create it disabled: nothing is read until it is enabled." };
        var create = new Command("create", "Add a RabbitMQ trigger reading a queue (or a queue bound to an exchange).") { createWorkflow, disabled };
        var createSettings = new Settings();
        createSettings.AddTo(create);
        create.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var settings = createSettings.Read(parse) with { Enabled = parse.GetValue(disabled) ? false : (bool?)null };
            var answer = await client.RabbitMqTriggers.CreateAsync(parse.GetValue(createWorkflow)!, settings, ct);
            return Terminal.Answer(parse.GetValue(json), answer.Json,
                $"created RabbitMQ trigger {answer.Id} on queue {answer.Queue} (dead letters: {answer.DeadLetterQueue})");
        }));
        command.Add(create);

        // The commands on one trigger all take the workflow and the trigger; only what they send differs.
        Command OnTrigger(string name, string description, Func<ParseResult, RabbitMqTriggersClient, (string Workflow, string Trigger), CancellationToken, Task<int>> run)
        {
            var workflow = Workflow();
            var trigger = new Argument<string>("TRIGGER_ID") { Description = "The trigger." };
            var onTrigger = new Command(name, description) { workflow, trigger };
            onTrigger.SetAction((parse, ct) => api.RunAsync(parse, client => run(parse, client.RabbitMqTriggers, (parse.GetValue(workflow)!, parse.GetValue(trigger)!), ct)));
            command.Add(onTrigger);
            return onTrigger;
        }

        OnTrigger("show", "Show a trigger's settings.", async (parse, triggers, trigger, ct) =>
            Terminal.Fields(parse.GetValue(json), (await triggers.GetAsync(trigger.Workflow, trigger.Trigger, ct)).Json, Shown));

        foreach (var (verb, enabled) in new[] { ("enable", true), ("disable", false) })
            OnTrigger(verb, enabled ? "Enable a trigger: the servers start reading its queue within seconds." : "Disable a trigger: its messages wait in the queue.",
                async (parse, triggers, trigger, ct) =>
                {
                    var answer = await triggers.UpdateAsync(trigger.Workflow, trigger.Trigger, new RabbitMqTriggerSettings { Enabled = enabled }, ct);
                    return Terminal.Answer(parse.GetValue(json), answer.Json, $"RabbitMQ trigger {answer.Id}: {(enabled ? "enabled" : "disabled")}");
                });

        var updateSettings = new Settings();
        var update = OnTrigger("update", "Change a trigger's settings; those not given stay as they are.", async (parse, triggers, trigger, ct) =>
        {
            var settings = updateSettings.Read(parse);
            if (settings.IsEmpty)
                throw new CliException("update: give at least one setting to change (see --help).", ExitCodes.Usage);
            var answer = await triggers.UpdateAsync(trigger.Workflow, trigger.Trigger, settings, ct);
            return Terminal.Answer(parse.GetValue(json), answer.Json, $"updated RabbitMQ trigger {answer.Id}");
        });
        updateSettings.AddTo(update);

        OnTrigger("delete", "Delete a trigger; the servers stop reading its queue (the queue stays on the broker).", async (parse, triggers, trigger, ct) =>
        {
            await triggers.DeleteAsync(trigger.Workflow, trigger.Trigger, ct);
            var id = trigger.Trigger;
            return Terminal.Answer(parse.GetValue(json), new JsonObject { ["id"] = id, ["deleted"] = true }, $"deleted RabbitMQ trigger {id}");
        });
        return command;
    }

    private static Argument<string> Workflow() => new("WORKFLOW_ID") { Description = "The workflow." };

    /// <summary>The settings create and update both send, as options; only those given are sent, so that an update leaves
    /// the others as they are and a create takes the server's defaults. The server checks the values.</summary>
    private sealed class Settings
    {
        private readonly Option<string?> _secret = new("--secret") { Description = "The tenant's secret holding the amqp:// URL (required to create)." };
        private readonly Option<string?> _queue = new("--queue") { Description = "The queue to read (declared durable when missing)." };
        private readonly Option<string?> _exchange = new("--exchange") { Description = "An exchange to bind the queue to (it must exist)." };
        private readonly Option<string?> _routingKey = new("--routing-key") { Description = "The binding's routing key." };
        private readonly Option<int?> _prefetch = new("--prefetch") { Description = "Unacknowledged messages one server holds at once, 1 to 1000 (default 10)." };
        private readonly Option<string?> _input = new("--input") { Description = "body (the message body is the input; the default) or envelope ({\"body\", \"headers\", \"properties\"})." };
        private readonly Option<string?> _name = new("--name") { Description = "A name for people." };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _secret, _queue, _exchange, _routingKey, _prefetch, _input, _name })
                command.Add(option);
        }

        public RabbitMqTriggerSettings Read(ParseResult parse) => new()
        {
            Secret = parse.GetValue(_secret),
            Queue = parse.GetValue(_queue),
            Exchange = parse.GetValue(_exchange),
            RoutingKey = parse.GetValue(_routingKey),
            Prefetch = parse.GetValue(_prefetch),
            Input = parse.GetValue(_input),
            Name = parse.GetValue(_name),
        };
    }
}
