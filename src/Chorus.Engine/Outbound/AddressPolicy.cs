using System.Net;

namespace Chorus.Engine.Outbound;

/// <summary>Decides, for a host and one address it resolved to, whether the engine may connect.</summary>
internal sealed class AddressPolicy
{
    private readonly bool _allowPrivate;
    private readonly HostAllowList _allowList;

    public AddressPolicy(OutboundHttpOptions options)
    {
        _allowPrivate = options.AllowPrivate;
        _allowList = HostAllowList.Parse(options.AllowHosts);
    }

    public bool Allows(string host, IPAddress address) =>
        _allowPrivate
        || !NonPublicAddresses.Contains(address)
        || _allowList.AllowsName(host)
        || _allowList.AllowsAddress(address);
}
