using System.Net;
using System.Text.Json.Nodes;
using Chorus.Engine.Steps;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.RemoteSteps;

/// <summary>What the steps services offer, as saving a definition and the available-steps list see it.</summary>
public sealed class RemoteStepCatalogTests
{
    private readonly string _tenant = ApiCalls.NewTenant();

    private static FakeStep FetchUser() => new()
    {
        Name = "fetch_user",
        Description = "Loads a user",
        ConfigSchema = (JsonObject)JsonNode.Parse("""
            {"type": "object", "required": ["user_id"], "properties": {"user_id": {"type": "integer", "minimum": 1}}}
            """)!,
        OutputSchema = (JsonObject)JsonNode.Parse("""{"type": "object", "properties": {"name": {"type": "string"}}}""")!,
    };

    private static JsonObject OneStep(string type, string config) => Definitions.Parse($$"""
        {"name": "one", "steps": [{"id": "only", "type": "{{type}}", "config": {{config}}}]}
        """);

    private sealed class Custom : IStepHandler
    {
        public string Type => "my_custom";

        public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken) =>
            Task.FromResult<StepResult>(StepResult.Done());
    }

    [Fact]
    public async Task Save_TypeNoServiceOffers_RefusedNamingTheServicesAskedAndTheUnreachableOne()
    {
        await using var service = await FakeStepsService.StartAsync(FetchUser());
        var dead = RemoteStepServer.DeadUrl();
        await using var server = await RemoteStepServer.StartAsync([service.Url, dead], tune: o => o with { StartupWait = TimeSpan.FromSeconds(2) });

        var refused = (await server.Client.Post("/api/workflows", _tenant, OneStep("nobody_offers", "{}")))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");
        var action = (await server.Client.Post("/api/workflows", _tenant, Definitions.Parse("""
            {"name": "a", "steps": [{"id": "only", "type": "action", "config": {"action": "nobody_offers"}}]}
            """))).ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");

        foreach (var text in new[] { refused.Text, action.Text })
        {
            Assert.Contains("nobody_offers", text);
            Assert.Contains($"{service.Url.AbsoluteUri.TrimEnd('/')} (offers 1 steps)", text);
            Assert.Contains($"{dead.AbsoluteUri.TrimEnd('/')} (unreachable", text);
        }
    }

    [Fact]
    public async Task Save_ConfigBreakingTheServicesSchema_Refused_PlaceholdersLeftToRunTime()
    {
        await using var service = await FakeStepsService.StartAsync(FetchUser(),
            new FakeStep { Name = "process_data_1", ConfigSchema = (JsonObject)JsonNode.Parse("""{"type": "object", "required": ["batch"]}""")! });
        await using var server = await RemoteStepServer.StartAsync([service.Url]);

        var wrongType = (await server.Client.Post("/api/workflows", _tenant, OneStep("fetch_user", """{"user_id": "abc"}""")))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");
        var missing = (await server.Client.Post("/api/workflows", _tenant, OneStep("fetch_user", "{}")))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");
        var action = (await server.Client.Post("/api/workflows", _tenant, OneStep("action", """{"action": "process_data_1"}""")))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");
        (await server.Client.Post("/api/workflows", _tenant, OneStep("fetch_user", """{"user_id": "{{ input.user_id }}"}""")))
            .Expect(HttpStatusCode.Created);
        (await server.Client.Post("/api/workflows", _tenant, OneStep("action", """{"action": "process_data_1", "batch": 1}""")))
            .Expect(HttpStatusCode.Created);

        Assert.Contains("config.user_id", wrongType.Text);
        Assert.Contains("fetch_user", missing.Text);
        Assert.Contains("batch", action.Text);
    }

    [Fact]
    public async Task Save_StepTheServiceAddsLater_IsFoundByTheNextRead()
    {
        await using var service = await FakeStepsService.StartAsync(FetchUser());
        await using var server = await RemoteStepServer.StartAsync([service.Url]);
        (await server.Client.Post("/api/workflows", _tenant, OneStep("late_step", "{}")))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");

        service.Add(new FakeStep { Name = "late_step" });
        var status = HttpStatusCode.BadRequest;
        for (var tries = 0; tries < 100 && status != HttpStatusCode.Created; tries++)
        {
            await Task.Delay(60);
            status = (await server.Client.Post("/api/workflows", _tenant, OneStep("late_step", "{}"))).Status;
        }

        Assert.Equal(HttpStatusCode.Created, status);
    }

    [Fact]
    public async Task ServiceDownAtStart_IsReadInTheBackgroundOnceItIsUp()
    {
        await using var service = await FakeStepsService.StartAsync(FetchUser());
        await service.StopAsync();
        await using var server = await RemoteStepServer.StartAsync([service.Url],
            tune: o => o with { StartupWait = TimeSpan.FromMilliseconds(200), OnDemandRefreshInterval = TimeSpan.FromHours(1) });
        var readsWhileDown = service.CatalogReads;

        await service.RestartAsync();
        var status = HttpStatusCode.BadRequest;
        for (var tries = 0; tries < 150 && status != HttpStatusCode.Created; tries++)
        {
            await Task.Delay(100);
            status = (await server.Client.Post("/api/workflows", _tenant, OneStep("fetch_user", """{"user_id": 1}"""))).Status;
        }

        Assert.Equal(0, readsWhileDown);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.True(service.CatalogReads >= 1);
    }

    [Fact]
    public async Task AvailableSteps_MergesBuiltInLocalAndRemoteStepsWithTheirSchemas()
    {
        await using var service = await FakeStepsService.StartAsync(FetchUser());
        await using var server = await RemoteStepServer.StartAsync([service.Url], registry => registry.Register(new Custom()));

        var list = (await server.Client.Get("/api/available-steps", _tenant)).Expect(HttpStatusCode.OK);
        var alias = (await server.Client.Get("/available-steps", _tenant)).Expect(HttpStatusCode.OK);

        var steps = list.Node("steps")!.AsArray().Select(s => s!.AsObject()).ToDictionary(s => s["name"]!.GetValue<string>());
        Assert.Equal("built_in", steps["http"]["source"]!.GetValue<string>());
        Assert.Equal("integration", steps["http"]["category"]!.GetValue<string>());
        Assert.Contains("url", steps["http"]["config_schema"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("control_flow", steps["condition"]["category"]!.GetValue<string>());
        Assert.Equal("local", steps["my_custom"]["source"]!.GetValue<string>());
        var remote = steps["fetch_user"];
        Assert.Equal("remote", remote["source"]!.GetValue<string>());
        Assert.Equal(service.Url.AbsoluteUri.TrimEnd('/'), remote["service"]!.GetValue<string>());
        Assert.Equal("Loads a user", remote["description"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(FetchUser().ConfigSchema, remote["config_schema"]));
        Assert.True(JsonNode.DeepEquals(FetchUser().OutputSchema, remote["output_schema"]));
        Assert.All(steps.Values, s => Assert.IsType<JsonObject>(s["config_schema"]));
        Assert.Equal(list.Text, alias.Text);
    }

    [Fact]
    public async Task AvailableSteps_WithoutCredential_Unauthorized()
    {
        await using var service = await FakeStepsService.StartAsync(FetchUser());
        await using var server = await RemoteStepServer.StartAsync([service.Url]);

        foreach (var path in new[] { "/api/available-steps", "/available-steps" })
        {
            var response = await server.Client.Send(HttpMethod.Get, path, null, null,
                headers: [new("Authorization", "Bearer not-a-token")]);
            response.ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
        }
    }
}
