using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Outbound;

namespace Chorus.Engine.Steps;

/// <summary>The request an http step describes, read from its rendered config.</summary>
internal static class HttpStepRequest
{
    public static OutboundRequest Build(JsonObject config, string idempotencyKey)
    {
        var method = (StepJson.String(config, "method") ?? "GET").ToUpperInvariant();
        if (!HttpStepRunner.Methods.Contains(method))
            throw new StepConfigurationException($"config.method '{method}' is not one of {string.Join(", ", HttpStepRunner.Methods)}.");
        var url = StepJson.String(config, "url");
        if (!TryUrl(url, out var uri))
            throw new StepConfigurationException($"config.url '{url}' is not an absolute http or https URL.");
        if (config["query"] is JsonObject query && query.Count > 0)
            uri = WithQuery(uri, query);
        var headers = config["headers"] is JsonObject h
            ? h.Select(p => new KeyValuePair<string, string>(p.Key, Text(p.Value))).ToList()
            : [];
        if (headers.FirstOrDefault(p => OutboundRequest.ForbiddenHeaders.Contains(p.Key)) is { Key: { } forbidden })
            throw new StepConfigurationException(ForbiddenHeaderMessage(forbidden));
        // The key identifies the attempt, so an author's header must not replace it.
        headers.RemoveAll(p => p.Key.Equals("Idempotency-Key", StringComparison.OrdinalIgnoreCase));
        headers.Add(new("Idempotency-Key", idempotencyKey));

        var body = config["body"];
        if (body is null || method is "GET" or "HEAD")
            return new OutboundRequest(method, uri, headers);
        return body is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? new OutboundRequest(method, uri, headers, Encoding.UTF8.GetBytes(v.GetValue<string>()), "text/plain; charset=utf-8")
            : new OutboundRequest(method, uri, headers, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json; charset=utf-8");
    }

    public static string ForbiddenHeaderMessage(string name) =>
        $"config.headers: '{name}' may not be set by a workflow; the engine sets it from the URL and the body (outbound HTTP policy).";

    public static bool TryUrl(string? text, out Uri uri)
    {
        uri = null!;
        return Uri.TryCreate(text, UriKind.Absolute, out var parsed)
            && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps)
            && (uri = parsed) is not null;
    }

    private static Uri WithQuery(Uri uri, JsonObject query)
    {
        var builder = new StringBuilder(uri.Query.TrimStart('?'));
        foreach (var (name, value) in query)
        {
            if (value is null)
                continue;
            var values = value is JsonArray array ? array.Select(Text) : [Text(value)];
            foreach (var item in values)
            {
                if (builder.Length > 0)
                    builder.Append('&');
                builder.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(item));
            }
        }
        return new UriBuilder(uri) { Query = builder.ToString() }.Uri;
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
