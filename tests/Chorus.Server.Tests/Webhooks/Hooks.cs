using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Webhooks;

/// <summary>A created webhook trigger: its id, the secret its create answer showed, and its URL.</summary>
public sealed record Hook(string Id, string Secret, string Url, string WorkflowId);

/// <summary>Calls of webhooks as an outside sender makes them: no API credential, a body, and a signature computed
/// here independently of the server's code (HMAC-SHA256 of "{timestamp}.{body}" keyed with the secret).</summary>
public static class Hooks
{
    public static string HooksOf(string workflowId) => $"/api/workflows/{workflowId}/webhooks";

    public static async Task<Hook> CreateHook(this HttpClient client, string tenant, string workflowId, JsonObject? settings = null)
    {
        var created = (await client.Post(HooksOf(workflowId), tenant, settings ?? new JsonObject())).Expect(HttpStatusCode.Created);
        return new Hook(created.Str("id")!, created.Str("secret")!, created.Str("url")!, workflowId);
    }

    public static string Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static string Signature(string secret, string timestamp, byte[] body)
    {
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    public static byte[] Bytes(JsonNode body) => Encoding.UTF8.GetBytes(body.ToJsonString());

    /// <summary>A call signed with <paramref name="secret"/> at <paramref name="timestamp"/> (now when null).</summary>
    public static Task<ApiResponse> CallSigned(this HttpClient client, string path, string secret, byte[] body, string? timestamp = null,
        string contentType = "application/json", params (string Name, string Value)[] headers)
    {
        timestamp ??= Now();
        return client.CallRaw(path, body, contentType, [("X-Chorus-Timestamp", timestamp), ("X-Chorus-Signature", Signature(secret, timestamp, body)), .. headers]);
    }

    /// <summary>A call with exactly these headers and no API credential.</summary>
    public static async Task<ApiResponse> CallRaw(this HttpClient client, string path, byte[] body, string? contentType, params (string Name, string Value)[] headers)
    {
        var content = ApiCalls.Raw(body, contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = content };
        foreach (var (name, value) in headers)
            if (!request.Headers.TryAddWithoutValidation(name, value))
                content.Headers.TryAddWithoutValidation(name, value);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try
        {
            json = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return new ApiResponse(response.StatusCode, text, json)
        {
            Headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase),
        };
    }

    public static async Task<JsonArray> Executions(this HttpClient client, string tenant, string workflowId) =>
        (await client.Get($"/api/workflows/{workflowId}/executions", tenant)).Expect(HttpStatusCode.OK).Node("items")!.AsArray();

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}
