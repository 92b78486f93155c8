using System.Net;
using System.Text.Json.Nodes;

namespace Chorus.EndToEnd.Tests.Hostile;

/// <summary>The hostile-definitions corpus: workflows a hostile or careless tenant can write, each run against a
/// real server process beside a bystander tenant. Every case asserts that the server stays up, that the bystander's
/// one-second execution completes in its normal time, that memory stays bounded, and that the offending definition
/// is refused at save or its execution ends with a clear error code.</summary>
public sealed class HostileDefinitionsTests(HostileServer server) : IClassFixture<HostileServer>
{
    private static readonly TimeSpan EndBound = TimeSpan.FromSeconds(30);

    [Fact]
    public Task SelfRecursiveSubflow_IsRefusedAsACycle() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-cycle");
        var id = await CreateSelfCallingAsync(tenant, recursive: false);
        var execution = await tenant.StartAsync(id, new JsonObject());
        var ended = await tenant.WaitForEndAsync(execution, EndBound);
        AssertFailedWith(ended, "subflow_cycle");
        Assert.Single(await tenant.ExecutionsAsync());
    });

    [Fact]
    public Task MutuallyRecursiveSubflows_AreRefusedAsACycle() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-mutual");
        var first = await tenant.CreateAsync("""{"name": "ping", "status": "draft", "steps": [{"id": "a", "type": "comment", "config": {"text": "placeholder"}}]}""");
        var second = await tenant.CreateAsync(CallsSubflow("pong", first));
        var saved = await tenant.PutAsync($"/api/workflows/{first}", CallsSubflow("ping", second));
        Assert.True(saved.Status == HttpStatusCode.OK, $"{(int)saved.Status} {saved.Body}");
        var execution = await tenant.StartAsync(first, new JsonObject());
        var ended = await tenant.WaitForEndAsync(execution, EndBound);
        Assert.Equal("failed", ended["status"]!.GetValue<string>());
        var all = await AllAsync(tenant);
        Assert.Equal(2, all.Count); // ping and its pong child; pong may not start ping again
        Assert.Contains("subflow_cycle", all.Select(ErrorCodeOf).OfType<string>());
    });

    [Fact]
    public Task OneStringRepeatingALargeInput_StopsWhileRendering() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-render");
        var repeated = string.Concat(Enumerable.Repeat("{{ $.input.seed }}", 200));
        var id = await tenant.CreateAsync(AddField("big", $"\"{repeated}\""));
        var execution = await tenant.StartAsync(id, new JsonObject { ["seed"] = new string('x', 100_000) });
        // Rendered text has its own cap (a million characters), below the output budget.
        var ended = await tenant.WaitForEndAsync(execution, EndBound);
        AssertFailedWith(ended, "step_configuration_error");
        Assert.Contains("longer than", ended["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    });

    [Fact]
    public Task RecursiveSubflow_StopsAtTheDepthLimit_AndEveryLevelEnds() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-recursion");
        var id = await CreateSelfCallingAsync(tenant, recursive: true);
        var root = await tenant.StartAsync(id, new JsonObject());
        var ended = await tenant.WaitForEndAsync(root, EndBound);
        Assert.Equal("failed", ended["status"]!.GetValue<string>());
        // The root's error summarises its child's (code, message, child id), however deep the failure started.
        Assert.True(ended["error"]!.ToJsonString().Length < 4096, $"The root's error is {ended["error"]!.ToJsonString().Length} bytes: {ended["error"]}");
        Assert.Contains("subflow_depth_exceeded", (await AllAsync(tenant)).Select(ErrorCodeOf).OfType<string>());
        var all = await AllAsync(tenant);
        Assert.Equal(11, all.Count); // the root and ten levels of children (SUBFLOW_MAX_DEPTH 10)
        Assert.All(all, e => Assert.Equal("failed", e["status"]!.GetValue<string>()));
        await Task.Delay(1000);
        Assert.Equal(11, (await AllAsync(tenant)).Count); // nothing forks on after the end
    });

    [Fact]
    public Task CancellingAWaitingTreeOfSubflows_EndsEveryDescendant() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-tree");
        var id = await tenant.CreateAsync("""{"name": "tree", "status": "draft", "steps": [{"id": "hold", "type": "wait", "config": {"event": "never"}}]}""");
        var definition = """
            {"name": "tree", "status": "active", "steps": [
              {"id": "check", "type": "condition", "config": {"conditions": [{"condition": "$.input.n < 6", "next": "fork"}], "default": "hold"}},
              {"id": "fork", "type": "parallel", "next_steps": ["left", "right"]},
              {"id": "left", "type": "subflow", "config": {"workflow_id": "__ID__", "recursive": true, "input": {"n": "{{ $.input.n + 1 }}"}}},
              {"id": "right", "type": "wait", "config": {"event": "never"}},
              {"id": "hold", "type": "wait", "config": {"event": "never"}}]}
            """.Replace("__ID__", id, StringComparison.Ordinal);
        var saved = await tenant.PutAsync($"/api/workflows/{id}", definition);
        Assert.True(saved.Status == HttpStatusCode.OK, $"{(int)saved.Status} {saved.Body}");
        var root = await tenant.StartAsync(id, new JsonObject { ["n"] = 0 });
        await WaitUntilAsync(async () => (await AllAsync(tenant)).Count(e => e["status"]!.GetValue<string>() == "waiting") == 7);

        var cancelled = await tenant.PostAsync($"/api/executions/{root}/cancel", "{}");
        Assert.True(cancelled.Status == HttpStatusCode.OK, $"{(int)cancelled.Status} {cancelled.Body}");
        await WaitUntilAsync(async () => (await AllAsync(tenant)).All(e => e["status"]!.GetValue<string>() == "cancelled"));
        Assert.Equal(7, (await AllAsync(tenant)).Count);
    });

    [Fact]
    public Task FieldPathDeeperThanTheJsonBudget_IsRefusedAtSave() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-deep-path");
        var path = string.Join('.', Enumerable.Range(0, 80).Select(i => $"f{i}"));
        var answer = await tenant.PostAsync("/api/workflows", AddField(path, "\"x\""));
        AssertRefusedDefinition(answer, "config.field");
    });

    [Fact]
    public Task FieldPathFromATemplate_DeeperThanTheBudget_FailsTheStep_AndEverythingStaysReadable() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-deep-template");
        var id = await tenant.CreateAsync(AddField("{{ $.input.path }}", "\"x\""));
        var path = string.Join('.', Enumerable.Range(0, 80).Select(i => $"f{i}"));
        var execution = await tenant.StartAsync(id, new JsonObject { ["path"] = path });
        AssertFailedWith(await tenant.WaitForEndAsync(execution, EndBound), "json_too_deep");
        Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync($"/api/executions/{execution}/steps")).Status);
        Assert.Single(await tenant.ExecutionsAsync());
    });

    [Fact]
    public Task InputDeeperThanTheJsonBudget_IsRefusedAtStart() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-deep-input");
        var id = await tenant.CreateAsync(AddField("a", "\"x\""));
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);
        var answer = await tenant.PostAsync($"/api/workflows/{id}/execute", "{\"input\": " + deep + "}");
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.NotNull(answer.ErrorCode);
        Assert.Empty(await tenant.ExecutionsAsync());
    });

    [Theory]
    [InlineData("timeout", "\"50d\"")]
    [InlineData("timeout", "4294968")]
    public Task StepTimeoutBeyondWhatTheRuntimeSupports_IsRefusedAtSave(string field, string value) => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-timeout");
        var answer = await tenant.PostAsync("/api/workflows", """
            {"name": "long", "status": "active", "steps": [{"id": "a", "type": "addField", "__FIELD__": __VALUE__, "config": {"field": "a", "value": 1}}]}
            """.Replace("__FIELD__", field, StringComparison.Ordinal).Replace("__VALUE__", value, StringComparison.Ordinal));
        AssertRefusedDefinition(answer, field);
    });

    [Fact]
    public Task WaitOfMoreThanAYear_IsRefusedAtSave() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-wait");
        var answer = await tenant.PostAsync("/api/workflows", """
            {"name": "long", "status": "active", "steps": [{"id": "a", "type": "wait", "config": {"duration": "400d"}}]}
            """);
        AssertRefusedDefinition(answer, "config.duration");
    });

    [Fact]
    public Task ContextAmplification_FailsWithinTheBudget_AndMemoryStaysBounded() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-amplify");
        var steps = new JsonArray();
        for (var i = 0; i < 10; i++)
        {
            var step = new JsonObject
            {
                ["id"] = $"s{i}", ["type"] = "addField",
                ["config"] = new JsonObject { ["fields"] = new JsonObject { [$"a{i}"] = "{{ $.variables }}", [$"b{i}"] = "{{ $.variables }}" } },
            };
            if (i < 9)
                step["next"] = $"s{i + 1}";
            steps.Add(step);
        }
        var id = await tenant.CreateAsync(new JsonObject { ["name"] = "amplify", ["status"] = "active", ["steps"] = steps }.ToJsonString());
        var seed = new string('x', 100_000);
        var execution = await tenant.StartAsync(id, new JsonObject { ["seed"] = seed });
        var ended = await tenant.WaitForEndAsync(execution, EndBound);
        Assert.Equal("failed", ended["status"]!.GetValue<string>());
        Assert.Contains(ErrorCodeOf(ended), new[] { "step_output_too_large", "context_too_large" });
        Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync($"/api/executions/{execution}")).Status);
    });

    [Fact]
    public Task HugeArrayIndexInAFieldPath_IsRefusedAtSave() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-index");
        AssertRefusedDefinition(await tenant.PostAsync("/api/workflows", AddField("x[10000000]", "1")), "config.field");
        AssertRefusedDefinition(await tenant.PostAsync("/api/workflows", AddField("x[2147483646]", "1")), "config.field");
    });

    [Fact]
    public Task HugeArrayIndexFromATemplate_FailsTheStep() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-index-template");
        var id = await tenant.CreateAsync(AddField("x[{{ $.input.i }}]", "1"));
        var execution = await tenant.StartAsync(id, new JsonObject { ["i"] = 10_000_000 });
        AssertFailedWith(await tenant.WaitForEndAsync(execution, EndBound), "array_index_too_large");
    });

    [Fact]
    public Task NestedLoopsOfAThousandItems_ExhaustTheLoopBudget() => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-loops");
        var items = new JsonArray(Enumerable.Range(0, 1000).Select(i => (JsonNode?)i).ToArray()).ToJsonString();
        var definition = """
            {"name": "loops", "status": "active", "steps": [{"id": "outer", "type": "foreach", "config": {"items": __ITEMS__, "max_items": 1000,
              "step": {"type": "foreach", "config": {"items": __ITEMS__, "max_items": 1000,
                "step": {"type": "foreach", "config": {"items": __ITEMS__, "max_items": 1000,
                  "step": {"type": "addField", "config": {"field": "last", "value": "{{ $.index }}"}}}}}}}}]}
            """.Replace("__ITEMS__", items, StringComparison.Ordinal);
        var answer = await tenant.PostAsync("/api/workflows", definition);
        if (answer.Status == HttpStatusCode.BadRequest)
        {
            AssertRefusedDefinition(answer, "config");
            return;
        }
        Assert.True(answer.Status == HttpStatusCode.Created, $"{(int)answer.Status} {answer.Body}");
        var execution = await tenant.StartAsync(answer.Body!["id"]!.GetValue<string>(), new JsonObject());
        AssertFailedWith(await tenant.WaitForEndAsync(execution, EndBound), "loop_budget_exceeded");
    });

    [Theory]
    [InlineData("http://127.0.0.1:{port}/api/executions")]
    [InlineData("http://2130706433:{port}/api/executions")]
    [InlineData("http://localhost:{port}/api/executions")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/api/executions")]
    public Task HttpStepAgainstThisServer_IsRefused_AndLeaksNothing(string url) => server.WhileBystanderRunsAsync(async () =>
    {
        using var tenant = server.Tenant("hostile-ssrf");
        var target = url.Replace("{port}", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var id = await tenant.CreateAsync("""
            {"name": "ssrf", "status": "active", "steps": [{"id": "steal", "type": "http",
              "config": {"method": "GET", "url": "__URL__", "headers": {"X-Tenant-ID": "bystander"}}}]}
            """.Replace("__URL__", target, StringComparison.Ordinal));
        var execution = await tenant.StartAsync(id, new JsonObject());
        var ended = await tenant.WaitForEndAsync(execution, EndBound);
        AssertFailedWith(ended, "http_target_refused");
        var runs = await tenant.GetAsync($"/api/executions/{execution}/steps");
        Assert.DoesNotContain("bystander", runs.Body!.ToJsonString().Replace("\"X-Tenant-ID\":\"bystander\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
    });

    [Fact]
    public async Task TenantThatWedgesAllItsExecutions_CannotKeepOthersPending()
    {
        using var tenant = server.Tenant("hostile-wedge");
        var id = await tenant.CreateAsync("""{"name": "wedge", "status": "active", "steps": [{"id": "hold", "type": "wait", "config": {"event": "never"}}]}""");
        var started = new List<string>();
        for (var i = 0; i < HostileServer.MaxConcurrentWorkflows; i++)
            started.Add(await tenant.StartAsync(id, new JsonObject()));
        try
        {
            await server.WhileBystanderRunsAsync(() => Task.CompletedTask);
        }
        finally
        {
            foreach (var execution in started)
                await tenant.PostAsync($"/api/executions/{execution}/cancel", "{}");
        }
    }

    private static string AddField(string field, string valueJson) =>
        """{"name": "add", "status": "active", "steps": [{"id": "a", "type": "addField", "config": {"field": "__FIELD__", "value": __VALUE__}}]}"""
            .Replace("__FIELD__", field, StringComparison.Ordinal).Replace("__VALUE__", valueJson, StringComparison.Ordinal);

    private static string CallsSubflow(string name, string workflowId) =>
        """{"name": "__NAME__", "status": "active", "steps": [{"id": "call", "type": "subflow", "config": {"workflow_id": "__ID__"}}]}"""
            .Replace("__NAME__", name, StringComparison.Ordinal).Replace("__ID__", workflowId, StringComparison.Ordinal);

    /// <summary>A workflow whose only step runs the workflow itself as a subflow.</summary>
    private static async Task<string> CreateSelfCallingAsync(TenantClient tenant, bool recursive)
    {
        var id = await tenant.CreateAsync("""{"name": "self", "status": "draft", "steps": [{"id": "a", "type": "comment", "config": {"text": "placeholder"}}]}""");
        var recursion = recursive ? ", \"recursive\": true" : "";
        var saved = await tenant.PutAsync($"/api/workflows/{id}", """
            {"name": "self", "status": "active", "steps": [{"id": "b", "type": "subflow", "config": {"workflow_id": "__ID__"__RECURSION__}}]}
            """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__RECURSION__", recursion, StringComparison.Ordinal));
        Assert.True(saved.Status == HttpStatusCode.OK, $"{(int)saved.Status} {saved.Body}");
        return id;
    }

    private static async Task<List<JsonObject>> AllAsync(TenantClient tenant) =>
        (await tenant.ExecutionsAsync()).Select(e => e!.AsObject()).ToList();

    private static string? ErrorCodeOf(JsonObject execution) => execution["error"]?["code"]?.GetValue<string>();

    private static void AssertFailedWith(JsonObject execution, string code)
    {
        Assert.True(execution["status"]!.GetValue<string>() == "failed" && ErrorCodeOf(execution) == code,
            $"Expected a failed execution with {code}, got {execution["status"]}: {execution["error"]}");
    }

    private static void AssertRefusedDefinition(TenantClient.Answer answer, string field)
    {
        Assert.True(answer.Status == HttpStatusCode.BadRequest && answer.ErrorCode == "invalid_workflow_definition",
            $"Expected 400 invalid_workflow_definition, got {(int)answer.Status} {answer.Body}");
        Assert.Contains(field, answer.Body!["error"]!["details"]!.ToJsonString(), StringComparison.Ordinal);
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < EndBound, $"The condition did not hold within {EndBound.TotalSeconds} s:\n{server.Tail}");
            await Task.Delay(200);
        }
    }
}
