using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>A response with its status, raw text and parsed JSON (null when the body is empty or not JSON).</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Text, JsonNode? Json, string? RequestId = null, string? Location = null)
{
    /// <summary>Response and content headers, by case-insensitive name.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public JsonNode Body => Json ?? throw new Xunit.Sdk.XunitException($"HTTP {(int)Status}: the body is not JSON: '{Text}'");

    public string? Str(string path) => Node(path)?.GetValue<string>();

    /// <summary>Reads a dotted path such as "error.code" or "items.0.id".</summary>
    public JsonNode? Node(string path)
    {
        JsonNode? node = Body;
        foreach (var part in path.Split('.'))
            node = node is JsonArray a && int.TryParse(part, out var i) ? a[i] : node?[part];
        return node;
    }

    public ApiResponse Expect(HttpStatusCode status)
    {
        Assert.True(status == Status, $"Expected HTTP {(int)status}, got {(int)Status}: {Text}");
        return this;
    }

    /// <summary>Asserts the status and the error shape with its code.</summary>
    public ApiResponse ExpectError(HttpStatusCode status, string code)
    {
        Expect(status);
        Assert.True(code == Str("error.code"), $"Expected error code {code}: {Text}");
        return this;
    }
}

/// <summary>HTTP helpers: every call names its tenant (null sends no header) and carries an admin token for it.</summary>
public static class ApiCalls
{
    public static Task<ApiResponse> Get(this HttpClient client, string path, string? tenant) =>
        client.Send(HttpMethod.Get, path, tenant, (HttpContent?)null);

    public static Task<ApiResponse> Delete(this HttpClient client, string path, string? tenant) =>
        client.Send(HttpMethod.Delete, path, tenant, (HttpContent?)null);

    public static Task<ApiResponse> Post(this HttpClient client, string path, string? tenant, JsonNode? body = null) =>
        client.Send(HttpMethod.Post, path, tenant, Json(body ?? new JsonObject()));

    public static Task<ApiResponse> Put(this HttpClient client, string path, string? tenant, JsonNode body) =>
        client.Send(HttpMethod.Put, path, tenant, Json(body));

    public static Task<ApiResponse> Patch(this HttpClient client, string path, string? tenant, JsonNode body) =>
        client.Send(HttpMethod.Patch, path, tenant, Json(body));

    public static HttpContent Json(JsonNode body) => Raw(Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json");

    public static HttpContent Raw(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    public static async Task<ApiResponse> Send(this HttpClient client, HttpMethod method, string path, string? tenant, HttpContent? content,
        bool expectContinue = false, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        request.Headers.ExpectContinue = expectContinue;
        foreach (var (name, value) in headers ?? [])
            request.Headers.TryAddWithoutValidation(name, value);
        // Unless the test brings its own credential, it acts as an admin of the tenant it names ("default" when
        // it names none, which the token then selects without a header).
        if (!request.Headers.Contains("Authorization") && !request.Headers.Contains("X-API-Key"))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(tenant ?? "default"));
        if (tenant is not null)
            request.Headers.TryAddWithoutValidation("X-Tenant-ID", tenant);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try
        {
            // The API answers values as deep as the engine allows (JSON_MAX_DEPTH up to 256) inside its envelope.
            json = text.Length == 0 ? null : JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 512 });
        }
        catch (JsonException)
        {
            json = null;
        }
        var requestId = response.Headers.TryGetValues("X-Request-ID", out var ids) ? ids.FirstOrDefault() : null;
        return new ApiResponse(response.StatusCode, text, json, requestId, response.Headers.Location?.OriginalString)
        {
            Headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase),
        };
    }

    public static string NewTenant() => $"t-{Guid.NewGuid():N}";

    /// <summary>Creates the workflow (expecting 201) and returns its id.</summary>
    public static async Task<string> CreateWorkflow(this HttpClient client, string tenant, JsonObject definition)
    {
        var created = (await client.Post("/api/workflows", tenant, definition)).Expect(HttpStatusCode.Created);
        return created.Str("id")!;
    }

    /// <summary>Starts an execution (expecting 202) and returns its id.</summary>
    public static async Task<string> Execute(this HttpClient client, string tenant, string workflowId, JsonNode? input = null, string? mode = null)
    {
        var body = new JsonObject { ["input"] = input?.DeepClone() };
        if (mode is not null)
            body["mode"] = mode;
        var started = (await client.Post($"/api/workflows/{workflowId}/execute", tenant, body)).Expect(HttpStatusCode.Accepted);
        return started.Str("id")!;
    }

    /// <summary>Polls the execution until its status is one of <paramref name="statuses"/>; fails with the last body
    /// after 15 seconds. Never asserts how long it took.</summary>
    public static async Task<ApiResponse> WaitForStatus(this HttpClient client, string tenant, string executionId, params string[] statuses)
    {
        ApiResponse? last = null;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            last = (await client.Get($"/api/executions/{executionId}", tenant)).Expect(HttpStatusCode.OK);
            if (statuses.Contains(last.Str("status")))
                return last;
            await Task.Delay(20);
        }
        Assert.Fail($"Execution {executionId} never reached {string.Join("/", statuses)}; last: {last?.Text}");
        return last!;
    }

    public static Task<ApiResponse> WaitForCompletion(this HttpClient client, string tenant, string executionId) =>
        client.WaitForStatus(tenant, executionId, "completed");
}
