using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Crash;

/// <summary>The few API calls the crash tests make, against whichever server process is up on the port, as an
/// admin of <paramref name="tenant"/>.</summary>
internal sealed class ChorusApi(int port, string tenant = "default") : IDisposable
{
    private readonly HttpClient _http = TestHttp.Client(new Uri($"http://127.0.0.1:{port}"), tenant);

    public async Task<string> CreateWorkflowAsync(JsonObject definition)
    {
        using var response = await _http.PostAsJsonAsync("/api/workflows", definition);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Creating the workflow failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    public async Task<string> StartAsync(string workflowId, JsonObject input)
    {
        using var response = await _http.PostAsJsonAsync($"/api/workflows/{workflowId}/execute", new JsonObject { ["input"] = input });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Starting an execution failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    /// <summary>The address the server listens on, for clients other than this one (WebSockets).</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    public async Task<JsonObject> PostAsync(string path, JsonObject body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> PatchAsync(string path, JsonObject body)
    {
        using var response = await _http.PatchAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PATCH {path} failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> PutAsync(string path, JsonObject body)
    {
        using var response = await _http.PutAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT {path} failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<string> StatusAsync(string executionId) =>
        (await GetAsync($"/api/executions/{executionId}"))["status"]!.GetValue<string>();

    public async Task<JsonArray> StepRunsAsync(string executionId) =>
        (await GetAsync($"/api/executions/{executionId}/steps"))["items"]!.AsArray();

    /// <summary>Polls until every execution has one of <paramref name="statuses"/> or the time is up; returns the
    /// last status of each.</summary>
    public async Task<Dictionary<string, string>> WaitForStatusAsync(IReadOnlyList<string> executionIds, TimeSpan timeout, params string[] statuses)
    {
        var last = new Dictionary<string, string>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var id in executionIds)
            {
                if (!last.TryGetValue(id, out var known) || !statuses.Contains(known))
                    last[id] = await StatusAsync(id);
            }
            if (last.Values.All(statuses.Contains) || clock.Elapsed > timeout)
                return last;
            await Task.Delay(200);
        }
    }

    public void Dispose() => _http.Dispose();
}
