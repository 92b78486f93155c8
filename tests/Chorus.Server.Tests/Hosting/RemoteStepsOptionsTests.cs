using Chorus.Server.Hosting;

namespace Chorus.Server.Tests.Hosting;

public sealed class RemoteStepsOptionsTests
{
    private static ServerOptions From(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return ServerOptions.FromEnvironment(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void FromEnvironment_Nothing_NoStepsServicesAndASixtySecondTimeout()
    {
        var remote = From().Engine.RemoteSteps;

        Assert.Empty(remote.Services);
        Assert.Equal(TimeSpan.FromSeconds(60), remote.Timeout);
    }

    [Fact]
    public void FromEnvironment_SeveralUrls_SeparatedByCommaOrSemicolon_AreReadInOrder()
    {
        var remote = From(("STEPS_SVC_URL", " http://localhost:8001 ,https://steps.internal/api/;http://10.0.0.5:9000"),
            ("STEPS_SVC_TIMEOUT", "12.5")).Engine.RemoteSteps;

        Assert.Equal(["http://localhost:8001/", "https://steps.internal/api/", "http://10.0.0.5:9000/"], remote.Services.Select(u => u.AbsoluteUri));
        Assert.Equal(TimeSpan.FromSeconds(12.5), remote.Timeout);
    }

    [Theory]
    [InlineData("STEPS_SVC_URL", "localhost:8001")]
    [InlineData("STEPS_SVC_URL", "steps-service")]
    [InlineData("STEPS_SVC_URL", "ftp://steps.internal")]
    [InlineData("STEPS_SVC_URL", "http://ok:8001,/relative")]
    [InlineData("STEPS_SVC_URL", "http://steps:8001/?x=1")]
    [InlineData("STEPS_SVC_TIMEOUT", "soon")]
    [InlineData("STEPS_SVC_TIMEOUT", "0")]
    [InlineData("STEPS_SVC_TIMEOUT", "-5")]
    public void FromEnvironment_MalformedValue_StopsWithAOneLineReasonNamingTheVariable(string name, string value)
    {
        var refusal = Assert.Throws<OptionsException>(() => From((name, value)));

        Assert.StartsWith(name + ":", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refusal.Message);
    }
}
