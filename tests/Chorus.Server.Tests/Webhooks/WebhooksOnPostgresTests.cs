using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Webhooks;

/// <summary>Webhook triggers on a server over a real PostgreSQL database: stored, called, deduplicated, rotated.</summary>
public sealed class WebhooksOnPostgresTests() : ThrowawayPostgresDatabase("chorus_hooks")
{
    private static readonly string Tenant = ApiCalls.NewTenant();

    [Fact]
    public async Task Trigger_CreatedCalledDeduplicatedAndRotated_OnPostgres()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        await using var server = await ChorusTestServer.StartAsync(postgresUrl: Url, configure: o => o with { SecretsKey = key });
        var client = server.Client;
        var workflowId = await client.CreateWorkflow(Tenant, Definitions.Greeting());
        var hook = await client.CreateHook(Tenant, workflowId);
        var body = Hooks.Bytes(new JsonObject { ["name"] = "pg" });

        var first = (await client.CallSigned($"/api/hooks/{hook.Id}?wait=30s", hook.Secret, body, headers: [("Idempotency-Key", "d-1")])).Expect(HttpStatusCode.OK);
        var again = (await client.CallSigned($"/api/hooks/{hook.Id}", hook.Secret, body, headers: [("Idempotency-Key", "d-1")])).Expect(HttpStatusCode.OK);
        var rotated = (await client.Post($"{Hooks.HooksOf(workflowId)}/{hook.Id}/rotate", Tenant)).Expect(HttpStatusCode.OK).Str("secret")!;

        Assert.Equal("hello pg", first.Str("output.greeting"));
        Assert.Equal(first.Str("execution_id"), again.Str("execution_id"));
        Assert.True(again.Node("replayed")!.GetValue<bool>());
        (await client.CallSigned($"/api/hooks/{hook.Id}", hook.Secret, body)).ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
        (await client.CallSigned($"/api/hooks/{hook.Id}", rotated, body)).Expect(HttpStatusCode.Accepted);
        Assert.Equal(2, (await client.Executions(Tenant, workflowId)).Count);
    }
}
