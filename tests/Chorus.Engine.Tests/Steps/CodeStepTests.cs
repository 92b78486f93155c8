using System.Text.Json.Nodes;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Engine.Tests.Runtime;

namespace Chorus.Engine.Tests.Steps;

/// <summary>The code step on a real engine: what a snippet sees and returns, its console in the log, refusals at
/// save, and hostile snippets that end their step, never the engine, which goes on running the next one.</summary>
public sealed class CodeStepTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string Workflow(string code, string? timeLimit = null) => new JsonObject
    {
        ["name"] = "code",
        ["steps"] = new JsonArray(new JsonObject
        {
            ["id"] = "run", ["name"] = "Run", ["type"] = "code", ["retry"] = new JsonObject { ["max_attempts"] = 3, ["initial_interval"] = "1ms" },
            ["config"] = timeLimit is null ? new JsonObject { ["code"] = code } : new JsonObject { ["code"] = code, ["time_limit"] = timeLimit },
        }),
    }.ToJsonString();

    private async Task<ExecutionRecord> RunAsync(string code, JsonNode? input = null, string? timeLimit = null)
    {
        var workflow = await _h.CreateWorkflowAsync(Workflow(code, timeLimit));
        var id = await _h.StartAsync(workflow, input);
        return await _h.WaitAsync(id, e => e.IsTerminal, "the code step to end");
    }

    [Fact]
    public async Task Snippet_SeesTheContext_ItsReturnValueIsTheOutput_AndItsConsoleLinesAreLogged()
    {
        var done = await RunAsync("""
            const total = input.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
            console.log('total', total, {currency: input.currency});
            console.warn('large order');
            return {total, currency: $.input.currency, vip: variables.vip === true};
            """, JsonNode.Parse("""{"currency": "EUR", "vip": true, "items": [{"price": 2.5, "quantity": 4}, {"price": 1, "quantity": 3}]}"""));

        Assert.Equal(ExecutionStatus.Completed, done.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"total": 13, "currency": "EUR", "vip": true}"""), done.Context["run"]));
        var logs = await _h.Store.GetLogsAsync(EngineHarness.Tenant, done.Id, CancellationToken.None);
        Assert.Contains(logs, l => l is { StepId: "run", Level: "info", Message: """total 13 {"currency":"EUR"}""" });
        Assert.Contains(logs, l => l is { StepId: "run", Level: "warning", Message: "large order" });
    }

    [Fact]
    public async Task TheDocumentedExample_GivesTheDocumentedOutputAndLogLine()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(Definitions.DefinitionFieldsTests.RepositoryRoot(), "docs", "steps", "code.md"));
        var start = page.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var step = JsonNode.Parse(page[start..page.IndexOf("```", start, StringComparison.Ordinal)])!;
        var workflow = await _h.CreateWorkflowAsync(new JsonObject { ["name"] = "documented", ["steps"] = new JsonArray(step) }.ToJsonString());

        var done = await _h.WaitAsync(await _h.StartAsync(workflow, JsonNode.Parse("""{"items": [{"price": 2.5, "quantity": 4}, {"price": 1, "quantity": 3}]}""")),
            e => e.IsTerminal, "the documented example to end");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"total": 13, "vat": 2.6}"""), done.Context["price"]), done.Context.ToJsonString());
        Assert.Contains(await _h.Store.GetLogsAsync(EngineHarness.Tenant, done.Id, CancellationToken.None), l => l.Message == "order total 13");
    }

    [Fact]
    public async Task NothingReturned_GivesANullOutput()
    {
        var done = await RunAsync("const x = 1;");

        Assert.Equal(ExecutionStatus.Completed, done.Status);
        Assert.Null(done.Context["run"]);
    }

    [Fact]
    public async Task AThrownError_FailsTheStepOnce_WithItsMessageAndLine()
    {
        var done = await RunAsync("const a = 1;\nthrow new Error('no stock for ' + input.sku);", JsonNode.Parse("""{"sku": "A-1"}"""));

        Assert.Equal(ExecutionStatus.Failed, done.Status);
        Assert.Equal("code_error", (string?)done.Error!["code"]);
        Assert.Contains("no stock for A-1", (string?)done.Error["message"]);
        Assert.Contains("(line 2)", (string?)done.Error["message"]);
        Assert.Single(await _h.RunsAsync(done.Id)); // not retried: another attempt would throw again
    }

    [Theory]
    [InlineData("while (true) {}", "time limit")]
    [InlineData("function down(n) { return down(n + 1); } return down(0);", "deep")]
    [InlineData("let s = 'x'; while (true) { s = s + s; }", "")]
    [InlineData("const a = []; while (true) { a.push({big: 'x'.repeat(1000)}); }", "")]
    [InlineData("return new Array(2000000000).length;", "")]
    [InlineData("return 'x'.repeat(2 ** 30).length;", "")]
    [InlineData("return /(a+)+$/.test('a'.repeat(40) + '!');", "")]
    public async Task HostileSnippets_EndTheirStep_AndTheEngineRunsTheNextSnippet(string code, string expected)
    {
        var hostile = await RunAsync(code, timeLimit: "300ms");

        Assert.Equal(ExecutionStatus.Failed, hostile.Status);
        Assert.Contains((string?)hostile.Error!["code"], new[] { "code_limit_exceeded", "code_error" });
        Assert.Contains(expected, (string?)hostile.Error["message"]);
        var next = await RunAsync("return 6 * 7;");
        Assert.Equal(42, next.Context["run"]!.GetValue<int>());
    }

    [Fact]
    public async Task Snippets_CannotReachDotNet_NorChangeWhatTheNextSnippetSees()
    {
        var first = await RunAsync("""
            Object.prototype.polluted = 'yes';
            Array.prototype.map = () => 'broken';
            return [typeof System, typeof importNamespace, typeof require, typeof fetch, typeof process];
            """);
        var second = await RunAsync("return [({}).polluted === undefined, [1, 2].map(x => x * 2)];");

        Assert.Equal(["undefined", "undefined", "undefined", "undefined", "undefined"], first.Context["run"]!.AsArray().Select(n => (string?)n));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[true, [2, 4]]"), second.Context["run"]));
    }

    [Theory]
    [InlineData("""{"type": "code", "config": {}}""", "config.code")]
    [InlineData("""{"type": "code", "config": {"code": 42}}""", "config.code")]
    [InlineData("""{"type": "code", "config": {"code": "return {a: ;"}}""", "config.code")]
    [InlineData("""{"type": "code", "config": {"code": "return 1;", "time_limit": "1m"}}""", "config.time_limit")]
    public async Task BadConfig_IsRefusedAtSave(string step, string field)
    {
        var definition = JsonNode.Parse($$"""{"name": "bad", "steps": [{{step.Replace("{\"type\"", "{\"id\": \"run\", \"type\"", StringComparison.Ordinal)}}]}""")!;

        var refused = await Assert.ThrowsAsync<ChorusException>(() => _h.CreateWorkflowAsync(definition.ToJsonString()));

        Assert.Equal(ErrorCodes.InvalidWorkflowDefinition, refused.Code);
        Assert.Contains(field, refused.Details!.ToJsonString());
    }
}
