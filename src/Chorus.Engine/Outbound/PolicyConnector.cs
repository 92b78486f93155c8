using System.Net;
using System.Net.Sockets;

namespace Chorus.Engine.Outbound;

/// <summary>The ConnectCallback of the engine's HTTP handler. The check runs on the addresses this very
/// connection uses, after resolution, for the first request and every redirect alike, so a name that resolves
/// to a public address for a check and to 127.0.0.1 for the connection (DNS rebinding) has nothing to exploit.</summary>
internal sealed class PolicyConnector(AddressPolicy policy, HostResolver resolve)
{
    public ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        ConnectAsync(context.DnsEndPoint, cancellationToken);

    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var host = endPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(a => policy.Allows(host, a)).ToList();
        // Nothing was opened towards a refused address, so the caller learns nothing about its ports.
        if (allowed.Count == 0)
            throw new OutboundTargetRefusedException(host);

        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, endPoint.Port, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    /// <summary>The first address of <paramref name="host"/> the policy allows; no socket is opened.</summary>
    public async ValueTask<IPAddress> AllowedAddressAsync(string host, CancellationToken cancellationToken) =>
        (await ResolveAsync(host, cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => policy.Allows(host, a))
        ?? throw new OutboundTargetRefusedException(host);

    private async ValueTask<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
            return [literal];
        var addresses = await resolve(host, cancellationToken).ConfigureAwait(false);
        return addresses.Count > 0 ? addresses : throw new SocketException((int)SocketError.HostNotFound);
    }
}

/// <summary>Name resolution; the system's DNS, or a test's own table.</summary>
internal delegate ValueTask<IReadOnlyList<IPAddress>> HostResolver(string host, CancellationToken cancellationToken);

/// <summary>Thrown by the connector when no address of the host may be used; it never opened a socket.</summary>
internal sealed class OutboundTargetRefusedException(string host) : Exception($"The host '{host}' is refused by the outbound HTTP policy.")
{
    public string Host { get; } = host;
}
