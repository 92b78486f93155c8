using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Hostile;

/// <summary>The API as one tenant sees it. Unlike the crash tests' client, failures are answers to inspect, not
/// assertion failures: the hostile corpus expects many requests to be refused.</summary>
public sealed class TenantClient : IDisposable
{
    private readonly HttpClient _http;

    public TenantClient(int port, string tenant)
    {
        _http = TestHttp.Client(new Uri($"http://127.0.0.1:{port}"), tenant, TimeSpan.FromSeconds(15));
        _http.DefaultRequestHeaders.Add("X-Tenant-ID", tenant);
    }

    public sealed record Answer(HttpStatusCode Status, JsonNode? Body)
    {
        public string? ErrorCode => Body?["error"]?["code"]?.GetValue<string>();
    }

    public Task<Answer> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public Task<Answer> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, json);

    public Task<Answer> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    /// <summary>Creates a workflow that must be accepted; returns its id.</summary>
    public async Task<string> CreateAsync(string definition)
    {
        var answer = await PostAsync("/api/workflows", definition);
        Assert.True(answer.Status == HttpStatusCode.Created, $"Creating the workflow failed: {(int)answer.Status} {answer.Body}");
        return answer.Body!["id"]!.GetValue<string>();
    }

    /// <summary>Starts an execution that must be accepted; returns its id.</summary>
    public async Task<string> StartAsync(string workflowId, JsonNode input)
    {
        var answer = await PostAsync($"/api/workflows/{workflowId}/execute", new JsonObject { ["input"] = input.DeepClone() }.ToJsonString());
        Assert.True(answer.Status == HttpStatusCode.Accepted, $"Starting an execution failed: {(int)answer.Status} {answer.Body}");
        return answer.Body!["id"]!.GetValue<string>();
    }

    /// <summary>The execution once it has ended (completed, failed or cancelled), or as it is when the time is up.</summary>
    public async Task<JsonObject> WaitForEndAsync(string executionId, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await GetAsync($"/api/executions/{executionId}");
            Assert.True(answer.Status == HttpStatusCode.OK, $"Reading execution {executionId} failed: {(int)answer.Status} {answer.Body}");
            var status = answer.Body!["status"]!.GetValue<string>();
            if (status is "completed" or "failed" or "cancelled" || clock.Elapsed > timeout)
                return answer.Body.AsObject();
            await Task.Delay(100);
        }
    }

    /// <summary>Every execution of the tenant (the list must answer, whatever its executions hold).</summary>
    public async Task<JsonArray> ExecutionsAsync()
    {
        var answer = await GetAsync("/api/executions?page_size=200");
        Assert.True(answer.Status == HttpStatusCode.OK, $"Listing executions failed: {(int)answer.Status} {answer.Body}");
        return answer.Body!["items"]!.AsArray();
    }

    private async Task<Answer> SendAsync(HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public void Dispose() => _http.Dispose();
}
