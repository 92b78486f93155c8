using System.Net;
using System.Net.Sockets;

namespace Chorus.Engine.Outbound;

/// <summary>Addresses that are not the public internet: this host, its networks, and ranges no one should be
/// sent to. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address,
/// so <c>::ffff:127.0.0.1</c> is loopback like <c>127.0.0.1</c>.</summary>
internal static class NonPublicAddresses
{
    private static readonly IPNetwork[] Ranges =
    [
        // IPv4: "this network" (0.0.0.0 reaches this host on Linux), RFC 1918, CGNAT, loopback, link-local
        // (cloud metadata), IETF protocol assignments, benchmarking, multicast, reserved and broadcast.
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
        // IPv6: unspecified, loopback, discard, Teredo (a tunnel to an obscured IPv4 address), link-local,
        // site-local, unique-local, multicast.
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("100::/64"),
        IPNetwork.Parse("2001::/32"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("ff00::/8"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    public static bool Contains(IPAddress address)
    {
        if (EmbeddedIPv4(address) is { } inner)
            return Contains(inner);
        return Ranges.Any(r => r.Contains(address));
    }

    /// <summary>The IPv4 address an IPv6 address stands for, when it stands for one.</summary>
    public static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return null;
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        // ::a.b.c.d (deprecated "compatible" form); :: and ::1 land in 0.0.0.0/8, which is refused as well.
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
            return new IPAddress(bytes.AsSpan(12, 4));
        if (Nat64.Contains(address))
            return new IPAddress(bytes.AsSpan(12, 4));
        if (SixToFour.Contains(address))
            return new IPAddress(bytes.AsSpan(2, 4));
        return null;
    }
}
