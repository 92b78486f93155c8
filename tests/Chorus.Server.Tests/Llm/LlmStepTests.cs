using System.Net;
using System.Text.Json.Nodes;
using Chorus.Engine.Outbound;
using Chorus.Server.Email;
using Chorus.Server.Llm;
using Chorus.Server.Tests.Email;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Llm;

/// <summary>The llm step against a local server speaking the chat-completions protocol: what it sends, what it makes
/// of the answer, structured output, the endpoint's errors and Retry-After, the daily token budget, and refusals.</summary>
public sealed class LlmStepTests : IAsyncLifetime
{
    private const int Budget = 40;
    private readonly ScriptedHttpServer _fake = new();
    private ChorusTestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await ChorusTestServer.StartAsync(configure: o => o with
    {
        Llm = new LlmSettings { BaseUrl = new Uri(_fake.Origin + "/v1"), Model = "fake-model", ApiKey = "sk-server", DailyTokenBudget = Budget },
    });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private static JsonObject Workflow(string config, int attempts = 1) =>
        EmailTestSupport.OneStep("llm", config, $$"""{"max_attempts": {{attempts}}, "initial_interval": "10ms"}""");

    [Fact]
    public async Task Completion_SendsTheRenderedPromptsAndSettings_AndOutputsTheTextWithItsUsage()
    {
        var tenant = ApiCalls.NewTenant();
        (await Client.Post("/api/secrets", tenant, new JsonObject { ["name"] = "llm_key", ["value"] = "sk-from-secret" })).Expect(HttpStatusCode.Created);
        _fake.Enqueue(ChatCompletions.Completion("Bonjour Ada !", promptTokens: 9, completionTokens: 4));

        var run = await EmailTestSupport.RunAsync(Client, tenant, Workflow("""
            {"system": "You translate into French.", "prompt": "Say hello to {{input.name}}.", "temperature": 0.2, "max_tokens": 50,
             "api_key": "{{secrets.llm_key}}"}
            """), new JsonObject { ["name"] = "Ada" });

        Assert.Equal("completed", run.Status);
        var output = run.Output("mail")!;
        Assert.Equal("Bonjour Ada !", (string?)output["text"]);
        Assert.Equal(13, (int)output["usage"]!["total_tokens"]!);
        Assert.Equal(9, (int)output["usage"]!["input_tokens"]!);
        var request = Assert.Single(_fake.Requests);
        var (body, authorization) = (request.Json, request.Header("Authorization"));
        Assert.Equal("Bearer sk-from-secret", authorization);
        Assert.Equal("fake-model", (string?)body["model"]);
        Assert.Equal(0.2, (double)body["temperature"]!, 3);
        Assert.Equal(50, (int)(body["max_completion_tokens"] ?? body["max_tokens"])!);
        Assert.Equal(["system", "user"], body["messages"]!.AsArray().Select(m => (string?)m!["role"]));
        Assert.Equal("Say hello to Ada.", (string?)body["messages"]![1]!["content"]);
        Assert.DoesNotContain("sk-from-secret", run.Everything);
    }

