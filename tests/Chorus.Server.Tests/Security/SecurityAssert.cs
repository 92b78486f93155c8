using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Security;

/// <summary>The checks every refused request of the security tests shares.</summary>
public static class SecurityAssert
{
    /// <summary>The status, the error code, and the whole shape {"error": {"code", "message", "details", "request_id"}}
    /// with the request id the X-Request-ID header carries.</summary>
    public static ApiResponse ErrorShape(this ApiResponse response, HttpStatusCode status, string code)
    {
        response.ExpectError(status, code);
        var error = Assert.IsType<JsonObject>(response.Node("error"));
        Assert.False(string.IsNullOrWhiteSpace(error["message"]?.GetValue<string>()), response.Text);
        Assert.IsType<JsonObject>(error["details"]);
        var requestId = error["request_id"]?.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(requestId), response.Text);
        Assert.Equal(response.RequestId, requestId);
        Assert.DoesNotContain("Exception", response.Text, StringComparison.Ordinal);
        return response;
    }

    /// <summary>The answer quotes no part of the token: not the whole, not its claims, not its signature.</summary>
    public static ApiResponse DoesNotEcho(this ApiResponse response, string token)
    {
        foreach (var part in token.Split('.').Where(p => p.Length >= 8).Append(token))
            Assert.DoesNotContain(part, response.Text, StringComparison.Ordinal);
        return response;
    }

    public static KeyValuePair<string, string>[] Bearer(string token, string? tenantHeader = null) => tenantHeader is null
        ? [new("Authorization", $"Bearer {token}")]
        : [new("Authorization", $"Bearer {token}"), new("X-Tenant-ID", tenantHeader)];

    /// <summary>A request with exactly this credential and no X-Tenant-ID unless given.</summary>
    public static Task<ApiResponse> SendAs(this HttpClient client, HttpMethod method, string path, string token, string? tenantHeader = null,
        JsonNode? body = null) =>
        client.Send(method, path, null, body is null ? null : ApiCalls.Json(body), headers: Bearer(token, tenantHeader));

    /// <summary>A request with no credential at all, only <paramref name="headers"/>.</summary>
    public static async Task<ApiResponse> SendWithout(this HttpClient client, HttpMethod method, string path,
        IEnumerable<KeyValuePair<string, string>> headers, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = body is null ? null : ApiCalls.Json(body) };
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json;
        try
        {
            json = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            json = null;
        }
        var requestId = response.Headers.TryGetValues("X-Request-ID", out var ids) ? ids.FirstOrDefault() : null;
        return new ApiResponse(response.StatusCode, text, json, requestId);
    }

    /// <summary>What a tenant can see, for before/after comparisons: its workflows (with versions and schedules)
    /// and its executions, test runs included. Read with an admin <paramref name="token"/> when the server does not
    /// take the test secret's tokens.</summary>
    public static async Task<string> Snapshot(HttpClient client, string tenant, string? token = null)
    {
        var credential = Bearer(token ?? TestTokens.For(tenant));
        Task<ApiResponse> Read(string path) => client.Send(HttpMethod.Get, path, tenant, null, headers: credential);
        var workflows = (await Read("/api/workflows?page_size=100")).Expect(HttpStatusCode.OK);
        var parts = new List<string> { workflows.Text };
        foreach (var item in workflows.Node("items")!.AsArray())
        {
            var id = item!["id"]!.GetValue<string>();
            parts.Add((await Read($"/api/workflows/{id}/versions")).Expect(HttpStatusCode.OK).Text);
            parts.Add((await Read($"/api/workflows/{id}/schedules")).Expect(HttpStatusCode.OK).Text);
        }
        var executions = (await Read("/api/executions?include_tests=true&page_size=100")).Expect(HttpStatusCode.OK);
        parts.Add(executions.Text);
        foreach (var item in executions.Node("items")!.AsArray())
            parts.Add((await Read($"/api/executions/{item!["id"]!.GetValue<string>()}/steps")).Expect(HttpStatusCode.OK).Text);
        return string.Join("\n", parts);
    }
}
