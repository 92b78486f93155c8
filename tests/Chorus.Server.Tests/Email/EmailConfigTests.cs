using System.Net;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Email;

/// <summary>An email step whose literal config cannot send is refused when the workflow is saved, naming the field;
/// nothing is stored. Templated values are left to the run.</summary>
public sealed class EmailConfigTests : IClassFixture<ServerFixture>
{
    private readonly string _tenant = ApiCalls.NewTenant();
    private readonly HttpClient _client;

    public EmailConfigTests(ServerFixture fixture) => _client = fixture.Client;

    [Theory]
    [InlineData("sendEmail", """{"subject": "s", "body": "b"}""", "config.to")]
    [InlineData("sendEmail", """{"to": "not an address", "subject": "s", "body": "b"}""", "config.to")]
    [InlineData("sendEmail", """{"to": "ada@", "subject": "s", "body": "b"}""", "config.to")]
    [InlineData("sendEmail", """{"to": "ada@example.org\r\nBcc: all@example.org", "subject": "s", "body": "b"}""", "config.to")]
    [InlineData("sendEmail", """{"to": ["ok@example.org", 42], "subject": "s", "body": "b"}""", "config.to")]
    [InlineData("sendEmail", """{"to": "a@example.org", "cc": "nobody", "subject": "s", "body": "b"}""", "config.cc")]
    [InlineData("sendEmail", """{"to": "a@example.org", "bcc": ["{{input.x}}", "x@"], "subject": "s", "body": "b"}""", "config.bcc")]
    [InlineData("sendEmail", """{"to": "a@example.org", "from": "me", "subject": "s", "body": "b"}""", "config.from")]
    [InlineData("sendEmail", """{"to": "a@example.org", "reply_to": "@example.org", "subject": "s", "body": "b"}""", "config.reply_to")]
    [InlineData("sendEmail", """{"to": "a@example.org", "body": "b"}""", "config.subject")]
    [InlineData("sendEmail", """{"to": "a@example.org", "subject": "s"}""", "config.body")]
    [InlineData("sendEmail", """{"to": "a@example.org", "subject": "s", "body": {"text": "b"}}""", "config.body")]
    [InlineData("sendEmail", """{"to": "a@example.org", "subject": "s", "body": "b", "timeout": 0}""", "config.timeout")]
    [InlineData("sendEmail", """{"to": "a@example.org", "subject": "s", "body": "b", "smtp": "mail.example.org"}""", "config.smtp")]
    [InlineData("sendEmail", """{"to": "a@example.org", "subject": "s", "body": "b", "smtp": {"port": 25}}""", "config.smtp.host")]
    [InlineData("sendEmail", """{"to": "a@example.org", "subject": "s", "body": "b", "smtp": {"host": "h", "port": 70000}}""", "config.smtp.port")]
    [InlineData("sendEmail", """{"to": "a@example.org", "subject": "s", "body": "b", "smtp": {"host": "h", "tls": "ssl"}}""", "config.smtp.tls")]
    [InlineData("sendEmail", """{"to": "a@example.org", "subject": "s", "body": "b", "smtp": {"host": "h", "username": "u", "password": "hunter2"}}""", "config.smtp.password")]
    [InlineData("action", """{"action": "send_email", "subject": "s", "body": "b"}""", "config.to")]
    [InlineData("action", """{"action": "send_email", "to": "x", "subject": "s", "body": "b"}""", "config.to")]
    [InlineData("parallel", """{"parallel_steps": [{"action": "send_email", "to": "bad", "subject": "s", "body": "b"}]}""", "config.parallel_steps[0].to")]
    public async Task Save_LiteralConfigThatCannotSend_Is400NamingTheField_AndStoresNothing(string type, string config, string field)
    {
        var workflow = EmailTestSupport.OneStep(type, config);

        var refused = await _client.Post("/api/workflows", _tenant, workflow);

        refused.ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");
        Assert.Contains(field, refused.Text);
        Assert.DoesNotContain("hunter2", refused.Text);
        var list = (await _client.Get("/api/workflows", _tenant)).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain((string)workflow["name"]!, list.Text);
    }

    [Theory]
    [InlineData("""{"to": "{{input.email}}", "subject": "{{input.s}}", "body": "b", "from": "{{input.from}}"}""")]
    [InlineData("""{"to": ["{{input.a}}", "b@example.org"], "cc": "{{input.cc}}", "subject": "s", "html": "<p>h</p>"}""")]
    [InlineData("""{"to": "a@example.org", "subject": "s", "body": "b", "smtp": {"host": "{{secrets.smtp_host}}", "port": "{{secrets.smtp_port}}", "username": "{{secrets.smtp_user}}", "password": "{{secrets.smtp_password}}", "tls": "starttls"}}""")]
    public async Task Save_TemplatedOrCompleteConfig_IsAccepted(string config)
    {
        (await _client.Post("/api/workflows", _tenant, EmailTestSupport.OneStep("sendEmail", config))).Expect(HttpStatusCode.Created);
    }
}
