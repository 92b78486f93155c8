using System.CommandLine;
using System.Text.Json.Nodes;
using Chorus.Client;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus triggers</c>: a workflow's webhook triggers, through which another system starts it with a
/// signed HTTP call. The secret is printed by create and rotate only: the server never shows it again.</summary>
internal static class TriggersCommand
{
    private static readonly string[] Shown =
        ["id", "workflow_id", "name", "url", "enabled", "auth_mode", "input", "headers", "delivery_id_headers", "max_body_bytes", "created_at", "updated_at"];

    public static Command Create()
    {
        var api = new ApiOptions();
        var json = Terminal.JsonOption();
        var command = new Command("triggers", "List, create, change, rotate and delete a workflow's webhook triggers.") { json };
        api.AddTo(command);

        var listWorkflow = Workflow();
        var list = new Command("list", "The workflow's webhook triggers and their URLs.") { listWorkflow };
        list.SetAction((parse, ct) => api.RunAsync(parse, async client =>
            Terminal.Table(parse.GetValue(json), (await client.Webhooks.ListAsync(parse.GetValue(listWorkflow)!, ct)).Json, "No webhook triggers.",
                ["id", "name", "enabled", "auth_mode", "url"])));
        command.Add(list);

        var createWorkflow = Workflow();
        var disabled = new Option<bool>("--disabled") { Description = "Create it disabled: calls are refused until it is enabled." };
        var create = new Command("create", "Add a webhook trigger; prints its URL and its secret, which is shown this once.") { createWorkflow, disabled };
        var createSettings = new Settings();
        createSettings.AddTo(create);
        create.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var settings = createSettings.Read(parse) with { Enabled = parse.GetValue(disabled) ? false : (bool?)null };
            var answer = await client.Webhooks.CreateAsync(parse.GetValue(createWorkflow)!, settings, ct);
            return Terminal.Secret(parse.GetValue(json), answer.Json, $"created webhook trigger {answer.Id}", "url", "secret");
        }));
        command.Add(create);

        // The commands on one trigger all take the workflow and the trigger; only what they send differs.
        Command OnTrigger(string name, string description, Func<ParseResult, WebhooksClient, (string Workflow, string Webhook), CancellationToken, Task<int>> run)
        {
            var workflow = Workflow();
            var webhook = new Argument<string>("WEBHOOK_ID") { Description = "The trigger." };
            var onTrigger = new Command(name, description) { workflow, webhook };
            onTrigger.SetAction((parse, ct) => api.RunAsync(parse, client => run(parse, client.Webhooks, (parse.GetValue(workflow)!, parse.GetValue(webhook)!), ct)));
            command.Add(onTrigger);
            return onTrigger;
        }

        OnTrigger("show", "Show a trigger's URL and settings (never its secret).", async (parse, webhooks, trigger, ct) =>
            Terminal.Fields(parse.GetValue(json), (await webhooks.GetAsync(trigger.Workflow, trigger.Webhook, ct)).Json, Shown));

        foreach (var (verb, enabled) in new[] { ("enable", true), ("disable", false) })
            OnTrigger(verb, enabled ? "Enable a trigger." : "Disable a trigger: its calls are refused (403) and start nothing.", async (parse, webhooks, trigger, ct) =>
            {
                var answer = await webhooks.UpdateAsync(trigger.Workflow, trigger.Webhook, new WebhookSettings { Enabled = enabled }, ct);
                return Terminal.Answer(parse.GetValue(json), answer.Json, $"webhook trigger {answer.Id}: {(enabled ? "enabled" : "disabled")}");
            });

        var updateSettings = new Settings();
        var update = OnTrigger("update", "Change a trigger's settings; those not given stay as they are.", async (parse, webhooks, trigger, ct) =>
        {
            var settings = updateSettings.Read(parse);
            if (settings.IsEmpty)
                throw new CliException("update: give at least one setting to change (see --help).", ExitCodes.Usage);
            var answer = await webhooks.UpdateAsync(trigger.Workflow, trigger.Webhook, settings, ct);
            return Terminal.Answer(parse.GetValue(json), answer.Json, $"updated webhook trigger {answer.Id}");
        });
        updateSettings.AddTo(update);

        OnTrigger("rotate", "Give a trigger a new secret, shown this once; calls signed with the old one are refused from now on.", async (parse, webhooks, trigger, ct) =>
        {
            var answer = await webhooks.RotateAsync(trigger.Workflow, trigger.Webhook, ct);
            return Terminal.Secret(parse.GetValue(json), answer.Json, $"rotated the secret of webhook trigger {answer.Id}", "url", "secret");
        });

        OnTrigger("delete", "Delete a trigger; its URL answers 404 from then on.", async (parse, webhooks, trigger, ct) =>
        {
            await webhooks.DeleteAsync(trigger.Workflow, trigger.Webhook, ct);
            var id = trigger.Webhook;
            return Terminal.Answer(parse.GetValue(json), new JsonObject { ["id"] = id, ["deleted"] = true }, $"deleted webhook trigger {id}");
        });
        return command;
    }

    private static Argument<string> Workflow() => new("WORKFLOW_ID") { Description = "The workflow." };

    /// <summary>The settings create and update both send, as options; only those given are set (and sent), so that an
    /// update leaves the others as they are and a create takes the server's defaults. The server checks the values.</summary>
    private sealed class Settings
    {
        private readonly Option<string?> _name = new("--name") { Description = "A name for people, e.g. the sender." };
        private readonly Option<string[]> _headers = new("--header")
        {
            Description = "A request header copied into the execution (trigger.headers); repeat for several. Replaces the list.",
        };
        private readonly Option<string[]> _deliveryIdHeaders = new("--delivery-id-header")
        {
            Description = "A header naming a delivery, so that a redelivery starts nothing new (default: Idempotency-Key and "
                + "X-GitHub-Delivery); repeat for several. Replaces the list.",
        };
        private readonly Option<string?> _authMode = new("--auth-mode")
        {
            Description = "hmac (a signature is required; the default) or hmac_or_token (the secret itself is also accepted).",
        };
        private readonly Option<string?> _input = new("--input") { Description = "body (the body is the input; the default) or envelope ({\"body\", \"headers\"})." };
        private readonly Option<int?> _maxBodyBytes = new("--max-body-bytes") { Description = "The largest body accepted (default 256 KiB)." };

        public void AddTo(Command command)
        {
            command.Add(_name);
            command.Add(_headers);
            command.Add(_deliveryIdHeaders);
            command.Add(_authMode);
            command.Add(_input);
            command.Add(_maxBodyBytes);
        }

        public WebhookSettings Read(ParseResult parse) => new()
        {
            Name = parse.GetValue(_name),
            // An array option reads as empty when absent; only one that was given replaces the list.
            Headers = parse.GetResult(_headers) is null ? null : parse.GetValue(_headers) ?? [],
            DeliveryIdHeaders = parse.GetResult(_deliveryIdHeaders) is null ? null : parse.GetValue(_deliveryIdHeaders) ?? [],
            AuthMode = parse.GetValue(_authMode),
            Input = parse.GetValue(_input),
            MaxBodyBytes = parse.GetValue(_maxBodyBytes),
        };
    }
}
