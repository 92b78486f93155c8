using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Steps.Remote;

/// <summary>What one delivery of a call got back: the status and the JSON body (null when empty or not JSON).</summary>
internal sealed record RemoteAnswer(int Status, JsonNode? Body)
{
    public JsonObject? Error => Body?["error"] as JsonObject;

    /// <summary>The error body's own say on retrying, when it has one.</summary>
    public bool? ErrorRetryable => Error?["retryable"] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>The protocol's transient answers (5xx, 408, 429) unless the service said retrying cannot help: these are
    /// delivered again and counted by the breaker.</summary>
    public bool IsTransient => (Status >= 500 || Status is 408 or 429) && ErrorRetryable != false;

    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>Reads at most <paramref name="maxBytes"/> of JSON; a longer body is refused rather than buffered.</summary>
    public static async Task<RemoteAnswer> ReadAsync(HttpResponseMessage response, long maxBytes, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (response.Content.Headers.ContentLength > maxBytes)
            throw new RemoteProtocolException($"the answer is {response.Content.Headers.ContentLength} bytes; at most {maxBytes} are read");
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new RemoteProtocolException($"the answer is longer than {maxBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        return new RemoteAnswer(status, Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    public static JsonNode? Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return null;
        try
        {
            return JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A steps service answered something the protocol does not allow (too long, not JSON where JSON is due).</summary>
internal sealed class RemoteProtocolException(string message) : Exception(message);
