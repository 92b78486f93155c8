using System.Text.Json.Nodes;
using Chorus.Steps;
using Chorus.StepsService.Tests.Infrastructure;

namespace Chorus.StepsService.Tests.Sdk;

public sealed class ProtocolTests : IAsyncLifetime
{
    private readonly CountingStep _count = new();
    private RunningService _service = null!;

    public async Task InitializeAsync() => _service = await SdkServices.StartAsync(s => s
        .AddSingleton<IStepHandler>(_count)
        .AddStep("shout", "Upper-cases config.text.", (request, _) =>
                Task.FromResult<JsonNode?>(request.GetConfig("text", "").ToUpperInvariant()),
            configSchema: new JsonObject { ["type"] = "object" }, outputSchema: new JsonObject { ["type"] = "string" }, timeout: TimeSpan.FromSeconds(90))
        .AddSingleton<IStepHandler>(new ScriptedStep("refuse", (_, _) =>
            throw new StepException("over_budget", "The budget is spent.", retryable: false, new JsonObject { ["budget"] = 10 })))
        .AddSingleton<IStepHandler>(new ScriptedStep("teapot", (_, _) => throw new StepException("busy", "Later.", retryable: true, status: 503)))
        .AddSingleton<IStepHandler>(new ScriptedStep("crash", (_, _) => throw new InvalidOperationException("the disk is on fire")))
        .AddSingleton<IStepHandler>(new ScriptedStep("slow", (_, _) => null, timeout: TimeSpan.FromMilliseconds(200)))
        .AddSingleton<IStepHandler>(new ScriptedStep("echo_input", (_, request) => request.Input["user"])));

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Catalog_lists_every_step_sorted_with_its_schemas_and_timeout()
    {
        var answer = await _service.SendAsync(HttpMethod.Get, "/steps");

        Assert.Equal(200, answer.Status);
        var steps = Assert.IsType<JsonArray>(answer.Body!["steps"]);
        Assert.Equal(["count", "crash", "echo_input", "refuse", "shout", "slow", "teapot"], steps.Select(s => s!["name"]!.GetValue<string>()));
        var count = steps[0]!.AsObject();
        Assert.Equal(["name", "description", "config_schema", "output_schema"], count.Select(p => p.Key));
        Assert.Equal("Counts its runs.", count["description"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(_count.ConfigSchema, count["config_schema"]));
        var shout = steps[4]!.AsObject();
        Assert.Equal(90, shout["timeout_seconds"]!.GetValue<int>());
        Assert.Equal("string", shout["output_schema"]!["type"]!.GetValue<string>());
        Assert.Equal(1, steps[5]!["timeout_seconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Health_counts_the_steps()
    {
        var answer = await _service.SendAsync(HttpMethod.Get, "/health");

        Assert.Equal(200, answer.Status);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["status"] = "ok", ["steps"] = 7 }, answer.Body));
    }

    [Fact]
    public async Task A_call_gets_its_context_config_and_the_engine_headers()
    {
        var answer = await _service.CallAsync("count", new JsonObject { ["input"] = new JsonObject { ["n"] = 1 } },
            new JsonObject { ["limit"] = 3 }, key: "e1:s1:2", headers: new Dictionary<string, string>
            {
                ["X-Chorus-Execution-Id"] = "e1", ["X-Chorus-Step-Id"] = "s1", ["X-Chorus-Attempt"] = "2", ["X-Chorus-Tenant"] = "acme",
            });

        var output = answer.OutputObject;
        Assert.Equal(3, output["config"]!["limit"]!.GetValue<int>());
        Assert.Equal(1, output["context"]!["input"]!["n"]!.GetValue<int>());
        Assert.Equal("e1:s1:2", output["idempotency_key"]!.GetValue<string>());
        Assert.Equal("e1", output["execution_id"]!.GetValue<string>());
        Assert.Equal("s1", output["step_id"]!.GetValue<string>());
        Assert.Equal(2, output["attempt"]!.GetValue<int>());
        Assert.Equal("acme", output["tenant"]!.GetValue<string>());
        Assert.False(answer.Replayed);
    }

    [Fact]
    public async Task The_engines_first_attempt_may_be_numbered_zero()
    {
        var answer = await _service.CallAsync("count", config: new JsonObject { ["limit"] = 1 },
            headers: new Dictionary<string, string> { ["X-Chorus-Attempt"] = "0" });

        Assert.Equal(0, answer.OutputObject["attempt"]!.GetValue<int>());
    }

    [Fact]
    public async Task By_default_a_context_as_large_as_the_engine_allows_is_accepted()
    {
        // The engine's default context limit is 8 MiB; a 6 MiB one must get through.
        var context = new JsonObject { ["input"] = new JsonObject { ["blob"] = new string('x', 6 * 1024 * 1024) } };

        var answer = await _service.CallAsync("echo_input", context);

        Assert.Equal(200, answer.Status);
    }

    [Fact]
    public async Task A_function_step_answers_a_plain_value_and_a_part_of_its_request()
    {
        Assert.Equal("HELLO", (await _service.CallAsync("shout", config: new JsonObject { ["text"] = "hello" })).Output!.GetValue<string>());

        var user = new JsonObject { ["id"] = 7, ["tags"] = new JsonArray("a") };
        var echoed = await _service.CallAsync("echo_input", new JsonObject { ["input"] = new JsonObject { ["user"] = user } });
        Assert.True(JsonNode.DeepEquals(user, echoed.Output));
    }

    [Fact]
    public async Task A_null_output_is_an_output()
    {
        var answer = await _service.SendAsync(HttpMethod.Post, "/steps/echo_input", "{}");

        Assert.Equal(200, answer.Status);
        Assert.Equal("{\"output\":null}", answer.Text);
    }

    [Fact]
    public async Task A_handlers_refusal_keeps_its_code_status_details_and_retryability()
    {
        var refused = (await _service.CallAsync("refuse")).AssertError(422, "over_budget", retryable: false);
        Assert.Equal("The budget is spent.", refused["message"]!.GetValue<string>());
        Assert.Equal(10, refused["details"]!["budget"]!.GetValue<int>());

        (await _service.CallAsync("teapot")).AssertError(503, "busy", retryable: true);
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_retryable_step_failed_with_its_message_only()
    {
        var error = (await _service.CallAsync("crash")).AssertError(500, "step_failed", retryable: true);

        Assert.Contains("the disk is on fire", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", error.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_past_its_own_timeout_is_cancelled_and_answered_504_retryable()
    {
        (await _service.CallAsync("slow")).AssertError(504, "timeout", retryable: true);
    }
}
