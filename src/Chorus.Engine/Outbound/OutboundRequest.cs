using System.Net;
using System.Net.Http.Headers;

namespace Chorus.Engine.Outbound;

/// <summary>One outgoing request as a workflow describes it. It becomes a new message for each hop of a
/// redirect chain, because an HttpRequestMessage cannot be sent twice.</summary>
public sealed record OutboundRequest(string Method, Uri Url, IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[]? Body = null, string? ContentType = null)
{
    /// <summary>Headers a workflow may not set: Host chooses the virtual host (a way round the address check
    /// towards a shared front end), and the framing and hop-by-hop ones belong to the connection, not the author.</summary>
    public static readonly IReadOnlySet<string> ForbiddenHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer", "Proxy-Connection",
    };

    /// <summary>Credentials that must not follow a redirect to another origin.</summary>
    private static readonly string[] Credentials = ["Authorization", "Proxy-Authorization", "Cookie"];

    internal HttpRequestMessage ToMessage(Uri url, string method, bool withBody, bool withCredentials)
    {
        // HTTP/1.1 or, negotiated on the same TCP connection, HTTP/2: never HTTP/3, whose QUIC connections would
        // not pass through the handler's ConnectCallback and so not through the address check.
        var message = new HttpRequestMessage(new HttpMethod(method), url)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        if (withBody && Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        }
        foreach (var (name, value) in Headers)
        {
            if (ForbiddenHeaders.Contains(name) || (!withCredentials && Credentials.Contains(name, StringComparer.OrdinalIgnoreCase)))
                continue;
            if (message.Headers.TryAddWithoutValidation(name, value))
                continue;
            // Content-Type and friends belong to the content; the author's choice replaces the default.
            if (message.Content is null)
                continue;
            message.Content.Headers.Remove(name);
            message.Content.Headers.TryAddWithoutValidation(name, value);
        }
        return message;
    }
}

/// <summary>The final answer of a request, its body read whole (within the size cap).</summary>
public sealed record OutboundResponse(int Status, IReadOnlyDictionary<string, string?> Headers, string? MediaType, string? CharSet, byte[] Body);

/// <summary>A request the policy or the network stopped: <see cref="Code"/> is one of the ErrorCodes
/// (http_target_refused, too_many_redirects, http_response_too_large) or http_error for a failed connection.</summary>
public sealed class OutboundHttpException(string code, string message, bool retryable, int? status = null) : Exception(message)
{
    public string Code { get; } = code;
    public bool Retryable { get; } = retryable;
    public int? Status { get; } = status;
}
