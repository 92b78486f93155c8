using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Brokers;

/// <summary>The calls the RabbitMQ trigger tests share.</summary>
internal static class RabbitMqTriggers
{
    public static string Of(string workflowId) => $"/api/workflows/{workflowId}/rabbitmq-triggers";

    public static async Task PutSecretAsync(this HttpClient client, string tenant, string name, string value) =>
        (await client.Post("/api/secrets", tenant, new JsonObject { ["name"] = name, ["value"] = value })).Expect(HttpStatusCode.Created);

    /// <summary>Creates a trigger reading <paramref name="queue"/> with the URL kept in a new secret; returns its id.</summary>
    public static async Task<string> CreateTriggerAsync(this HttpClient client, string tenant, string workflowId, string url, string queue,
        JsonObject? more = null)
    {
        var secret = "rabbit_" + Guid.NewGuid().ToString("N")[..8];
        await client.PutSecretAsync(tenant, secret, url);
        var body = new JsonObject { ["secret"] = secret, ["queue"] = queue };
        foreach (var (name, value) in more ?? [])
            body[name] = value?.DeepClone();
        return (await client.Post(Of(workflowId), tenant, body)).Expect(HttpStatusCode.Created).Str("id")!;
    }

    /// <summary>The workflow's executions (every page), with their input.</summary>
    public static async Task<List<JsonObject>> ExecutionsAsync(this HttpClient client, string tenant, string workflowId)
    {
        var all = new List<JsonObject>();
        for (var page = 1; ; page++)
        {
            var items = (await client.Get($"/api/executions?workflow_id={workflowId}&page_size=200&page={page}", tenant)).Expect(HttpStatusCode.OK)
                .Node("items")!.AsArray();
            all.AddRange(items.Select(i => i!.AsObject()));
            if (items.Count < 200)
                return all;
        }
    }

    /// <summary>Polls until the workflow has at least <paramref name="count"/> executions, then waits a little more for
    /// any surplus (a duplicate) to show.</summary>
    public static async Task<List<JsonObject>> WaitForExecutionsAsync(this HttpClient client, string tenant, string workflowId, int count,
        TimeSpan? timeout = null, TimeSpan? settle = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var executions = await client.ExecutionsAsync(tenant, workflowId);
            if (executions.Count >= count)
            {
                await Task.Delay(settle ?? TimeSpan.FromSeconds(1));
                return await client.ExecutionsAsync(tenant, workflowId);
            }
            if (DateTime.UtcNow > deadline)
                return executions;
            await Task.Delay(200);
        }
    }
}
