using System.Net;
using Chorus.Engine.Outbound;

namespace Chorus.Engine.Tests.Outbound;

public sealed class NonPublicAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("169.254.169.254")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("2002:7f00:1::")]
    [InlineData("2002:a9fe:a9fe::1")]
    public void Contains_LoopbackPrivateLinkLocalMulticastAndTheirIPv6Forms(string address)
    {
        Assert.True(NonPublicAddresses.Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    public void Contains_PublicAddresses_IsFalse(string address)
    {
        Assert.False(NonPublicAddresses.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void AllowList_MappedIPv6OfAnAllowedIPv4Network_IsAllowed()
    {
        var list = HostAllowList.Parse(["10.0.0.0/8"]);

        Assert.True(list.AllowsAddress(IPAddress.Parse("::ffff:10.1.2.3")));
        Assert.False(list.AllowsAddress(IPAddress.Parse("::ffff:11.1.2.3")));
        Assert.False(list.AllowsName("10.0.0.0"));
    }

    [Fact]
    public void AllowList_Wildcard_CoversSubdomainsButNotTheDomainItself()
    {
        var list = HostAllowList.Parse(["*.corp.example"]);

        Assert.True(list.AllowsName("a.corp.example"));
        Assert.True(list.AllowsName("a.b.corp.example"));
        Assert.False(list.AllowsName("corp.example"));
        Assert.False(list.AllowsName("evilcorp.example"));
    }
}
