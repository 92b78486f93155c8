using Chorus.Server.Hosting;
using Chorus.Server.RedisEvents;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Hosting;

public sealed class RedisUrlOptionsTests
{
    private static ServerOptions From(string redisUrl) =>
        ServerOptions.FromEnvironment(name => name == "REDIS_URL" ? redisUrl : null);

    [Fact]
    public void FromEnvironment_NoRedisUrl_PublishesNowhere() =>
        Assert.Null(ServerOptions.FromEnvironment(_ => null).RedisUrl);

    [Fact]
    public void Parse_RedisUrl_WithPasswordAndDatabase()
    {
        var options = RedisUrl.Parse(From("redis://:s%40cret@cache.internal:6390/3").RedisUrl!);

        Assert.Equal("cache.internal:6390", options.EndPoints.Single().ToString()!.Replace("Unspecified/", ""));
        Assert.Equal("s@cret", options.Password);
        Assert.Null(options.User);
        Assert.Equal(3, options.DefaultDatabase);
        Assert.False(options.Ssl);
        Assert.False(options.AbortOnConnectFail);
    }

    [Fact]
    public void Parse_RedissUrl_WithUser_UsesTlsAndTheDefaultPort()
    {
        var options = RedisUrl.Parse("rediss://app:pw@redis.example.com");

        Assert.True(options.Ssl);
        Assert.Equal("app", options.User);
        Assert.Equal("pw", options.Password);
        Assert.EndsWith(":6379", options.EndPoints.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StackExchangeForm_IsAccepted()
    {
        var options = RedisUrl.Parse(From("localhost:6380,password=pw,ssl=true").RedisUrl!);

        Assert.Equal("pw", options.Password);
        Assert.True(options.Ssl);
        Assert.EndsWith(":6380", options.EndPoints.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal(BacklogPolicy.FailFast, options.BacklogPolicy);
    }

    [Theory]
    [InlineData("http://localhost:6379")]
    [InlineData("redis://")]
    [InlineData("redis://localhost:6379/abc")]
    [InlineData("redis://localhost:6379/0?timeout=5")]
    [InlineData("localhost:6379,nosuchoption=1")]
    [InlineData(",password=pw")]
    [InlineData("redis://user:hunter2@localhost:notaport")]
    public void FromEnvironment_MalformedRedisUrl_IsOneLineWithoutThePassword(string url)
    {
        var ex = Assert.Throws<OptionsException>(() => From(url));

        Assert.StartsWith("REDIS_URL: ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }
}
