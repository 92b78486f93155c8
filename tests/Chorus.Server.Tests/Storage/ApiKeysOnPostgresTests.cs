using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Storage;

/// <summary>API keys on a server over a real PostgreSQL database: the whole life of a key, and a key that keeps
/// working while the database refuses to record its last use.</summary>
public sealed class ApiKeysOnPostgresTests() : ThrowawayPostgresDatabase("chorus_apikeys")
{
    private static readonly string Tenant = ApiCalls.NewTenant();
    private static Task<ApiResponse> WithKey(HttpClient client, string path, string key) =>
        client.Send(HttpMethod.Get, path, null, null, headers: [new("X-API-Key", key)]);

    [Fact]
    public async Task Key_CreatedUsedAndRevoked_OnPostgres()
    {
        await using var server = await ChorusTestServer.StartAsync(postgresUrl: Url);
        var client = server.Client;
        var created = (await client.Post("/api/api-keys", Tenant, new JsonObject { ["name"] = "deployer", ["role"] = "viewer" })).Expect(HttpStatusCode.Created);
        var (id, key) = (created.Str("id")!, created.Str("key")!);

        (await WithKey(client, "/api/workflows", key)).Expect(HttpStatusCode.OK);
        (await client.Send(HttpMethod.Get, "/api/workflows", null, null, headers: [new("Authorization", $"ApiKey {key}")])).Expect(HttpStatusCode.OK);
        Assert.NotNull((await client.Get($"/api/api-keys/{id}", Tenant)).Expect(HttpStatusCode.OK).Str("last_used_at"));

        (await client.Delete($"/api/api-keys/{id}", Tenant)).Expect(HttpStatusCode.NoContent);

        (await WithKey(client, "/api/workflows", key)).ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.NotNull((await client.Get("/api/api-keys", Tenant)).Expect(HttpStatusCode.OK).Str("items.0.revoked_at"));
    }

    [Fact]
    public async Task LastUseCannotBeWritten_KeyStillWorks_AndTheUseIsRecordedOnceWritesSucceedAgain()
    {
        await using var server = await ChorusTestServer.StartAsync(postgresUrl: Url);
        var client = server.Client;
        var created = (await client.Post("/api/api-keys", Tenant, new JsonObject { ["name"] = "deployer", ["role"] = "member" })).Expect(HttpStatusCode.Created);
        var (id, key) = (created.Str("id")!, created.Str("key")!);
        // The database itself refuses every change to the key's row, as a broken or full one would.
        await SqlAsync(Url,
            "CREATE FUNCTION workflow.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$",
            "CREATE TRIGGER refuse_change BEFORE UPDATE ON workflow.api_keys FOR EACH ROW EXECUTE FUNCTION workflow.refuse_change()");

        (await WithKey(client, "/api/workflows", key)).Expect(HttpStatusCode.OK);
        (await WithKey(client, "/api/workflows", key)).Expect(HttpStatusCode.OK);
        Assert.Null((await client.Get($"/api/api-keys/{id}", Tenant)).Expect(HttpStatusCode.OK).Str("last_used_at"));

        await SqlAsync(Url, "DROP TRIGGER refuse_change ON workflow.api_keys");

        (await WithKey(client, "/api/workflows", key)).Expect(HttpStatusCode.OK);
        Assert.NotNull((await client.Get($"/api/api-keys/{id}", Tenant)).Expect(HttpStatusCode.OK).Str("last_used_at"));
    }

}
