using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;
using Chorus.Server.Tests.Security;

namespace Chorus.Server.Tests.Webhooks;

/// <summary>Webhooks on servers of their own: another tier, a restart, real rate limits; and the templates API's route.</summary>
public sealed class WebhookServerTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    /// <summary>The templates API's own example: its templates read the input as variables (<c>{{variables.email}}</c>).</summary>
    private static JsonObject WelcomeTemplate() => Definitions.Parse("""
        {
          "name": "welcome",
          "steps": [
            {"id": "done", "type": "output", "config": {"value": {"to": "{{variables.email}}", "input": "{{input}}"}}}
          ]
        }
        """);

    [Fact]
    public async Task TemplatesWebhookRoute_StartsTheTemplateWithTheBody_AndAnswersTheInstance()
    {
        var templateId = await _client.CreateWorkflow(_tenant, WelcomeTemplate());
        var body = new JsonObject { ["email"] = "user@example.com", ["name"] = "Ada" };

        var answer = (await _client.Post($"/api/v1/triggers/webhook/{templateId}", _tenant, body)).Expect(HttpStatusCode.Accepted);
        var done = await _client.WaitForCompletion(_tenant, answer.Str("instance_id")!);

        Assert.Equal(answer.Str("instance_id"), answer.Str("id"));
        Assert.Equal(templateId, answer.Str("template_id"));
        Assert.Contains(answer.Str("status"), new[] { "pending", "running", "completed" });
        Assert.Equal("user@example.com", done.Str("output.to"));
        Assert.True(JsonNode.DeepEquals(body, done.Node("output.input")), done.Text);
    }

    [Fact]
    public async Task TemplatesWebhookRoute_NeedsAMembersToken_AndAnExistingTemplate()
    {
        var templateId = await _client.CreateWorkflow(_tenant, WelcomeTemplate());
        var body = new JsonObject { ["email"] = "user@example.com" };

        var anonymous = await _client.CallRaw($"/api/v1/triggers/webhook/{templateId}", Hooks.Bytes(body), "application/json");
        var viewer = await _client.SendAs(HttpMethod.Post, $"/api/v1/triggers/webhook/{templateId}", TestTokens.For(_tenant, Role.Viewer), _tenant, body);
        var otherTenant = await _client.Post($"/api/v1/triggers/webhook/{templateId}", ApiCalls.NewTenant(), body);
        var notJson = await _client.Send(HttpMethod.Post, $"/api/v1/triggers/webhook/{templateId}", _tenant, ApiCalls.Raw("{oops"u8.ToArray(), "application/json"));

        anonymous.ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
        viewer.ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        otherTenant.ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        notJson.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Empty(await _client.Executions(_tenant, templateId));
    }

    [Fact]
    public async Task TierWithoutWebhooks_RefusesCreatingATrigger_AndTheTemplatesRoute()
    {
        await using var free = await ChorusTestServer.StartAsync(configure: o => o with { DefaultTier = "free" });
        var workflowId = await free.Client.CreateWorkflow(_tenant, Definitions.Greeting());

        var refused = await free.Client.Post(Hooks.HooksOf(workflowId), _tenant);
        var seed = await free.Client.Post($"/api/v1/triggers/webhook/{workflowId}", _tenant, new JsonObject { ["name"] = "x" });

        refused.ExpectError(HttpStatusCode.Forbidden, "tier_restriction");
        Assert.Equal("webhooks", refused.Str("error.details.limit"));
        Assert.Equal("free", refused.Str("error.details.tier"));
        seed.ExpectError(HttpStatusCode.Forbidden, "tier_restriction");
        Assert.Equal(0, (await free.Client.Get(Hooks.HooksOf(workflowId), _tenant)).Expect(HttpStatusCode.OK).Node("total")!.GetValue<int>());
        Assert.Empty(await free.Client.Executions(_tenant, workflowId));
    }

    [Fact]
    public async Task Trigger_SurvivesARestart_WithItsSecretAndSettings()
    {
        var database = Path.Combine(Path.GetTempPath(), $"chorus-hooks-{Guid.NewGuid():N}.db");
        try
        {
            Hook hook;
            await using (var first = await ChorusTestServer.StartAsync(databasePath: database))
            {
                var workflowId = await first.Client.CreateWorkflow(_tenant, Definitions.Greeting());
                hook = await first.Client.CreateHook(_tenant, workflowId, new JsonObject { ["max_body_bytes"] = 512, ["headers"] = new JsonArray("x-one") });
            }
            await using var second = await ChorusTestServer.StartAsync(databasePath: database);

            var read = (await second.Client.Get($"{Hooks.HooksOf(hook.WorkflowId)}/{hook.Id}", _tenant)).Expect(HttpStatusCode.OK);
            var answer = (await second.Client.CallSigned($"/api/hooks/{hook.Id}?wait=30s", hook.Secret, Hooks.Bytes(new JsonObject { ["name"] = "again" })))
                .Expect(HttpStatusCode.OK);

            Assert.Equal(512, read.Node("max_body_bytes")!.GetValue<int>());
            Assert.Equal("x-one", read.Str("headers.0"));
            Assert.Equal("hello again", answer.Str("output.greeting"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm", ".key", ".secrets.key" })
                File.Delete(database + suffix);
        }
    }

    [Fact]
    public async Task HookCalls_AreRateLimitedPerTrigger_With429AndRetryAfter()
    {
        await using var limited = await ChorusTestServer.StartAsync(configure: o => o with { RateLimitPerCredential = 1, RateLimitPerTenant = 1000 });
        var workflowId = await limited.Client.CreateWorkflow(_tenant, Definitions.Greeting());
        var hook = await limited.Client.CreateHook(_tenant, workflowId);

        var answers = new List<ApiResponse>();
        // A bucket of 2 refilled at 1 a second: 30 quick calls cannot all pass unless they take half a minute.
        for (var i = 0; i < 30; i++)
            answers.Add(await limited.Client.CallSigned($"/api/hooks/{hook.Id}", "whsec_wrong", Hooks.Bytes(new JsonObject())));

        var limitedAnswer = answers.FirstOrDefault(a => a.Status == HttpStatusCode.TooManyRequests);
        Assert.NotNull(limitedAnswer);
        limitedAnswer.ExpectError(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(int.Parse(limitedAnswer.Headers["Retry-After"], System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.All(answers, a => Assert.Contains(a.Status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
    }
}
