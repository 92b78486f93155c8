using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Chorus.Server.Email;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Email;

/// <summary>SMTP_TLS=starttls against a real STARTTLS server with a self-signed certificate made by openssl: sent
/// over TLS when the certificate is trusted, refused when it is not, and never sent in clear to a server that does
/// not offer STARTTLS.</summary>
public sealed class EmailTlsTests : IAsyncLifetime
{
    private readonly string _tenant = ApiCalls.NewTenant();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"chorus-smtp-tls-{Guid.NewGuid():N}");
    private string Cert => Path.Combine(_directory, "cert.pem");
    private string Key => Path.Combine(_directory, "key.pem");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var start = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", Key, "-out", Cert, "-days", "1",
                     "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1" })
            start.ArgumentList.Add(arg);
        using var openssl = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start.");
        var error = await openssl.StandardError.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        if (openssl.ExitCode != 0)
            throw new InvalidOperationException($"openssl could not make a test certificate: {error}");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private static SmtpSettings StartTls(int port, RemoteCertificateValidationCallback? validation = null) =>
        EmailTestSupport.Plain(port) with { Tls = SmtpTls.StartTls, CertificateValidation = validation };

    private static System.Text.Json.Nodes.JsonObject Mail() =>
        EmailTestSupport.OneStep("sendEmail", """{"to": "ada@example.org", "subject": "s", "body": "b"}""");

    [Fact]
    public async Task StartTls_WithTheCertificateTrusted_SendsOverTls()
    {
        var trusted = X509Certificate2.CreateFromPemFile(Cert, Key).Thumbprint;
        await using var sink = await SmtpSink.StartAsync(starttls: (Cert, Key));
        await using var server = await EmailTestSupport.StartServerAsync(StartTls(sink.Port,
            (_, certificate, _, _) => certificate is not null && new X509Certificate2(certificate).Thumbprint == trusted));

        var run = await EmailTestSupport.RunAsync(server.Client, _tenant, Mail());

        Assert.True(run.Status == "completed", run.Everything);
        Assert.True(Assert.Single(await sink.WaitForMessagesAsync(1)).Tls);
    }

    [Fact]
    public async Task StartTls_WithAnUntrustedCertificate_FailsWithoutRetry_AndSendsNothing()
    {
        await using var sink = await SmtpSink.StartAsync(starttls: (Cert, Key));
        await using var server = await EmailTestSupport.StartServerAsync(StartTls(sink.Port));

        var run = await EmailTestSupport.RunAsync(server.Client, _tenant, Mail());

        Assert.Equal("failed", run.Status);
        Assert.Equal("email_send_failed", run.Ended.Str("error.code"));
        Assert.Contains("TLS", run.Ended.Str("error.message"));
        Assert.Empty(sink.Messages());
    }

    [Fact]
    public async Task StartTls_ToAServerWithoutStartTls_IsRefused_NotSentInClear()
    {
        await using var sink = await SmtpSink.StartAsync();
        await using var server = await EmailTestSupport.StartServerAsync(StartTls(sink.Port));

        var run = await EmailTestSupport.RunAsync(server.Client, _tenant, Mail());

        Assert.Equal("failed", run.Status);
        Assert.Equal("step_configuration_error", run.Ended.Str("error.code"));
        Assert.Contains("STARTTLS", run.Ended.Str("error.message"));
        Assert.Empty(sink.Messages());
    }
}
