using System.Net;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Chorus.Server.Collections;
using Chorus.Server.Tests.Email;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Collections;

/// <summary>saveRecords and fetchData in workflows on a real server: written and read back, upserts, a retried step that
/// replaces rather than duplicates, the caps and refusals at save and at run time, and the editor's schemas.</summary>
public sealed class CollectionStepsTests : IAsyncLifetime
{
    private ChorusTestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await ChorusTestServer.StartAsync(configure: o => o with
    {
        Collections = new CollectionSettings { MaxRecordsPerCollection = 5, MaxCollectionsPerTenant = 3 },
        // Small enough that a page of a few large records passes it.
        Engine = o.Engine with { Limits = o.Engine.Limits with { MaxStepOutputBytes = 150_000 } },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    internal static JsonObject Workflow(params string[] steps) => Definitions.Parse($$"""
        {"name": "data-{{Guid.NewGuid():N}}", "steps": [{{string.Join(",", steps)}}]}
        """);

    private static string Step(string id, string type, string config, int attempts = 1, string? next = null) =>
        $$"""{"id": "{{id}}", "type": "{{type}}", {{(next is null ? "" : $"\"next\": \"{next}\", ")}}"retry": {"max_attempts": {{attempts}}, "initial_interval": "10ms"}, "config": {{config}}}""";

    [Fact]
    public async Task SavedRecords_AreFetchedBack_FilteredOrderedAndPaged()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = Workflow(
            Step("save", "saveRecords", """{"collection": "people", "records": "{{ $.input.people }}", "key": "email"}""", next: "adults"),
            Step("adults", "fetchData", """{"collection": "people", "filter": {"age": {"gte": "{{ $.input.min_age }}"}, "address.city": "Lyon"}, "order_by": "age", "order": "desc", "limit": 1}"""));
        var people = JsonNode.Parse("""
            [{"email": "ann@x.io", "age": 34, "address": {"city": "Lyon"}}, {"email": "bob@x.io", "age": 17, "address": {"city": "Lyon"}},
             {"email": "cid@x.io", "age": 52, "address": {"city": "Lyon"}}, {"email": "dee@x.io", "age": 40, "address": {"city": "Paris"}}]
            """);

        var run = await EmailTestSupport.RunAsync(Client, tenant, workflow, new JsonObject { ["people"] = people, ["min_age"] = 18 });

        Assert.Equal("completed", run.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"collection": "people", "saved": 4, "inserted": 4, "updated": 0, "ids": ["ann@x.io", "bob@x.io", "cid@x.io", "dee@x.io"]}
            """), run.Output("save")), run.Output("save")?.ToJsonString());
        var fetched = run.Output("adults")!;
        Assert.Equal(2, (int)fetched["total"]!);
        Assert.Equal(1, (int)fetched["count"]!);
        Assert.Equal("cid@x.io", (string?)fetched["records"]![0]!["id"]);
        Assert.Equal(52, (int)fetched["records"]![0]!["data"]!["age"]!);
        var cursor = (string?)fetched["next_cursor"];
        Assert.NotNull(cursor);

        var next = await EmailTestSupport.RunAsync(Client, tenant, Workflow(Step("page2", "fetchData",
            $$"""{"collection": "people", "filter": {"age": {"gte": 18}, "address.city": "Lyon"}, "order_by": "age", "order": "desc", "limit": 1, "cursor": "{{cursor}}"}""")));
        Assert.Equal("ann@x.io", (string?)next.Output("page2")!["records"]![0]!["id"]);
        Assert.Null(next.Output("page2")!["next_cursor"]);
    }

    [Fact]
    public async Task AKeyedSave_RunAgain_ReplacesTheRecords()
    {
        var tenant = ApiCalls.NewTenant();
        var workflowId = await Client.CreateWorkflow(tenant, Workflow(Step("save", "saveRecords",
            """{"collection": "stock", "records": "{{ $.input.items }}", "key": "sku"}""")));

        var first = await EmailTestSupport.RunExistingAsync(Client, tenant, workflowId, JsonNode.Parse("""{"items": [{"sku": "A", "qty": 1}, {"sku": 7, "qty": 2}]}"""));
        var second = await EmailTestSupport.RunExistingAsync(Client, tenant, workflowId, JsonNode.Parse("""{"items": {"sku": "A", "qty": 5}}"""));

        Assert.Equal((2, 0), ((int)first.Output("save")!["inserted"]!, (int)first.Output("save")!["updated"]!));
        Assert.Equal((0, 1), ((int)second.Output("save")!["inserted"]!, (int)second.Output("save")!["updated"]!));
        var records = (await Client.Get("/api/collections/stock/records?order_by=sku", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(2, records.Node("total")!.GetValue<long>());
        Assert.Equal(7, records.Node("records.0.data.sku")!.GetValue<int>());
        Assert.Equal(5, records.Node("records.1.data.qty")!.GetValue<int>());
    }

    [Fact]
    public async Task WithoutAKey_TheSameStepRunAgain_ReplacesWhatItWrote_WhileAnotherExecutionAdds()
    {
        var store = (ICollectionStore)_server.Services.GetService(typeof(ICollectionStore))!;
        var handler = new SaveRecordsStep(store, new CollectionSettings());
        var tenant = new Chorus.Engine.TenantId(ApiCalls.NewTenant());
        var step = new StepDefinition { Id = "save", Name = "save", Type = "saveRecords",
            Config = JsonNode.Parse("""{"collection": "events", "records": [{"n": 1}, {"n": 2}]}""")!.AsObject() };
        StepExecutionContext Attempt(Guid execution, int attempt) => new()
        {
            Tenant = tenant, ExecutionId = execution, WorkflowId = Guid.NewGuid(), Step = step, Attempt = attempt,
            Data = new JsonObject(), Services = new ServerStepServices(),
        };
        var execution = Guid.NewGuid();

        var first = Assert.IsType<StepResult.Completed>(await handler.ExecuteAsync(Attempt(execution, 1), CancellationToken.None));
        var crashedAndRunAgain = Assert.IsType<StepResult.Completed>(await handler.ExecuteAsync(Attempt(execution, 1), CancellationToken.None));
        var retried = Assert.IsType<StepResult.Completed>(await handler.ExecuteAsync(Attempt(execution, 2), CancellationToken.None));
        var otherExecution = Assert.IsType<StepResult.Completed>(await handler.ExecuteAsync(Attempt(Guid.NewGuid(), 1), CancellationToken.None));

        Assert.Equal(2, (int)first.Output!["inserted"]!);
        Assert.Equal((0, 2), ((int)crashedAndRunAgain.Output!["inserted"]!, (int)crashedAndRunAgain.Output!["updated"]!));
        Assert.Equal(0, (int)retried.Output!["inserted"]!);
        Assert.True(JsonNode.DeepEquals(first.Output!["ids"], retried.Output!["ids"]));
        Assert.Equal(2, (int)otherExecution.Output!["inserted"]!);
        Assert.Equal(4, (await store.GetCollectionAsync(tenant, "events", CancellationToken.None))!.RecordCount);
    }

    [Fact]
    public async Task AWriteOverTheCollectionsCap_FailsWithoutRetries_AndWritesNothing()
    {
        var tenant = ApiCalls.NewTenant();
        var save = """{"collection": "capped", "records": "{{ $.input.rows }}"}""";
        var ok = await EmailTestSupport.RunAsync(Client, tenant, Workflow(Step("save", "saveRecords", save, attempts: 3)),
            JsonNode.Parse("""{"rows": [{"a": 1}, {"a": 2}, {"a": 3}]}"""));
        var over = await EmailTestSupport.RunAsync(Client, tenant, Workflow(Step("save", "saveRecords", save, attempts: 3)),
            JsonNode.Parse("""{"rows": [{"a": 4}, {"a": 5}, {"a": 6}]}"""));

        Assert.Equal("completed", ok.Status);
        Assert.Equal("failed", over.Status);
        Assert.Equal("collection_full", over.Ended.Str("error.code"));
        Assert.Equal(1, over.Attempts("save"));
        Assert.Equal(3, (await Client.Get("/api/collections/capped", tenant)).Expect(HttpStatusCode.OK).Node("record_count")!.GetValue<long>());
    }

    [Fact]
    public async Task TooManyCollections_OrAnotherKey_FailWithTheirCodes()
    {
        var tenant = ApiCalls.NewTenant();
        foreach (var name in new[] { "c1", "c2", "c3" })
            Assert.Equal("completed", (await EmailTestSupport.RunAsync(Client, tenant, Workflow(Step("save", "saveRecords", $$"""{"collection": "{{name}}", "records": {"id": 1}, "key": "id"}""")))).Status);

        var fourth = await EmailTestSupport.RunAsync(Client, tenant, Workflow(Step("save", "saveRecords", """{"collection": "c4", "records": {"id": 1}}""")));
        var otherKey = await EmailTestSupport.RunAsync(Client, tenant, Workflow(Step("save", "saveRecords", """{"collection": "c1", "records": {"id": 1, "sku": "x"}, "key": "sku"}""")));

        Assert.Equal("too_many_collections", fourth.Ended.Str("error.code"));
        Assert.Equal("collection_key_mismatch", otherKey.Ended.Str("error.code"));
        Assert.Contains("keyed by 'id'", otherKey.Ended.Str("error.message"));
    }

    [Theory]
    [InlineData("""{"records": [{"a": 1}]}""", "config.collection")]
    [InlineData("""{"collection": "has space", "records": [{"a": 1}]}""", "config.collection")]
    [InlineData("""{"collection": "x", "records": "not a placeholder"}""", "config.records")]
    [InlineData("""{"collection": "x"}""", "config.records")]
    [InlineData("""{"collection": "x", "records": [], "key": "a..b"}""", "config.key")]
    [InlineData("""{"collection": "x", "records": [], "keys": "a"}""", "config.keys")]
    public async Task BadSaveRecordsConfig_IsRefusedAtSave(string config, string field)
    {
        var answer = (await Client.Post("/api/workflows", ApiCalls.NewTenant(), Workflow(Step("s", "saveRecords", config))))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");

        Assert.Contains(field, answer.Text);
    }

    [Theory]
    [InlineData("""{"collection": "x", "filter": {"age": {"between": [1, 2]}}}""", "config.filter.age.between")]
    [InlineData("""{"collection": "x", "filter": {"age": {"gt": [1]}}}""", "config.filter.age.gt")]
    [InlineData("""{"collection": "x", "filter": {"a'b": 1}}""", "config.filter.a'b")]
    [InlineData("""{"collection": "x", "filter": {"tags": {"in": "a"}}}""", "config.filter.tags.in")]
    [InlineData("""{"collection": "x", "filter": [1]}""", "config.filter")]
    [InlineData("""{"collection": "x", "limit": 5000}""", "config.limit")]
    [InlineData("""{"collection": "x", "order": "sideways"}""", "config.order")]
    [InlineData("""{"collection": "x", "offset": 1, "cursor": "bzox"}""", "config.cursor")]
    [InlineData("""{"collection": "x", "cursor": "not-ours"}""", "config.cursor")]
    [InlineData("""{"filter": {}}""", "config.collection")]
    public async Task BadFetchDataConfig_IsRefusedAtSave(string config, string field)
    {
        var answer = (await Client.Post("/api/workflows", ApiCalls.NewTenant(), Workflow(Step("s", "fetchData", config))))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");

        Assert.Contains(field, answer.Text);
    }

    [Theory]
    [InlineData("""{"rows": "text"}""", "config.records must give an object or a list")]
    [InlineData("""{"rows": [{"a": 1}, 5]}""", "config.records[1] is a number")]
    [InlineData("""{"rows": [{"sku": null}]}""", "config.records[0].sku is the key")]
    public async Task RecordsThatAreNotRecords_FailAtRunTime_WithoutRetries(string input, string message)
    {
        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(),
            Workflow(Step("save", "saveRecords", """{"collection": "x", "records": "{{ $.input.rows }}", "key": "sku"}""", attempts: 3)), JsonNode.Parse(input));

        Assert.Equal("step_configuration_error", run.Ended.Str("error.code"));
        Assert.Contains(message, run.Ended.Str("error.message"));
        Assert.Equal(1, run.Attempts("save"));
    }

    [Fact]
    public async Task OversizedWrites_FailAtRunTime_AndWriteNothing()
    {
        var tenant = ApiCalls.NewTenant();
        var huge = new JsonObject { ["rows"] = new JsonArray(new JsonObject { ["blob"] = new string('x', CollectionSettings.MaxRecordBytes) }) };
        var many = new JsonObject { ["rows"] = new JsonArray([.. Enumerable.Range(0, CollectionSettings.MaxRecordsPerWrite + 1).Select(i => (JsonNode?)new JsonObject { ["i"] = i })]) };
        var workflowId = await Client.CreateWorkflow(tenant, Workflow(Step("save", "saveRecords", """{"collection": "big", "records": "{{ $.input.rows }}"}""")));

        var tooBig = await EmailTestSupport.RunExistingAsync(Client, tenant, workflowId, huge);
        var tooMany = await EmailTestSupport.RunExistingAsync(Client, tenant, workflowId, many);

        Assert.Contains("a record takes at most 65,536", tooBig.Ended.Str("error.message"));
        Assert.Contains("at most 1,000 records at once", tooMany.Ended.Str("error.message"));
        (await Client.Get("/api/collections/big", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task APageLargerThanAStepsOutputMayBe_FailsTheFetch_AsStepOutputTooLarge()
    {
        var tenant = ApiCalls.NewTenant();
        var saveId = await Client.CreateWorkflow(tenant, Workflow(Step("save", "saveRecords", """{"collection": "blobs", "records": "{{ $.input.row }}"}""")));
        for (var i = 0; i < 3; i++)
            Assert.Equal("completed", (await EmailTestSupport.RunExistingAsync(Client, tenant, saveId,
                new JsonObject { ["row"] = new JsonObject { ["blob"] = new string((char)('a' + i), 60_000) } })).Status);

        var fetch = await EmailTestSupport.RunAsync(Client, tenant, Workflow(Step("read", "fetchData", """{"collection": "blobs"}""")));
        var smaller = await EmailTestSupport.RunAsync(Client, tenant, Workflow(Step("read", "fetchData", """{"collection": "blobs", "limit": 2}""")));

        Assert.Equal("step_output_too_large", fetch.Ended.Str("error.code"));
        Assert.Equal("completed", smaller.Status);
        Assert.Equal(3, (int)smaller.Output("read")!["total"]!);
    }

    [Fact]
    public async Task AvailableSteps_DescribeBothSteps_WithConfigAndOutputSchemas()
    {
        var steps = (await Client.Get("/api/available-steps", ApiCalls.NewTenant())).Expect(HttpStatusCode.OK).Body["steps"]!.AsArray();

        foreach (var (type, required) in new[] { ("saveRecords", "records"), ("fetchData", "collection") })
        {
            var step = steps.Single(s => (string?)s!["name"] == type)!;
            Assert.Equal("data", (string?)step["category"]);
            Assert.Contains(required, step["config_schema"]!["required"]!.AsArray().Select(r => (string?)r));
            Assert.NotNull(step["output_schema"]!["properties"]!["records"] ?? step["output_schema"]!["properties"]!["ids"]);
        }
    }

    private static List<JsonNode> JsonBlocks(string type)
    {
        var page = File.ReadAllText(Path.Combine(Telemetry.DashboardTests.RepositoryRoot(), "docs", "steps", type + ".md")).ReplaceLineEndings("\n");
        return [.. System.Text.RegularExpressions.Regex.Matches(page, @"^```json\n(.*?)^```", System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => JsonNode.Parse(m.Groups[1].Value)!)];
    }

    [Fact]
    public async Task TheSaveRecordsPage_Example_GivesTheOutputItStates_AndASecondRunReplaces()
    {
        var blocks = JsonBlocks("saveRecords");
        var tenant = ApiCalls.NewTenant();
        var workflowId = await Client.CreateWorkflow(tenant, new JsonObject { ["name"] = "documented", ["steps"] = new JsonArray(blocks[0].DeepClone()) });
        var input = JsonNode.Parse("""{"customers": [{"email": "ada@example.org", "name": "Ada", "plan": "pro"}, {"email": "grace@example.org", "name": "Grace", "plan": "free"}]}""");

        var first = await EmailTestSupport.RunExistingAsync(Client, tenant, workflowId, input);
        var again = await EmailTestSupport.RunExistingAsync(Client, tenant, workflowId, JsonNode.Parse("""{"customers": [{"email": "ada@example.org", "name": "Ada", "plan": "team"}]}"""));

        Assert.True(JsonNode.DeepEquals(blocks[1], first.Output("save_customers")), first.Output("save_customers")?.ToJsonString());
        Assert.Equal((0, 1), ((int)again.Output("save_customers")!["inserted"]!, (int)again.Output("save_customers")!["updated"]!));
    }

    [Fact]
    public async Task TheFetchDataPage_Example_ReadsTheRecordsItStates()
    {
        var step = JsonBlocks("fetchData")[0];
        var tenant = ApiCalls.NewTenant();
        var orders = JsonNode.Parse("""
            [{"ref": "A-1", "status": "paid", "total": 120, "customer": {"country": "FR"}}, {"ref": "A-2", "status": "paid", "total": 80, "customer": {"country": "DE"}},
             {"ref": "A-3", "status": "open", "total": 300, "customer": {"country": "FR"}}, {"ref": "A-4", "status": "paid", "total": 250, "customer": {"country": "DE"}},
             {"ref": "A-5", "status": "paid", "total": 100, "customer": {"country": "US"}}]
            """);
        var workflow = Workflow(Step("save", "saveRecords", """{"collection": "orders", "records": "{{ $.input.orders }}", "key": "ref"}""", next: (string)step["id"]!),
            step.ToJsonString());

        var run = await EmailTestSupport.RunAsync(Client, tenant, workflow, new JsonObject { ["orders"] = orders, ["min_total"] = 100 });

        var output = run.Output("big_orders")!;
        Assert.Equal(["A-4", "A-1"], output["records"]!.AsArray().Select(r => (string)r!["id"]!));
        Assert.True(JsonNode.DeepEquals(orders![3], output["records"]![0]!["data"]));
        Assert.Equal((2, 2L), ((int)output["count"]!, (long)output["total"]!));
        Assert.Null(output["next_cursor"]);
    }

    private sealed class ServerStepServices : IStepServices
    {
        public TimeProvider Time => TimeProvider.System;
        public Chorus.Engine.Outbound.OutboundHttp Http => throw new InvalidOperationException("saveRecords makes no HTTP call.");
        public StepRegistry Registry => BuiltInSteps.CreateRegistry();
    }
}
