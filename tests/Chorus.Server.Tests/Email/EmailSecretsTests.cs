using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Email;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Email;

/// <summary>A step's own SMTP server with credentials from the tenant's secrets, replacing the server's; and the
/// password never shows in what a run leaves behind (output, step runs, logs, errors, events).</summary>
public sealed class EmailSecretsTests
{
    private const string User = "mailer";
    private readonly string _tenant = ApiCalls.NewTenant();
    private readonly string _password = $"pw-{Guid.NewGuid():N}";

    private static JsonObject Workflow(int port) => EmailTestSupport.OneStep("sendEmail", $$$"""
        {"to": "ada@example.org", "subject": "s", "body": "b", "from": "tenant@chorus.test",
         "smtp": {"host": "127.0.0.1", "port": {{{port}}}, "tls": "none",
                  "username": "{{secrets.smtp_user}}", "password": "{{secrets.smtp_password}}"}}
        """);

    private async Task WriteSecretsAsync(HttpClient client, string password)
    {
        foreach (var (name, value) in new[] { ("smtp_user", User), ("smtp_password", password) })
            (await client.Post("/api/secrets", _tenant, new JsonObject { ["name"] = name, ["value"] = value })).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task StepSmtpFromSecrets_AuthenticatesAndSends_InsteadOfTheServersSmtp_AndTheValuesStayHidden()
    {
        await using var tenantSink = await SmtpSink.StartAsync(auth: $"{User}:{_password}");
        await using var serverSink = await SmtpSink.StartAsync();
        await using var server = await EmailTestSupport.StartServerAsync(EmailTestSupport.Plain(serverSink.Port), allowPrivate: true);
        await WriteSecretsAsync(server.Client, _password);
        var workflow = Workflow(tenantSink.Port);
        await using var watcher = await RealtimeClient.ConnectAsync(server.Client, _tenant);
        await watcher.SubscribeAsync("all_executions");

        var run = await EmailTestSupport.RunAsync(server.Client, _tenant, workflow);
        var events = await watcher.ReadUntilAsync(m => (string?)m["event"] == "workflow_execution_completed" && (string?)m["execution_id"] == run.Id);

        Assert.True(run.Status == "completed", run.Everything);
        var received = Assert.Single(await tenantSink.WaitForMessagesAsync(1));
        Assert.True(received.Authenticated);
        Assert.Equal("tenant@chorus.test", received.MailFrom);
        Assert.Empty(serverSink.Messages());
        Assert.DoesNotContain(_password, run.Everything);
        Assert.Contains("{{secrets.smtp_password}}", run.Everything); // the step run's input keeps the placeholder
        Assert.All(events, e => Assert.DoesNotContain(_password, e.ToJsonString(), StringComparison.Ordinal));
        Assert.DoesNotContain(_password, received.Raw);
    }

    [Fact]
    public async Task WrongPassword_FailsWithoutRetry_AsAnAuthFailure_AndNeverShowsThePassword()
    {
        var wrong = $"wrong-{Guid.NewGuid():N}";
        await using var sink = await SmtpSink.StartAsync(auth: $"{User}:{_password}");
        await using var server = await EmailTestSupport.StartServerAsync(smtp: null, allowPrivate: true);
        await WriteSecretsAsync(server.Client, wrong);
        var workflow = Workflow(sink.Port);
        workflow["steps"]![0]!["retry"] = JsonNode.Parse("""{"max_attempts": 3, "initial_interval": "100ms"}""");

        var run = await EmailTestSupport.RunAsync(server.Client, _tenant, workflow);

        Assert.Equal("failed", run.Status);
        Assert.Equal("email_auth_failed", run.Ended.Str("error.code"));
        Assert.Equal(1, run.Attempts("mail"));
        Assert.DoesNotContain(wrong, run.Everything);
        Assert.Empty(sink.Messages());
    }

    [Fact]
    public async Task StepSmtpOnAPrivateAddress_IsRefusedByTheOutboundPolicy_WithoutConnecting()
    {
        await using var sink = await SmtpSink.StartAsync(auth: $"{User}:{_password}");
        await using var server = await EmailTestSupport.StartServerAsync(smtp: null);
        await WriteSecretsAsync(server.Client, _password);

        var run = await EmailTestSupport.RunAsync(server.Client, _tenant, Workflow(sink.Port));

        Assert.Equal("failed", run.Status);
        Assert.Equal("http_target_refused", run.Ended.Str("error.code"));
        Assert.Contains("HTTP_ALLOW_HOSTS", run.Ended.Str("error.message"));
        Assert.Equal(1, run.Attempts("mail"));
        Assert.Empty(sink.Messages());
        Assert.DoesNotContain(_password, run.Everything);
    }

    [Fact]
    public void ServerPassword_IsNeverInTheSettingsText()
    {
        var smtp = new SmtpSettings { Host = "mail.example.org", Username = "u", Password = _password };

        Assert.DoesNotContain(_password, smtp.ToString());
        Assert.DoesNotContain(_password, new Chorus.Server.Hosting.ServerOptions { Smtp = smtp }.ToString());
    }

    [Fact]
    public async Task ServerCredentials_AuthenticateAgainstTheServersSmtp()
    {
        await using var sink = await SmtpSink.StartAsync(auth: $"{User}:{_password}");
        await using var server = await EmailTestSupport.StartServerAsync(
            EmailTestSupport.Plain(sink.Port) with { Username = User, Password = _password });

        var run = await EmailTestSupport.RunAsync(server.Client, _tenant,
            EmailTestSupport.OneStep("sendEmail", """{"to": "ada@example.org", "subject": "s", "body": "b"}"""));

        Assert.True(run.Status == "completed", run.Everything);
        Assert.True(Assert.Single(await sink.WaitForMessagesAsync(1)).Authenticated);
        Assert.DoesNotContain(_password, run.Everything);
    }
}
