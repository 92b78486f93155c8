using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Email;

/// <summary>What goes wrong when sending: the SMTP server down (retried until it is back), a recipient it refuses
/// (final, naming the recipient), a templated address that renders to no address, and no SMTP server at all.</summary>
public sealed class EmailFailureTests
{
    private readonly string _tenant = ApiCalls.NewTenant();

    [Fact]
    public async Task ServerDown_FailsRetryably_ThenTheRetryDeliversOnceTheServerIsUp()
    {
        var port = SmtpSink.FreePort();
        await using var server = await EmailTestSupport.StartServerAsync(EmailTestSupport.Plain(port));
        var workflow = EmailTestSupport.OneStep("sendEmail", """{"to": "ada@example.org", "subject": "s", "body": "b", "timeout": 5}""",
            retry: """{"max_attempts": 100, "initial_interval": "200ms", "backoff_coefficient": 1}""");
        var workflowId = await server.Client.CreateWorkflow(_tenant, workflow);
        var id = await server.Client.Execute(_tenant, workflowId);

        var failedAttempt = await WaitForFailedAttemptAsync(server.Client, id);
        Assert.Equal("email_send_failed", (string?)failedAttempt["error"]!["code"]);
        Assert.Contains($"127.0.0.1:{port}", (string?)failedAttempt["error"]!["message"]);
        await using var sink = await SmtpSink.StartAsync(port);
        var ended = await WaitAsync(server.Client, id);

        var run = await EmailTestSupport.ReadAsync(server.Client, _tenant, id, ended);
        Assert.True(run.Status == "completed", run.Everything);
        Assert.True(run.Attempts("mail") >= 2, run.Everything);
        var received = Assert.Single(await sink.WaitForMessagesAsync(1));
        Assert.Equal(["ada@example.org"], received.RcptTos);
        Assert.Equal(received.Header("Message-ID"), (string?)run.Output("mail")!["message_id"]);
    }

    [Fact]
    public async Task RejectedRecipient_FailsWithoutRetry_NamingTheRecipient_AndSendsNothing()
    {
        await using var sink = await SmtpSink.StartAsync(reject: ["gone@example.org"]);
        await using var server = await EmailTestSupport.StartServerAsync(EmailTestSupport.Plain(sink.Port));
        var workflow = EmailTestSupport.OneStep("action", """
            {"action": "send_email", "to": ["ada@example.org", "gone@example.org"], "subject": "s", "body": "b"}
            """, retry: """{"max_attempts": 3, "initial_interval": "100ms"}""");

        var run = await EmailTestSupport.RunAsync(server.Client, _tenant, workflow);

        Assert.Equal("failed", run.Status);
        Assert.Equal("email_rejected", run.Ended.Str("error.code"));
        Assert.Equal("gone@example.org", run.Ended.Str("error.details.recipient"));
        Assert.Equal(550, (int?)run.Ended.Node("error.details.smtp_status"));
        Assert.Contains("gone@example.org", run.Ended.Str("error.message"));
        Assert.Equal(1, run.Attempts("mail"));
        Assert.Empty(sink.Messages());
    }

    [Fact]
    public async Task RecipientDeferredWith4xx_IsRetried_ThenFailsRetryablyNamingTheRecipient()
    {
        await using var sink = await SmtpSink.StartAsync(defer: ["busy@example.org"]);
        await using var server = await EmailTestSupport.StartServerAsync(EmailTestSupport.Plain(sink.Port));
        var workflow = EmailTestSupport.OneStep("sendEmail", """{"to": "busy@example.org", "subject": "s", "body": "b"}""",
            retry: """{"max_attempts": 2, "initial_interval": "100ms"}""");

        var run = await EmailTestSupport.RunAsync(server.Client, _tenant, workflow);

        Assert.Equal("failed", run.Status);
        Assert.Equal("email_send_failed", run.Ended.Str("error.code"));
        Assert.Equal("busy@example.org", run.Ended.Str("error.details.recipient"));
        Assert.Equal(451, (int?)run.Ended.Node("error.details.smtp_status"));
        Assert.Equal(2, run.Attempts("mail"));
        Assert.Empty(sink.Messages());
    }

    [Fact]
    public async Task TemplatedAddressThatIsNone_FailsAtRunTimeAsConfiguration_WithoutRetry()
    {
        await using var sink = await SmtpSink.StartAsync();
        await using var server = await EmailTestSupport.StartServerAsync(EmailTestSupport.Plain(sink.Port));
        var workflow = EmailTestSupport.OneStep("sendEmail", """{"to": "{{input.email}}", "subject": "s", "body": "b"}""",
            retry: """{"max_attempts": 3, "initial_interval": "100ms"}""");

        var run = await EmailTestSupport.RunAsync(server.Client, _tenant, workflow, JsonNode.Parse("""{"email": "not an address"}"""));

        Assert.Equal("failed", run.Status);
        Assert.Equal("step_configuration_error", run.Ended.Str("error.code"));
        Assert.Contains("config.to", run.Ended.Str("error.message"));
        Assert.Equal(1, run.Attempts("mail"));
        Assert.Empty(sink.Messages());
    }

    [Fact]
    public async Task NoSmtpServerConfigured_SavesTheWorkflow_AndTheStepFailsSayingWhatToSet()
    {
        await using var server = await EmailTestSupport.StartServerAsync(smtp: null);
        var workflow = EmailTestSupport.OneStep("action", """{"action": "send_email", "to": "a@example.org", "subject": "s", "body": "b"}""",
            retry: """{"max_attempts": 3, "initial_interval": "100ms"}""");

        var run = await EmailTestSupport.RunAsync(server.Client, _tenant, workflow);

        Assert.Equal("failed", run.Status);
        Assert.Equal("step_configuration_error", run.Ended.Str("error.code"));
        Assert.Contains("SMTP_HOST", run.Ended.Str("error.message"));
        Assert.Equal(1, run.Attempts("mail"));
    }

    private async Task<JsonNode> WaitForFailedAttemptAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var steps = (await client.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK);
            if (steps.Body["items"]!.AsArray().FirstOrDefault(r => (string?)r!["status"] == "failed") is { } failed)
                return failed;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"Execution {id} never had a failed attempt.");
    }

    private async Task<ApiResponse> WaitAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        ApiResponse? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = (await client.Get($"/api/executions/{id}", _tenant)).Expect(HttpStatusCode.OK);
            if (last.Str("status") is "completed" or "failed")
                return last;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"Execution {id} never ended; last: {last?.Text}");
    }
}
