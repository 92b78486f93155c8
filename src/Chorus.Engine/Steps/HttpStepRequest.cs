using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Steps;

/// <summary>The request an http step describes, read from its rendered config. Built once per attempt and
/// turned into a message per send, because an HttpRequestMessage cannot be sent twice.</summary>
internal sealed record HttpStepRequest(string Method, Uri Url, IReadOnlyList<KeyValuePair<string, string>> Headers,
    JsonNode? Body, string IdempotencyKey)
{
    public static HttpStepRequest Build(JsonObject config, string idempotencyKey)
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
        return new HttpStepRequest(method, uri, headers, config["body"]?.DeepClone(), idempotencyKey);
    }

    public static bool TryUrl(string? text, out Uri uri)
    {
        uri = null!;
        return Uri.TryCreate(text, UriKind.Absolute, out var parsed)
            && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps)
            && (uri = parsed) is not null;
    }

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Url);
        if (Body is not null && Method != "GET")
        {
            message.Content = Body is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? new StringContent(v.GetValue<string>(), Encoding.UTF8, "text/plain")
                : new StringContent(Body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        foreach (var (name, value) in Headers)
        {
            if (message.Headers.TryAddWithoutValidation(name, value))
                continue;
            // Content-Type and friends belong to the content; the author's choice replaces the default.
            if (message.Content is null)
                continue;
            message.Content.Headers.Remove(name);
            message.Content.Headers.TryAddWithoutValidation(name, value);
        }
        // The key identifies the attempt, so an author's header must not replace it.
        message.Headers.Remove("Idempotency-Key");
        message.Headers.TryAddWithoutValidation("Idempotency-Key", IdempotencyKey);
        return message;
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
