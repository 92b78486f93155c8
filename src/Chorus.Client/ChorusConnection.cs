using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Client;

/// <summary>Sends one request and turns the answer into JSON, or into a <see cref="ChorusApiException"/> or
/// <see cref="ChorusConnectionException"/>. The credential and tenant go on each request rather than on the
/// <see cref="HttpClient"/>, so that one HttpClient (from a factory, say) may serve several clients.</summary>
internal sealed class ChorusConnection(HttpClient http, ChorusClientOptions options)
{
    public HttpClient Http => http;

    public Task<JsonNode?> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var answer = await ExchangeAsync(method, path, body, headers, ct);
        if ((int)answer.Status < 200 || (int)answer.Status > 299)
            throw Refusal(answer);
        return answer.Json;
    }

    /// <summary>An answer whatever its status (readiness answers 503 with its own body).</summary>
    public async Task<Answer> ExchangeAsync(HttpMethod method, string path,
        JsonNode? body, IReadOnlyDictionary<string, string>? headers, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (options.Token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        if (options.ApiKey is not null)
            request.Headers.Add("X-API-Key", options.ApiKey);
        if (options.TenantId is not null)
            request.Headers.Add("X-Tenant-ID", options.TenantId);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.Add(name, value);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new ChorusConnectionException($"cannot reach the Chorus server at {http.BaseAddress}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation the caller did not ask for.
            throw new ChorusConnectionException($"the Chorus server at {http.BaseAddress} did not answer within {http.Timeout.TotalSeconds:0} s.", ex);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            var requestId = response.Headers.TryGetValues("X-Request-ID", out var ids) ? ids.FirstOrDefault() : null;
            try
            {
                return new Answer(response.StatusCode, response.ReasonPhrase, text.Length == 0 ? null : JsonNode.Parse(text), requestId);
            }
            catch (JsonException ex)
            {
                throw new ChorusConnectionException(
                    $"the server at {http.BaseAddress} answered {(int)response.StatusCode} with something that is not JSON; is it a Chorus server?", ex);
            }
        }
    }

    private static ChorusApiException Refusal(Answer answer)
    {
        var error = (answer.Json as JsonObject)?["error"] as JsonObject;
        return new ChorusApiException(answer.Status,
            Text(error?["code"]) ?? $"http_{(int)answer.Status}",
            Text(error?["message"]) ?? answer.Reason ?? "request failed",
            error?["details"] as JsonObject,
            Text(error?["request_id"]) ?? answer.RequestId);
    }

    /// <summary>One answer: its status and reason, its JSON (null when empty) and its X-Request-ID.</summary>
    public sealed record Answer(HttpStatusCode Status, string? Reason, JsonNode? Json, string? RequestId);

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A path segment: an id as given, escaped so that it cannot leave its segment.</summary>
    public static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }
}
