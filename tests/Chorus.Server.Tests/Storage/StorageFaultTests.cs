using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Storage;

/// <summary>The SQLite database on a real small disk: when it fills up or turns read-only, writes answer 503 with
/// a storage code and Retry-After, readiness says why, reads still work, nothing committed is lost, and the
/// server recovers by itself when the disk does.</summary>
public sealed class StorageFaultTests
{
    private static readonly string Tenant = ApiCalls.NewTenant();

    [Fact]
    public async Task DiskFull_Answers503StorageFull_ThenRecoversWhenSpaceReturns()
    {
        using var disk = SmallDisk.Mount(megabytes: 4);
        await using var server = await ChorusTestServer.StartAsync(databasePath: Path.Combine(disk.Directory, "chorus.db"));
        var client = server.Client;
        var workflow = await client.CreateWorkflow(Tenant, Definitions.Greeting());
        var before = await StorageFaults.RunToCompletion(client, Tenant, workflow, "before");

        disk.Fill();
        var refused = await StorageFaults.StartUntilRefused(client, Tenant, workflow);

        StorageFaults.AssertStorageError(refused, "storage_full");
        var ready = await client.Get("/health/ready", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Equal("storage_full", ready.Str("checks.storage"));
        Assert.False(string.IsNullOrEmpty(ready.Str("reason")));
        // Reads need no space: what was committed is still served.
        Assert.Equal("completed", (await client.Get($"/api/executions/{before}", Tenant)).Expect(HttpStatusCode.OK).Str("status"));

        disk.Free();

        await StorageFaults.WaitUntilReady(client);
        var after = await StorageFaults.RunToCompletion(client, Tenant, workflow, "after");
        Assert.NotEqual(before, after);
        var kept = (await client.Get($"/api/executions/{before}", Tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal("completed", kept.Str("status"));
        Assert.Equal("hello before", kept.Str("output.greeting"));
    }
}

/// <summary>What the storage fault tests share: starting until refused, the 503 shape, waiting for readiness.</summary>
internal static class StorageFaults
{
    public static void AssertStorageError(ApiResponse refused, string code)
    {
        refused.ExpectError(HttpStatusCode.ServiceUnavailable, code);
        Assert.Equal("5", refused.Headers.GetValueOrDefault("Retry-After"));
        Assert.StartsWith("application/json", refused.Headers.GetValueOrDefault("Content-Type"));
        Assert.IsType<JsonObject>(refused.Node("error.details"));
        Assert.False(string.IsNullOrEmpty(refused.Str("error.request_id")));
        Assert.DoesNotContain("Exception", refused.Text, StringComparison.Ordinal);
    }

    public static async Task<string> RunToCompletion(HttpClient client, string tenant, string workflow, string name)
    {
        var id = await client.Execute(tenant, workflow, new JsonObject { ["name"] = name });
        await client.WaitForCompletion(tenant, id);
        return id;
    }

    /// <summary>Starts executions with large inputs until one is refused: the database's journal may still have room
    /// for a few after the disk is full.</summary>
    public static async Task<ApiResponse> StartUntilRefused(HttpClient client, string tenant, string workflow)
    {
        var input = new JsonObject { ["name"] = "x", ["padding"] = new string('p', 200_000) };
        for (var i = 0; i < 100; i++)
        {
            var answer = await client.Post($"/api/workflows/{workflow}/execute", tenant, new JsonObject { ["input"] = input.DeepClone() });
            if (answer.Status != HttpStatusCode.Accepted)
                return answer;
        }
        Assert.Fail("The full disk never refused a start.");
        return null!;
    }

    public static async Task WaitUntilReady(HttpClient client)
    {
        ApiResponse? last = null;
        for (var i = 0; i < 150; i++)
        {
            last = await client.Get("/health/ready", null);
            if (last.Status == HttpStatusCode.OK)
                return;
            await Task.Delay(100);
        }
        Assert.Fail($"The server never became ready again: {last?.Text}");
    }
}
