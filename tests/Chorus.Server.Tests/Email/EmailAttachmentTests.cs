using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Files;
using Chorus.Server.Tests.Infrastructure;
using MimeKit;

namespace Chorus.Server.Tests.Email;

/// <summary>sendEmail with attachments from the tenant's file store, against a real SMTP server (aiosmtpd): what arrives
/// is the file's bytes under its name and type, beside the text and HTML bodies; a missing file, another tenant's file
/// or too many bytes fail the step without sending anything.</summary>
public sealed class EmailAttachmentTests : IAsyncLifetime
{
    private SmtpSink _sink = null!;
    private ChorusTestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync()
    {
        _sink = await SmtpSink.StartAsync();
        _server = await EmailTestSupport.StartServerAsync(EmailTestSupport.Plain(_sink.Port));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _sink.DisposeAsync();
    }

    private static JsonObject Mail(string attachments, int attempts = 1) => EmailTestSupport.OneStep("sendEmail", $$"""
        {"to": "ada@example.org", "subject": "Your report", "body": "See the attached files.", "html": "<p>See the <b>attached</b> files.</p>",
         "attachments": {{attachments}}}
        """, $$"""{"max_attempts": {{attempts}}, "initial_interval": "10ms"}""");

    [Fact]
    public async Task FilesOfTheStore_ArriveAsAttachments_BesideTheTextAndHtmlBodies()
    {
        var tenant = ApiCalls.NewTenant();
        var pdf = SampleFiles.Pdf("Quarterly report");
        var csv = SampleFiles.Csv("month,total\nJan,12\n");
        var pdfId = await Client.UploadOk(tenant, pdf, "application/pdf", "report.pdf");
        var csvId = await Client.UploadOk(tenant, csv, "text/csv", "totals.csv");

        var run = await EmailTestSupport.RunAsync(Client, tenant,
            Mail("""[{"file_id": "{{input.pdf}}"}, {"file_id": "{{input.csv}}", "name": "january.csv"}]"""),
            new JsonObject { ["pdf"] = pdfId, ["csv"] = csvId });

        Assert.True(run.Status == "completed", run.Everything);
        var message = Assert.Single(await _sink.WaitForMessagesAsync(1)).Message;
        Assert.Equal("See the attached files.", message.TextBody?.Trim());
        Assert.Contains("<b>attached</b>", message.HtmlBody);
        var parts = message.Attachments.OfType<MimePart>().ToList();
        Assert.Equal(["report.pdf", "january.csv"], parts.Select(p => p.FileName));
        Assert.Equal(["application/pdf", "text/csv"], parts.Select(p => p.ContentType.MimeType));
        Assert.Equal(pdf, Content(parts[0]));
        Assert.Equal(csv, Content(parts[1]));
        Assert.Equal("""["report.pdf","january.csv"]""", run.Output("mail")!["attachments"]!.ToJsonString());
    }

    [Fact]
    public async Task AMissingFile_OrAnotherTenantsFile_FailsTheStep_AndNothingIsSent()
    {
        var other = ApiCalls.NewTenant();
        var theirs = await Client.UploadOk(other, SampleFiles.Csv("a\n1\n"), "text/csv", "theirs.csv");
        var tenant = ApiCalls.NewTenant();

        foreach (var id in new[] { theirs, Guid.NewGuid().ToString() })
        {
            var run = await EmailTestSupport.RunAsync(Client, tenant, Mail($$"""[{"file_id": "{{id}}"}]""", attempts: 3));

            Assert.Equal(("failed", "file_not_found", 1), (run.Status, run.Ended.Str("error.code"), run.Attempts("mail")));
        }
        Assert.Empty(_sink.Messages());
    }

    [Fact]
    public async Task AttachmentsOverTheMessageCap_FailTheStep_AndNothingIsSent()
    {
        var tenant = ApiCalls.NewTenant();
        // Two files of 13 MiB: each fits the file store, together they pass the 25 MiB a message may carry.
        var big = SampleFiles.Csv("a\n" + new string('x', 13 * 1024 * 1024) + "\n");
        var first = await Client.UploadOk(tenant, big, "text/csv", "a.csv");
        var second = await Client.UploadOk(tenant, big, "text/csv", "b.csv");

        var run = await EmailTestSupport.RunAsync(Client, tenant, Mail($$"""[{"file_id": "{{first}}"}, {"file_id": "{{second}}"}]""", attempts: 3));

        Assert.Equal(("attachments_too_large", 1), (run.Ended.Str("error.code"), run.Attempts("mail")));
        Assert.Empty(_sink.Messages());
    }

    [Theory]
    [InlineData("""{"file_id": "x"}""", "config.attachments")]
    [InlineData("""[{"name": "a.pdf"}]""", "config.attachments[0].file_id")]
    [InlineData("""[{"file_id": "not-an-id"}]""", "config.attachments[0].file_id")]
    [InlineData("""[{"file_id": "3f1c6a0e-2b1d-4c1e-9a55-5c0d2f6e7a10", "type": "pdf"}]""", "config.attachments[0].type")]
    [InlineData("""[{"file_id": "3f1c6a0e-2b1d-4c1e-9a55-5c0d2f6e7a10", "name": 3}]""", "config.attachments[0].name")]
    [InlineData("""["3f1c6a0e-2b1d-4c1e-9a55-5c0d2f6e7a10"]""", "config.attachments[0]")]
    public async Task BadAttachments_AreRefusedAtSave(string attachments, string field)
    {
        var answer = (await Client.Post("/api/workflows", ApiCalls.NewTenant(), Mail(attachments))).ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");

        Assert.Contains(field, answer.Text);
    }

    private static byte[] Content(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return stream.ToArray();
    }
}
