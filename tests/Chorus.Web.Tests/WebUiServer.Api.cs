using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Chorus.Web.Tests;

public sealed partial class WebUiServer
{
    /// <summary>Calls the server's API as an admin of the tenant; the status and the parsed body (null when empty).</summary>
    public async Task<(int Status, JsonNode? Body)> ApiAsync(HttpMethod method, string path, string tenant, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(tenant));
        using var response = await _api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Creates a workflow from a whole definition and returns its id; fails the test if the server refuses it.</summary>
    public async Task<string> CreateWorkflowAsync(string tenant, JsonObject definition)
    {
        var (status, answer) = await ApiAsync(HttpMethod.Post, "api/workflows", tenant, definition);
        Assert.True(status == 201, $"creating the workflow: HTTP {status} {answer?.ToJsonString()}");
        return answer!["id"]!.GetValue<string>();
    }
}
