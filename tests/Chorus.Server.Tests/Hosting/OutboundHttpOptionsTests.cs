using Chorus.Server.Hosting;

namespace Chorus.Server.Tests.Hosting;

public sealed class OutboundHttpOptionsTests
{
    private static ServerOptions From(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return ServerOptions.FromEnvironment(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void FromEnvironment_Nothing_RefusesPrivateTargetsWithTheDocumentedCaps()
    {
        var http = From().Engine.OutboundHttp;

        Assert.False(http.AllowPrivate);
        Assert.Empty(http.AllowHosts);
        Assert.Equal(5, http.MaxRedirects);
        Assert.Equal(10 * 1024 * 1024, http.MaxResponseBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), http.Timeout);
    }

    [Fact]
    public void FromEnvironment_HttpVariables_AreRead()
    {
        var http = From(("HTTP_ALLOW_PRIVATE", "true"), ("HTTP_ALLOW_HOSTS", " 10.0.0.0/8, *.corp.example ,127.0.0.1,intranet "),
            ("HTTP_MAX_REDIRECTS", "2"), ("HTTP_MAX_RESPONSE_BYTES", "65536"), ("HTTP_TIMEOUT", "4.5")).Engine.OutboundHttp;

        Assert.True(http.AllowPrivate);
        Assert.Equal(["10.0.0.0/8", "*.corp.example", "127.0.0.1", "intranet"], http.AllowHosts);
        Assert.Equal(2, http.MaxRedirects);
        Assert.Equal(65536, http.MaxResponseBytes);
        Assert.Equal(TimeSpan.FromSeconds(4.5), http.Timeout);
    }

    [Theory]
    [InlineData("HTTP_ALLOW_PRIVATE", "yes please")]
    [InlineData("HTTP_ALLOW_HOSTS", "10.0.0.0/99")]
    [InlineData("HTTP_ALLOW_HOSTS", "10.0.0.1/8")]
    [InlineData("HTTP_ALLOW_HOSTS", "127.0.0.1:8080")]
    [InlineData("HTTP_ALLOW_HOSTS", "http://intranet/")]
    [InlineData("HTTP_ALLOW_HOSTS", "*")]
    [InlineData("HTTP_MAX_REDIRECTS", "-1")]
    [InlineData("HTTP_MAX_RESPONSE_BYTES", "12")]
    [InlineData("HTTP_TIMEOUT", "0")]
    [InlineData("HTTP_TIMEOUT", "4320000")]
    public void FromEnvironment_MalformedHttpValue_StopsNamingTheVariable(string name, string value)
    {
        var ex = Assert.Throws<OptionsException>(() => From((name, value)));

        Assert.StartsWith(name + ":", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
