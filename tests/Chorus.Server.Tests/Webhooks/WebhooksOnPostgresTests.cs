using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;
using Chorus.Storage.Postgres;
using Npgsql;

namespace Chorus.Server.Tests.Webhooks;

/// <summary>Webhook triggers on a server over a real PostgreSQL database: stored, called, deduplicated, rotated.</summary>
public sealed class WebhooksOnPostgresTests : IAsyncLifetime
{
    private const string Variable = "CHORUS_TEST_POSTGRES";
    private static readonly string Tenant = ApiCalls.NewTenant();
    private readonly string _database = $"chorus_hooks_{Guid.NewGuid():N}";

    private static string AdminUrl => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url ? url
        : throw new InvalidOperationException($"{Variable} is not set; run scripts/test.sh, or scripts/start-postgres.sh and export {Variable}.");

    private string Url => new UriBuilder(AdminUrl) { Path = "/" + _database }.Uri.ToString();

    public Task InitializeAsync() => SqlAsync(AdminUrl, $"CREATE DATABASE {_database}");

    public Task DisposeAsync() => SqlAsync(AdminUrl, $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");

    private static async Task SqlAsync(string url, string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(url) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

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
