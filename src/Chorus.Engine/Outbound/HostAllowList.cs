using System.Net;

namespace Chorus.Engine.Outbound;

/// <summary>The operator's exceptions to the address check (HTTP_ALLOW_HOSTS): host names, exact or
/// <c>*.domain</c>, and networks in CIDR form or bare addresses.</summary>
public sealed class HostAllowList
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _suffixes = [];
    private readonly List<IPNetwork> _networks = [];

    /// <summary>Reads the entries; a malformed one throws <see cref="FormatException"/> naming it.</summary>
    public static HostAllowList Parse(IEnumerable<string> entries)
    {
        var list = new HostAllowList();
        foreach (var raw in entries)
        {
            var entry = raw.Trim().TrimEnd('.');
            if (entry.Length == 0)
                continue;
            if (entry.Contains('/', StringComparison.Ordinal))
                list._networks.Add(IPNetwork.TryParse(entry, out var network) && string.Equals(network.ToString(), entry, StringComparison.OrdinalIgnoreCase)
                    ? network
                    : throw new FormatException($"'{raw}' is not a CIDR network such as 10.0.0.0/8 (no bits set after the prefix)."));
            else if (IPAddress.TryParse(entry.Trim('[', ']'), out var address))
                list._networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            else if (entry.StartsWith("*.", StringComparison.Ordinal) && IsHostName(entry[2..]))
                list._suffixes.Add(entry[1..]);
            else if (IsHostName(entry))
                list._names.Add(entry);
            else
                throw new FormatException($"'{raw}' is not a host name, *.domain, address or CIDR network (no ports).");
        }
        return list;
    }

    public bool AllowsName(string host)
    {
        host = host.TrimEnd('.');
        return _names.Contains(host) || _suffixes.Exists(s => host.EndsWith(s, StringComparison.OrdinalIgnoreCase));
    }

    public bool AllowsAddress(IPAddress address) =>
        _networks.Exists(n => n.Contains(address))
        || (NonPublicAddresses.EmbeddedIPv4(address) is { } inner && _networks.Exists(n => n.Contains(inner)));

    private static bool IsHostName(string text) =>
        Uri.CheckHostName(text) == UriHostNameType.Dns && !text.Contains(':', StringComparison.Ordinal);
}
