using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Sms;
using Chorus.Server.Tests.Email;
using Chorus.Server.Tests.Infrastructure;
using Reply = Chorus.Server.Tests.Infrastructure.ScriptedHttpServer.Reply;

namespace Chorus.Server.Tests.Sms;

/// <summary>The sendSMS step against a local server speaking the Twilio messaging API: what it sends, its answer as
/// the output, the API's refusals and outages, the outbound policy for a step's own API, and refusals at save.</summary>
public sealed class SendSmsStepTests : IAsyncLifetime
{
    private const string Sid = "AC0123456789abcdef0123456789abcdef";
    private readonly ScriptedHttpServer _api = new();
    private ChorusTestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await ChorusTestServer.StartAsync(configure: o => o with
    {
        Sms = new SmsSettings { BaseUrl = new Uri(_api.Origin), AccountSid = Sid, AuthToken = "server-token", From = "+14155550100" },
    });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _api.DisposeAsync();
    }

    private static JsonObject Workflow(string config, int attempts = 1) =>
        EmailTestSupport.OneStep("sendSMS", config, $$"""{"max_attempts": {{attempts}}, "initial_interval": "10ms"}""");

    /// <summary>The API's answer to a message it queued.</summary>
    private static Reply Queued(string to) => new(201, new JsonObject
    {
        ["sid"] = "SM" + Guid.NewGuid().ToString("N"), ["status"] = "queued", ["to"] = to, ["from"] = "+14155550100", ["account_sid"] = Sid,
    }.ToJsonString());

    /// <summary>The API's error shape: <c>{code, message, more_info, status}</c>.</summary>
    private static Reply Error(int status, int code, string message) => new(status, new JsonObject
    {
        ["code"] = code, ["message"] = message, ["more_info"] = $"https://www.twilio.com/docs/errors/{code}", ["status"] = status,
    }.ToJsonString());

    [Fact]
    public async Task Message_IsPostedAsTheApiExpects_AndTheAnswerIsTheOutput()
    {
        _api.Enqueue(Queued("+33612345678"));

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), Workflow("""{"to": "{{input.phone}}", "body": "Your code is {{input.code}}"}"""),
            new JsonObject { ["phone"] = "+33612345678", ["code"] = "4821" });

        Assert.Equal("completed", run.Status);
        Assert.Equal("queued", (string?)run.Output("mail")!["status"]);
        Assert.StartsWith("SM", (string?)run.Output("mail")!["sid"]);
        var request = Assert.Single(_api.Requests);
        Assert.Equal(("POST", $"/2010-04-01/Accounts/{Sid}/Messages.json"), (request.Method, request.Path));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Sid}:server-token")), request.Header("Authorization"));
        var form = System.Web.HttpUtility.ParseQueryString(request.Body);
        Assert.Equal(("+33612345678", "+14155550100", "Your code is 4821"), (form["To"], form["From"], form["Body"]));
        Assert.DoesNotContain("server-token", run.Everything);
    }

    [Fact]
    public async Task TheDocumentedExample_Saves_AndSendsTheFilledInMessage()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(Telemetry.DashboardTests.RepositoryRoot(), "docs", "steps", "sendSMS.md"));
        var start = page.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var step = JsonNode.Parse(page[start..page.IndexOf("```", start, StringComparison.Ordinal)])!;
        _api.Enqueue(Queued("+33612345678"));

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), new JsonObject { ["name"] = "documented", ["steps"] = new JsonArray(step) },
            new JsonObject { ["phone"] = "+33612345678", ["name"] = "Ada", ["order"] = "A-1" });

        Assert.Equal("completed", run.Status);
        Assert.Equal("Hello Ada, your order A-1 has shipped.", System.Web.HttpUtility.ParseQueryString(_api.Requests.Single().Body)["Body"]);
    }

    [Fact]
    public async Task ARefusedNumber_FailsAtOnce_WithTheApisReason_AndIsNotRetried()
    {
        _api.Enqueue(Error(400, 21211, "The 'To' number +15005550001 is not a valid phone number."));

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), Workflow("""{"to": "+15005550001", "body": "hi"}""", attempts: 3));

        Assert.Equal("failed", run.Status);
        Assert.Equal("sms_refused", run.Ended.Str("error.code"));
        Assert.Contains("21211", run.Ended.Str("error.message"));
        Assert.Equal(1, run.Attempts("mail"));
    }

    [Fact]
    public async Task RefusedCredentials_AreNotRetried()
    {
        _api.Enqueue(Error(401, 20003, "Authenticate"));

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), Workflow("""{"to": "+33612345678", "body": "hi"}""", attempts: 3));

        Assert.Equal("sms_unauthorized", run.Ended.Str("error.code"));
        Assert.Equal(1, run.Attempts("mail"));
    }

    [Fact]
    public async Task AnOutage_IsRetried_AndTheNextAttemptSends()
    {
        _api.Enqueue(Error(503, 20500, "Service unavailable"));
        _api.Enqueue(Queued("+33612345678"));

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), Workflow("""{"to": "+33612345678", "body": "hi"}""", attempts: 2));

        Assert.Equal("completed", run.Status);
        Assert.Equal(2, run.Attempts("mail"));
        Assert.Contains("sms_unavailable", run.Everything);
    }

    [Fact]
    public async Task AStepsOwnApi_OnAPrivateAddress_IsRefusedByTheOutboundPolicy_AndNeverGetsTheServersAccount()
    {
        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), Workflow($$"""
            {"to": "+33612345678", "body": "hi", "base_url": "{{_api.Origin}}", "account_sid": "AC1", "auth_token": "t"}
            """, attempts: 3));

        Assert.Equal("http_target_refused", run.Ended.Str("error.code"));
        Assert.Empty(_api.Requests);
    }

    [Theory]
    [InlineData("""{"body": "hi"}""", "config.to")]
    [InlineData("""{"to": "0612345678", "body": "hi"}""", "config.to")]
    [InlineData("""{"to": "+33612345678"}""", "config.body")]
    [InlineData("""{"to": "+33612345678", "body": "hi", "from": "me"}""", "config.from")]
    [InlineData("""{"to": "+33612345678", "body": "hi", "sender": "+14155550100"}""", "config.sender")]
    public async Task BadConfig_IsRefusedAtSave_WithTheField(string config, string field)
    {
        var answer = (await Client.Post("/api/workflows", ApiCalls.NewTenant(), Workflow(config))).ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");

        Assert.Contains(field, answer.Text);
    }
}
