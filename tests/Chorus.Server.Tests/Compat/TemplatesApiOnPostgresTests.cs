using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Compat;

/// <summary>The templates and instances API's created-then-started instances on the shared PostgreSQL store: the
/// created status, its list filter and its start across a restart go through that store's own SQL.</summary>
public sealed class TemplatesApiOnPostgresTests() : ThrowawayPostgresDatabase("chorus_compat")
{
    private static readonly string Tenant = ApiCalls.NewTenant();
    [Fact]
    public async Task An_instance_created_before_a_restart_is_listed_pending_and_starts_once_after_it()
    {
        string id, started;
        await using (var first = await ChorusTestServer.StartAsync(postgresUrl: Url))
        {
            var template = (await first.Client.Post("/api/v1/templates", Tenant, Definitions.Parse("""
                {"name": "echo", "steps": [{"id": "note", "type": "addField", "config": {"field": "seen", "value": "{{variables.who}}"}}]}
                """))).Expect(HttpStatusCode.Created).Str("id")!;
            id = (await first.Client.Post("/api/v1/instances", Tenant, new JsonObject { ["template_id"] = template, ["variables"] = new JsonObject { ["who"] = "ana" } }))
                .Expect(HttpStatusCode.Created).Str("id")!;
            started = (await first.Client.Post("/api/v1/instances", Tenant, new JsonObject { ["template_id"] = template })).Expect(HttpStatusCode.Created).Str("id")!;
            (await first.Client.Put($"/api/v1/instances/{started}/start", Tenant, new JsonObject())).Expect(HttpStatusCode.OK);
            await first.Client.WaitForCompletion(Tenant, started);
        }
        await using var second = await ChorusTestServer.StartAsync(postgresUrl: Url);
        var client = second.Client;
        var pending = (await client.Get("/api/v1/instances?status=pending", Tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal([id], pending.Node("items")!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
        Assert.Equal("created", (await client.Get($"/api/executions/{id}", Tenant)).Str("status"));

        (await client.Put($"/api/v1/instances/{id}/start", Tenant, new JsonObject())).Expect(HttpStatusCode.OK);
        (await client.Put($"/api/v1/instances/{id}/start", Tenant, new JsonObject())).ExpectError(HttpStatusCode.Conflict, "conflict");
        var done = await client.WaitForCompletion(Tenant, id);
        Assert.Equal("ana", done.Str("variables.seen"));
        Assert.Equal(0, (await client.Get("/api/v1/instances?status=pending", Tenant)).Node("total")!.GetValue<int>());
        Assert.Equal(2, (await client.Get("/api/v1/instances?status=completed", Tenant)).Node("total")!.GetValue<int>());
    }

}
