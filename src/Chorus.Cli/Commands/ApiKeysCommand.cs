using System.CommandLine;
using System.Text.Json.Nodes;
using Chorus.Client;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus api-keys list|create|show|revoke</c>: the tenant's API keys, for machines (admins only). The key
/// is printed by create only: the server keeps its hash, never the key.</summary>
internal static class ApiKeysCommand
{
    private static readonly string[] Shown = ["id", "name", "role", "tenant_id", "created_at", "created_by", "last_used_at", "revoked_at"];

    public static Command Create()
    {
        var api = new ApiOptions();
        var json = Terminal.JsonOption();
        var command = new Command("api-keys", "List, create and revoke the tenant's API keys, which machines use instead of a token (admin).") { json };
        api.AddTo(command);
        static Argument<string> Id() => new("ID") { Description = "The key's id (the hex after chorus_ in the key)." };

        var list = new Command("list", "The keys, revoked ones too, without their secret.");
        list.SetAction((parse, ct) => api.RunAsync(parse, async client =>
            Terminal.Table(parse.GetValue(json), (await client.ApiKeys.ListAsync(ct)).Json, "No API keys.",
                ["id", "name", "role", "created_by", "last_used_at", "revoked_at"])));
        command.Add(list);

        var name = new Argument<string>("NAME") { Description = "Who or what uses the key, e.g. deployer." };
        var role = new Option<string>("--role") { Description = "What the key may do: admin, member or viewer.", Required = true };
        var create = new Command("create", "Create a key for the tenant (--tenant, else the credential's own); prints the key, which is shown this once.")
        {
            name, role,
        };
        create.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var answer = await client.ApiKeys.CreateAsync(parse.GetValue(name)!, parse.GetValue(role)!, ct);
            return Terminal.Secret(parse.GetValue(json), answer.Json, $"created API key {answer.Id} '{answer.Name}' ({answer.Role}, tenant {answer.TenantId})", "key");
        }));
        command.Add(create);

        var showId = Id();
        var show = new Command("show", "Show a key: its name, role, who created it, when it was last used and revoked.") { showId };
        show.SetAction((parse, ct) => api.RunAsync(parse, async client =>
            Terminal.Fields(parse.GetValue(json), (await client.ApiKeys.GetAsync(parse.GetValue(showId)!, ct)).Json, Shown)));
        command.Add(show);

        var revokeId = Id();
        // "delete" too, as the HTTP verb and the other commands say; the key stays listed, with its revocation time.
        var revoke = new Command("revoke", "Revoke a key: from then on it answers 401.") { revokeId };
        revoke.Aliases.Add("delete");
        revoke.SetAction((parse, ct) => api.RunAsync(parse, async client =>
        {
            var id = parse.GetValue(revokeId)!;
            await client.ApiKeys.RevokeAsync(id, ct);
            return Terminal.Answer(parse.GetValue(json), new JsonObject { ["id"] = id, ["revoked"] = true }, $"revoked API key {id}");
        }));
        command.Add(revoke);
        return command;
    }
}
