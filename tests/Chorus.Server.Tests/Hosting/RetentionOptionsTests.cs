using Chorus.Server.Hosting;

namespace Chorus.Server.Tests.Hosting;

public sealed class RetentionOptionsTests
{
    private static ServerOptions From(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return ServerOptions.FromEnvironment(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void Nothing_KeepsAllHistory_AndEventsForADay()
    {
        var retention = From().Engine.Retention;

        Assert.Null(retention.History);
        Assert.Equal(TimeSpan.FromHours(24), retention.Events);
    }

    [Fact]
    public void Variables_AreRead_AndZeroEventHoursKeepsEvents()
    {
        var retention = From(("HISTORY_RETENTION_DAYS", "30"), ("EVENTS_RETENTION_HOURS", "0")).Engine.Retention;

        Assert.Equal(TimeSpan.FromDays(30), retention.History);
        Assert.Null(retention.Events);
    }

    [Theory]
    [InlineData("HISTORY_RETENTION_DAYS", "0")]
    [InlineData("HISTORY_RETENTION_DAYS", "ten")]
    [InlineData("EVENTS_RETENTION_HOURS", "-1")]
    public void BadValues_StopTheServerNamingTheVariable(string name, string value)
    {
        var ex = Assert.Throws<OptionsException>(() => From((name, value)));

        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }
}
