namespace Chorus.Engine.Outbound;

/// <summary>What a workflow may reach over HTTP (http steps, http_request actions, and every later outgoing call
/// the engine makes for a workflow). The defaults are the secure ones: only public addresses, checked on the
/// address actually connected to, so a definition cannot read the server's own network.</summary>
public sealed record OutboundHttpOptions
{
    /// <summary>HTTP_ALLOW_PRIVATE: true turns the address check off, so loopback, private (RFC 1918, CGNAT,
    /// unique-local), link-local (cloud metadata included) and the rest are reachable. For a trusted intranet and
    /// for tests' local servers; default false.</summary>
    public bool AllowPrivate { get; init; }

    /// <summary>HTTP_ALLOW_HOSTS: host names (exact, or <c>*.example.com</c> for its subdomains) whose every address
    /// is allowed, and networks (<c>10.0.0.0/8</c>, <c>127.0.0.1/32</c>, a bare address) allowed although not
    /// public. No ports: an entry allows every port. Empty by default.</summary>
    public IReadOnlyList<string> AllowHosts { get; init; } = [];

    /// <summary>HTTP_MAX_REDIRECTS: redirects one request may follow (5); one more fails with too_many_redirects.</summary>
    public int MaxRedirects { get; init; } = 5;

    /// <summary>HTTP_MAX_RESPONSE_BYTES: largest response body read (10 MiB); more fails with http_response_too_large.</summary>
    public long MaxResponseBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>HTTP_TIMEOUT: longest one request may take, redirects included, when its step sets no timeout (30 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
