using System.Net;
using System.Net.Sockets;
using Chorus.Engine.Telemetry;

namespace Chorus.Engine.Outbound;

/// <summary>The one way the engine calls out over HTTP for a workflow. Its handler checks every address at connect
/// time (<see cref="PolicyConnector"/>), uses no proxy (a proxy would connect on our behalf, unchecked) and never
/// follows redirects itself: <see cref="SendAsync"/> follows them, counted, each hop going through the same check.</summary>
public sealed class OutboundHttp : IDisposable
{
    private readonly HttpClient _client;
    private readonly PolicyConnector _connector;

    public OutboundHttp(OutboundHttpOptions options) : this(options, SystemDns)
    {
    }

    /// <summary>With a resolver of one's own: tests map names without touching /etc/hosts.</summary>
    internal OutboundHttp(OutboundHttpOptions options, HostResolver resolve)
    {
        Options = options;
        var connector = new PolicyConnector(new AddressPolicy(options), resolve);
        _connector = connector;
        _client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = connector.ConnectAsync,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    public OutboundHttpOptions Options { get; }

    /// <summary>The client itself, for a library that sends its own requests (the llm step's chat client): every
    /// connection it opens passes the same address check. It follows no redirect.</summary>
    public HttpClient Client => _client;

    /// <summary>Sends the request, following up to MaxRedirects redirects, and reads the final body within
    /// MaxResponseBytes. Failures are <see cref="OutboundHttpException"/>s; cancellation is the caller's (its
    /// timeout).</summary>
    public async Task<OutboundResponse> SendAsync(OutboundRequest request, CancellationToken cancellationToken)
    {
        var url = request.Url;
        var method = request.Method;
        var withBody = true;
        var withCredentials = true;
        for (var redirects = 0; ; redirects++)
        {
            using var message = request.ToMessage(url, method, withBody, withCredentials);
            using var response = await SendOnceAsync(message, cancellationToken).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
                return await ReadAsync(method, url, response, cancellationToken).ConfigureAwait(false);

            if (redirects >= Options.MaxRedirects)
                throw new OutboundHttpException(ErrorCodes.TooManyRedirects,
                    $"{request.Method} {request.Url} redirected more than {Options.MaxRedirects} times.", retryable: false, (int)response.StatusCode);
            var next = location.IsAbsoluteUri ? location : new Uri(url, location);
            if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                throw new OutboundHttpException(ErrorCodes.HttpTargetRefused,
                    $"A redirect to a '{next.Scheme}' URL is refused by the outbound HTTP policy: only http and https are followed.", retryable: false);
            // Credentials were given for the origin the author named, not for wherever it sends us.
            withCredentials &= SameOrigin(url, next);
            (method, withBody) = AfterRedirect(response.StatusCode, method, withBody);
            url = next;
        }
    }

    /// <summary>A TCP connection under the same address policy, for another protocol a workflow names its own server
    /// for (SMTP with a step's <c>smtp.host</c>): a tenant cannot reach what its http steps could not. A refused host
    /// is an <see cref="OutboundHttpException"/> with <c>http_target_refused</c>; an unreachable one a SocketException.</summary>
    public async ValueTask<Stream> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        try
        {
            return await _connector.ConnectAsync(new DnsEndPoint(host, port), cancellationToken).ConfigureAwait(false);
        }
        catch (OutboundTargetRefusedException refused)
        {
            throw Refused(refused.Host);
        }
    }

    /// <summary>An address of <paramref name="host"/> that the same policy allows, for a client library that opens its
    /// own connections (a database driver a step's own connection string names): connecting to this address rather
    /// than to the name leaves nothing to DNS rebinding. A refused host is an <see cref="OutboundHttpException"/> with
    /// <c>http_target_refused</c>; an unknown one a SocketException.</summary>
    public async ValueTask<IPAddress> AllowedAddressAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await _connector.AllowedAddressAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (OutboundTargetRefusedException refused)
        {
            throw Refused(refused.Host);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        try
        {
            EngineTracing.Propagate(message);
            return await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (Find<OutboundTargetRefusedException>(ex) is { } refused)
        {
            throw Refused(refused.Host);
        }
        catch (HttpRequestException ex)
        {
            // The socket's own words (refused, reset, unreachable) are left out: the outcome is enough to act on.
            throw new OutboundHttpException("http_error", $"{message.Method} {message.RequestUri} failed: {Describe(ex)}.", retryable: true);
        }
    }

    /// <summary>The policy's refusal, when <paramref name="failure"/> (from a request through <see cref="Client"/>) was
    /// one, as <see cref="SendAsync"/> would report it; null for any other failure.</summary>
    public static OutboundHttpException? RefusalIn(Exception failure) =>
        Find<OutboundTargetRefusedException>(failure) is { } refused ? Refused(refused.Host) : null;

    /// <summary>Names only the host: the message of a refused target is the same whatever its port and
    /// whether anything listens there.</summary>
    internal static OutboundHttpException Refused(string host) => new(ErrorCodes.HttpTargetRefused,
        $"The host '{host}' is refused by the outbound HTTP policy: it is, or resolves to, a loopback, private, link-local "
        + "or otherwise non-public address. An operator may allow it with HTTP_ALLOW_HOSTS.", retryable: false);

    private async Task<OutboundResponse> ReadAsync(string method, Uri url, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var max = Options.MaxResponseBytes;
        OutboundHttpException TooLarge() => new(ErrorCodes.HttpResponseTooLarge,
            $"The response body of {method} {url} is over {max} bytes.", retryable: false, status);
        if (response.Content.Headers.ContentLength > max)
            throw TooLarge();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            // Stop at the cap rather than after the whole body: the point is not to hold what is too large.
            if (buffer.Length + read > max)
                throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        var headers = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            headers[name.ToLowerInvariant()] = values.FirstOrDefault();
        var type = response.Content.Headers.ContentType;
        return new OutboundResponse(status, headers, type?.MediaType, type?.CharSet, buffer.ToArray());
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>As browsers and HttpClient do: 303 turns into GET, 301 and 302 turn a POST into GET, 307 and
    /// 308 repeat the request as it was.</summary>
    private static (string Method, bool WithBody) AfterRedirect(HttpStatusCode status, string method, bool withBody) => status switch
    {
        HttpStatusCode.SeeOther when method != "HEAD" => ("GET", false),
        HttpStatusCode.MovedPermanently or HttpStatusCode.Found when method == "POST" => ("GET", false),
        _ => (method, withBody),
    };

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    private static string Describe(HttpRequestException ex) =>
        Find<SocketException>(ex)?.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain
            || ex.HttpRequestError == HttpRequestError.NameResolutionError
            ? "the host name could not be resolved"
            : ex.HttpRequestError switch
            {
                HttpRequestError.ConnectionError => "connection failed",
                HttpRequestError.SecureConnectionError => "the TLS handshake failed",
                HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse => "the server did not answer with valid HTTP",
                _ => "the request failed",
            };

    private static T? Find<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is T match)
                return match;
        return null;
    }

    private static async ValueTask<IReadOnlyList<IPAddress>> SystemDns(string host, CancellationToken cancellationToken) =>
        await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);

    public void Dispose() => _client.Dispose();
}
