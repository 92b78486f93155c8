using Chorus.Server.Email;
using Chorus.Server.Hosting;

namespace Chorus.Server.Tests.Hosting;

public sealed class SmtpOptionsTests
{
    private static ServerOptions From(params (string Name, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Name, v => v.Value);
        return ServerOptions.FromEnvironment(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void FromEnvironment_NoSmtpHost_HasNoSmtpServer() => Assert.Null(From().Smtp);

    [Fact]
    public void FromEnvironment_SmtpVariables_AreRead()
    {
        var smtp = From(("SMTP_HOST", "mail.example.org"), ("SMTP_PORT", "2525"), ("SMTP_USERNAME", "u"), ("SMTP_PASSWORD", "p w"),
            ("SMTP_FROM", "Chorus <noreply@example.org>"), ("SMTP_TLS", "TLS")).Smtp!;

        Assert.Equal(("mail.example.org", 2525, "u", "p w", "Chorus <noreply@example.org>", SmtpTls.Tls),
            (smtp.Host, smtp.EffectivePort, smtp.Username, smtp.Password, smtp.From, smtp.Tls));
    }

    [Theory]
    [InlineData("starttls", 587)]
    [InlineData("tls", 465)]
    [InlineData("none", 25)]
    public void FromEnvironment_NoPort_DefaultsByTls(string tls, int port) =>
        Assert.Equal(port, From(("SMTP_HOST", "h"), ("SMTP_TLS", tls)).Smtp!.EffectivePort);

    [Fact]
    public void FromEnvironment_NoTls_IsStartTls() => Assert.Equal(SmtpTls.StartTls, From(("SMTP_HOST", "h")).Smtp!.Tls);

    [Theory]
    [InlineData("SMTP_PORT", "0", "SMTP_PORT")]
    [InlineData("SMTP_PORT", "smtp", "SMTP_PORT")]
    [InlineData("SMTP_TLS", "ssl", "SMTP_TLS")]
    [InlineData("SMTP_FROM", "noreply", "SMTP_FROM")]
    [InlineData("SMTP_PASSWORD", "secret-value", "SMTP_PASSWORD")]
    public void FromEnvironment_MalformedValue_StopsNamingTheVariable(string name, string value, string named)
    {
        var ex = Assert.Throws<OptionsException>(() => From(("SMTP_HOST", "h"), (name, value)));

        Assert.StartsWith(named, ex.Message);
        Assert.DoesNotContain("secret-value", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("SMTP_PORT", "25")]
    [InlineData("SMTP_FROM", "a@example.org")]
    [InlineData("SMTP_PASSWORD", "secret-value")]
    public void FromEnvironment_SmtpSettingWithoutHost_StopsSayingToSetTheHost(string name, string value)
    {
        var ex = Assert.Throws<OptionsException>(() => From((name, value)));

        Assert.Contains("SMTP_HOST", ex.Message);
        Assert.DoesNotContain("secret-value", ex.Message);
    }

    [Fact]
    public void FromEnvironment_BadHost_Stops() =>
        Assert.StartsWith("SMTP_HOST", Assert.Throws<OptionsException>(() => From(("SMTP_HOST", "smtp://mail.example.org"))).Message);
}
