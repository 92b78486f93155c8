using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;
using MimeKit;

namespace Chorus.Server.Tests.Email;

/// <summary>The email step against a real SMTP server (aiosmtpd): what arrives is what the step said it sent.</summary>
public sealed class EmailSendTests : IAsyncLifetime
{
    private readonly string _tenant = ApiCalls.NewTenant();
    private SmtpSink? _sink;
    private ChorusTestServer? _server;

    private SmtpSink Sink => _sink!;
    private HttpClient Client => _server!.Client;

    public async Task InitializeAsync()
    {
        _sink = await SmtpSink.StartAsync();
        _server = await EmailTestSupport.StartServerAsync(EmailTestSupport.Plain(_sink.Port));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        if (_sink is not null)
            await _sink.DisposeAsync();
    }

    [Fact]
    public async Task SendEmailStep_TemplatedFields_ArriveWithHeadersRecipientsBodyAndTheOutputsMessageId()
    {
        var workflow = EmailTestSupport.OneStep("sendEmail", """
            {"to": "{{input.user.email}}", "cc": ["Team Lead <lead@chorus.test>", "{{input.cc}}"], "bcc": "audit@chorus.test",
             "reply_to": "help@chorus.test", "subject": "Welcome, {{input.user.name}}!",
             "body": "Hello {{input.user.name}}, your plan is {{input.plan}}.", "html": "<p>Hello <b>{{input.user.name}}</b></p>"}
            """);
        var input = JsonNode.Parse("""{"user": {"name": "Ada", "email": "ada@example.org"}, "cc": "ops@chorus.test", "plan": "pro"}""");

        var run = await EmailTestSupport.RunAsync(Client, _tenant, workflow, input);

        Assert.True(run.Status == "completed", run.Everything);
        var received = Assert.Single(await Sink.WaitForMessagesAsync(1));
        Assert.Equal("noreply@chorus.test", received.MailFrom);
        Assert.Equal(["ada@example.org", "lead@chorus.test", "ops@chorus.test", "audit@chorus.test"], received.RcptTos);
        var message = received.Message;
        Assert.Equal("Welcome, Ada!", message.Subject);
        Assert.Equal(["ada@example.org"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal(["lead@chorus.test", "ops@chorus.test"], message.Cc.Mailboxes.Select(m => m.Address));
        Assert.Equal("Team Lead", message.Cc.Mailboxes.First().Name);
        Assert.Empty(message.Bcc); // the blind copy went in the envelope only
        Assert.DoesNotContain("audit@chorus.test", received.Raw);
        Assert.Equal("help@chorus.test", Assert.Single(message.ReplyTo.Mailboxes).Address);
        Assert.Equal("Chorus", Assert.Single(message.From.Mailboxes).Name);
        Assert.Equal("Hello Ada, your plan is pro.", message.TextBody?.Trim());
        Assert.Contains("<b>Ada</b>", message.HtmlBody);

        var output = run.Output("mail")!;
        Assert.Equal(received.Header("Message-ID"), (string?)output["message_id"]);
        Assert.Matches("^<[0-9a-f]{32}\\.chorus@chorus\\.test>$", (string?)output["message_id"]);
        Assert.Equal(["ada@example.org", "lead@chorus.test", "ops@chorus.test", "audit@chorus.test"],
            output["accepted"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(["ada@example.org"], output["to"]!.AsArray().Select(a => (string?)a));
        Assert.Equal("Welcome, Ada!", (string?)output["subject"]);
    }

    [Fact]
    public async Task SendEmailAction_ToACommaList_SendsOneMessageToEveryone()
    {
        var workflow = EmailTestSupport.OneStep("action", """
            {"action": "send_email", "to": "\"Doe, Jane\" <jane@example.org>, joe@example.org", "subject": "Hi", "body": "Both of you.",
             "from": "Ops <ops@chorus.test>"}
            """);

        var run = await EmailTestSupport.RunAsync(Client, _tenant, workflow);

        Assert.True(run.Status == "completed", run.Everything);
        var received = Assert.Single(await Sink.WaitForMessagesAsync(1));
        Assert.Equal("ops@chorus.test", received.MailFrom);
        Assert.Equal(["jane@example.org", "joe@example.org"], received.RcptTos);
        Assert.Equal("Doe, Jane", received.Message.To.Mailboxes.First().Name);
        Assert.Equal(received.Header("Message-ID"), (string?)run.Output("mail")!["message_id"]);
    }

    [Fact]
    public async Task TemplatedSubjectWithALineBreak_CannotAddHeadersOrRecipients()
    {
        var workflow = EmailTestSupport.OneStep("sendEmail", """{"to": "ada@example.org", "subject": "{{input.subject}}", "body": "b"}""");

        var run = await EmailTestSupport.RunAsync(Client, _tenant, workflow,
            new JsonObject { ["subject"] = "Hi\r\nBcc: evil@example.org\r\nX-Injected: yes" });

        Assert.True(run.Status == "completed", run.Everything);
        var received = Assert.Single(await Sink.WaitForMessagesAsync(1));
        Assert.Equal(["ada@example.org"], received.RcptTos);
        Assert.DoesNotContain(received.Message.Headers, h => h.Field is "Bcc" or "X-Injected");
        Assert.Contains("evil@example.org", received.Message.Subject);
    }

    [Fact]
    public async Task SendEmailActionsInAParallelStep_EachSendTheirOwnMessage()
    {
        var workflow = EmailTestSupport.OneStep("parallel", """
            {"parallel_steps": [
              {"action": "send_email", "to": "one@example.org", "subject": "s", "body": "b"},
              {"action": "send_email", "to": "two@example.org", "subject": "s", "body": "b"}]}
            """);

        var run = await EmailTestSupport.RunAsync(Client, _tenant, workflow);

        Assert.True(run.Status == "completed", run.Everything);
        var received = await Sink.WaitForMessagesAsync(2);
        Assert.Equal(["one@example.org", "two@example.org"], received.SelectMany(r => r.RcptTos).Order(StringComparer.Ordinal));
        Assert.NotEqual(received[0].Header("Message-ID"), received[1].Header("Message-ID"));
    }

    [Fact]
    public async Task SameStepOfTwoExecutions_SendsDifferentMessageIds()
    {
        var workflow = EmailTestSupport.OneStep("sendEmail", """{"to": "a@example.org", "subject": "s", "body": "b"}""");
        var workflowId = await Client.CreateWorkflow(_tenant, workflow);

        var first = await EmailTestSupport.RunExistingAsync(Client, _tenant, workflowId);
        var second = await EmailTestSupport.RunExistingAsync(Client, _tenant, workflowId);

        var received = await Sink.WaitForMessagesAsync(2);
        Assert.Equal(2, received.Count);
        Assert.NotEqual(received[0].Header("Message-ID"), received[1].Header("Message-ID"));
        Assert.Equal([(string?)first.Output("mail")!["message_id"], (string?)second.Output("mail")!["message_id"]],
            received.Select(r => (string?)r.Header("Message-ID")));
    }

    [Fact]
    public async Task SchemaExampleOfTheTemplatesApi_SavesAndRunsVerbatim_WelcomingAValidAddressOnly()
    {
        var example = Definitions.Parse(await File.ReadAllTextAsync(RepositoryFile("examples/seed-002-onboarding.json")));
        Assert.Equal("send_email", (string?)example["steps"]![1]!["config"]!["action"]);
        var workflowId = await Client.CreateWorkflow(_tenant, example);

        var welcomed = await EmailTestSupport.RunExistingAsync(Client, _tenant, workflowId, JsonNode.Parse("""{"email": "new.user@example.org"}"""));
        var refused = await EmailTestSupport.RunExistingAsync(Client, _tenant, workflowId, JsonNode.Parse("""{"email": "no-at-sign"}"""));

        Assert.True(welcomed.Status == "completed", welcomed.Everything);
        Assert.Equal(1, welcomed.Attempts("send_welcome"));
        Assert.Equal(1, welcomed.Attempts("log_success"));
        Assert.Equal(0, welcomed.Attempts("send_error"));
        Assert.True(refused.Status == "completed", refused.Everything);
        Assert.Equal(0, refused.Attempts("send_welcome"));
        Assert.Equal(1, refused.Attempts("send_error"));
        var received = Assert.Single(await Sink.WaitForMessagesAsync(1));
        Assert.Equal(["new.user@example.org"], received.RcptTos);
        Assert.Equal("Welcome!", received.Message.Subject);
        Assert.Equal("Welcome to our platform!", received.Message.TextBody?.Trim());
        Assert.Equal(received.Header("Message-ID"), (string?)welcomed.Output("send_welcome")!["message_id"]);
    }

    internal static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Chorus.slnx")))
                return Path.Combine(dir.FullName, relative);
        }
        throw new InvalidOperationException("The repository root (Chorus.slnx) was not found above the test binaries.");
    }
}
