using System.Net;
using System.Net.Sockets;

namespace Chorus.Server.Hosting;

/// <summary>Finds out before starting whether an address the server is to listen on is taken (another server on the
/// port, most often), so that the reason is one line: Kestrel's own failure comes as a logged stack trace.</summary>
internal static class ListenCheck
{
    /// <summary>The first of <paramref name="urls"/> whose port is already in use on this machine; null when all are
    /// free or cannot be checked here (a host name, port 0).</summary>
    public static string? FirstBusy(IEnumerable<string> urls)
    {
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Port <= 0 || AddressOf(uri.Host) is not { } address)
                continue;
            try
            {
                var listener = new TcpListener(address, uri.Port);
                // As Kestrel binds: connections of a server that just stopped (TIME_WAIT) do not hold the port, a
                // listening socket does.
                listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return url;
            }
            catch (SocketException)
            {
                // Not ours to judge here (an address this machine does not have, say): Kestrel says why.
            }
        }
        return null;
    }

    private static IPAddress? AddressOf(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        _ when IPAddress.TryParse(host.Trim('[', ']'), out var ip) => ip,
        _ => null,
    };
}