    [Fact]
    public async Task TheDocumentedExample_Saves_AndGivesTheVerdictAsJson()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(Telemetry.DashboardTests.RepositoryRoot(), "docs", "steps", "llm.md"));
        var start = page.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var step = JsonNode.Parse(page[start..page.IndexOf("```", start, StringComparison.Ordinal)])!;
        _fake.Enqueue(ChatCompletions.Completion("""{"category": "billing", "urgent": true}"""));

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), new JsonObject { ["name"] = "documented", ["steps"] = new JsonArray(step) },
            new JsonObject { ["customer"] = "Ada", ["text"] = "I was charged twice" });

        Assert.Equal("completed", run.Status);
        Assert.Equal("billing", (string?)run.StepRuns.Single()!["output"]!["json"]!["category"]);
        Assert.Equal("Ticket from Ada: I was charged twice", (string?)_fake.Requests.Single().Json["messages"]![1]!["content"]);
    }

    [Fact]
    public async Task ResponseSchema_AnAnswerThatDoesNotMatch_FailsTheAttempt_AndTheNextMatchingOneIsTheOutput()
    {
        _fake.Enqueue(ChatCompletions.Completion("""{"sentiment": "great"}"""));
        _fake.Enqueue(ChatCompletions.Completion("""{"sentiment": "positive", "score": 0.9}"""));

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), Workflow("""
            {"prompt": "Rate: I love it", "response_schema": {"type": "object", "required": ["sentiment", "score"],
              "properties": {"sentiment": {"enum": ["positive", "negative"]}, "score": {"type": "number"}}}}
            """, attempts: 2));

        Assert.Equal("completed", run.Status);
        Assert.Equal(2, run.Attempts("mail"));
        Assert.Contains("llm_invalid_output", run.Everything);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"sentiment": "positive", "score": 0.9}"""), run.Output("mail")!["json"]));
        Assert.Equal("json_schema", (string?)_fake.Requests.First().Json["response_format"]!["type"]);
    }

    [Fact]
    public async Task RateLimited_WithRetryAfter_IsTriedAgainAfterThatWait_WithinTheSameAttempt()
    {
        _fake.Enqueue(ChatCompletions.Error(429, "Rate limit reached", "rate_limit_exceeded", new Dictionary<string, string> { ["Retry-After"] = "1" }));
        _fake.Enqueue(ChatCompletions.Completion("ok"));

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), Workflow("""{"prompt": "hi"}"""));

        Assert.Equal("completed", run.Status);
        Assert.Equal(1, run.Attempts("mail"));
        var times = _fake.Requests.Select(r => r.At).ToList();
        Assert.Equal(2, times.Count);
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(900), $"the retry came {(times[1] - times[0]).TotalMilliseconds} ms after the 429");
    }

    [Fact]
    public async Task ServerErrors_AreTriedWithinTheAttempt_ThenFailItRetryably()
    {
        for (var i = 0; i < 3; i++)
            _fake.Enqueue(ChatCompletions.Error(503, "Overloaded", "server_error", new Dictionary<string, string> { ["Retry-After"] = "0" }));

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), Workflow("""{"prompt": "hi"}"""));

        Assert.Equal("failed", run.Status);
        Assert.Equal("llm_unavailable", run.Ended.Str("error.code"));
        Assert.Equal(3, _fake.Requests.Count);
    }

    [Fact]
    public async Task ARefusedCredential_FailsAtOnce_WithoutRetries()
    {
        _fake.Enqueue(ChatCompletions.Error(401, "Incorrect API key provided", "invalid_api_key"));

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), Workflow("""{"prompt": "hi"}""", attempts: 3));

        Assert.Equal("failed", run.Status);
        Assert.Equal("llm_unauthorized", run.Ended.Str("error.code"));
        Assert.Equal(1, run.Attempts("mail"));
        Assert.Single(_fake.Requests);
    }

    [Fact]
    public async Task AStreamedAnswerNobodyAskedFor_FailsTheStepCleanly()
    {
        _fake.Enqueue(ChatCompletions.Streamed("Bon", "jour"));

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), Workflow("""{"prompt": "hi"}"""));

        Assert.Equal("failed", run.Status);
        Assert.Equal("llm_invalid_response", run.Ended.Str("error.code"));
    }

    [Fact]
    public async Task DailyTokenBudget_StopsTheTenantsLlmSteps_OnceUsed_AndOnlyThatTenants()
    {
        var spender = ApiCalls.NewTenant();
        for (var i = 0; i < 2; i++)
            _fake.Enqueue(ChatCompletions.Completion("ok", promptTokens: 15, completionTokens: 10));
        var workflow = await Client.CreateWorkflow(spender, Workflow("""{"prompt": "hi"}"""));
        Assert.Equal("completed", (await EmailTestSupport.RunExistingAsync(Client, spender, workflow)).Status);
        Assert.Equal("completed", (await EmailTestSupport.RunExistingAsync(Client, spender, workflow)).Status); // 25 < 40 before it

        var refused = await EmailTestSupport.RunExistingAsync(Client, spender, workflow); // 50 >= 40

        Assert.Equal("llm_budget_exceeded", refused.Ended.Str("error.code"));
        Assert.Equal(2, _fake.Requests.Count);
        _fake.Enqueue(ChatCompletions.Completion("ok"));
        Assert.Equal("completed", (await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), Workflow("""{"prompt": "hi"}"""))).Status);
    }

    [Fact]
    public async Task AStepsOwnEndpoint_OnAPrivateAddress_IsRefusedByTheOutboundPolicy_AndNeverGetsTheServersKey()
    {
        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), Workflow($$"""{"prompt": "hi", "base_url": "{{_fake.Origin}}/v1", "model": "m"}""", attempts: 3));

        Assert.Equal("failed", run.Status);
        Assert.Equal("http_target_refused", run.Ended.Str("error.code"));
        Assert.Empty(_fake.Requests);
    }

    [Theory]
    [InlineData("""{}""", "config.prompt")]
    [InlineData("""{"prompt": "hi", "temperature": 3}""", "config.temperature")]
    [InlineData("""{"prompt": "hi", "max_tokens": 0}""", "config.max_tokens")]
    [InlineData("""{"prompt": "hi", "base_url": "ftp://models"}""", "config.base_url")]
    [InlineData("""{"prompt": "hi", "response_schema": {"type": "nothing"}}""", "config.response_schema")]
    [InlineData("""{"prompt": "hi", "temprature": 1}""", "config.temprature")]
    public async Task BadConfig_IsRefusedAtSave_WithTheField(string config, string field)
    {
        var answer = (await Client.Post("/api/workflows", ApiCalls.NewTenant(), Workflow(config))).ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");

        Assert.Contains(field, answer.Text);
    }
}
