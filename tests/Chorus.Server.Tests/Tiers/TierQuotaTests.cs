using System.Net;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Server.Tests.Tiers;

/// <summary>The limits of a tier that the engine applies while executions run: concurrent executions (queued as
/// pending, never refused, without delaying other tenants), the execution time limit, log detail, and history.</summary>
public sealed class TierQuotaTests(FreeTierServer server) : IClassFixture<FreeTierServer>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    private async Task AsOperator(HttpMethod method, string path, JsonNode body) =>
        (await _client.Send(method, path, _tenant, ApiCalls.Json(body),
            headers: [new("Authorization", $"Bearer {TestTokens.For(_tenant, Role.Operator)}")])).Expect(HttpStatusCode.OK);

    private async Task<string> StatusOf(string tenant, string id) =>
        (await _client.Get($"/api/executions/{id}", tenant)).Expect(HttpStatusCode.OK).Str("status")!;

    [Fact]
    public async Task ThirdExecution_OnTheFreeTier_WaitsAsPending_WithoutDelayingAnotherTenant_AndStartsWhenOneEnds()
    {
        var other = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(_tenant, Definitions.WaitForEvent("go"));
        var otherWorkflow = await _client.CreateWorkflow(other, Definitions.WaitForEvent("go"));
        var first = await _client.Execute(_tenant, workflow);
        var second = await _client.Execute(_tenant, workflow);
        await _client.WaitForStatus(_tenant, first, "waiting");
        await _client.WaitForStatus(_tenant, second, "waiting");

        var third = await _client.Execute(_tenant, workflow);
        var othersFirst = await _client.Execute(other, otherWorkflow);

        Assert.Equal("pending", await StatusOf(_tenant, third));
        await _client.WaitForStatus(other, othersFirst, "waiting");
        var logs = (await _client.Get($"/api/executions/{third}/logs", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Contains(logs.Node("items")!.AsArray(), l => ((string?)l!["message"])!.Contains("allows 2 concurrent executions", StringComparison.Ordinal));

        (await _client.Post($"/api/executions/{first}/events", _tenant, new JsonObject { ["name"] = "go", ["data"] = new JsonObject() }))
            .Expect(HttpStatusCode.Accepted);
        await _client.WaitForCompletion(_tenant, first);
        await _client.WaitForStatus(_tenant, third, "waiting");
        Assert.Equal("waiting", await StatusOf(_tenant, second));
    }

    [Fact]
    public async Task RaisedConcurrency_AdmitsMoreOfTheTenant()
    {
        await AsOperator(HttpMethod.Put, "/api/tiers/three-at-once", new JsonObject { ["max_concurrent_executions"] = 3 });
        await AsOperator(HttpMethod.Put, $"/api/tenants/{_tenant}/tier", new JsonObject { ["tier"] = "three-at-once" });
        var workflow = await _client.CreateWorkflow(_tenant, Definitions.WaitForEvent("go"));

        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
            ids.Add(await _client.Execute(_tenant, workflow));

        foreach (var id in ids[..3])
            await _client.WaitForStatus(_tenant, id, "waiting");
        Assert.Equal("pending", await StatusOf(_tenant, ids[3]));
    }

    [Fact]
    public async Task ExecutionLongerThanTheTiersTimeLimit_EndsWithTimeout()
    {
        await AsOperator(HttpMethod.Put, "/api/tiers/one-second", new JsonObject { ["max_execution_seconds"] = 1 });
        await AsOperator(HttpMethod.Put, $"/api/tenants/{_tenant}/tier", new JsonObject { ["tier"] = "one-second" });
        var workflow = await _client.CreateWorkflow(_tenant, Definitions.WaitForEvent("never"));

        var id = await _client.Execute(_tenant, workflow);
        var ended = await _client.WaitForStatus(_tenant, id, "failed");

        Assert.Equal("timeout", ended.Str("error.code"));
        var started = DateTimeOffset.Parse(ended.Str("started_at")!, System.Globalization.CultureInfo.InvariantCulture);
        var deadline = DateTimeOffset.Parse(ended.Str("deadline_at")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromSeconds(1), deadline - started);
    }

    [Fact]
    public async Task FreeTier_KeepsOnlyTheExecutionsOwnLogLines_EnterpriseKeepsEveryStepLine()
    {
        var enterprise = await OnEnterprise();
        var freeRun = await RunGreeting(_tenant);
        var enterpriseRun = await RunGreeting(enterprise);

        var freeLines = await LogLines(_tenant, freeRun);
        var enterpriseLines = await LogLines(enterprise, enterpriseRun);

        Assert.DoesNotContain(freeLines, l => l.StepId is not null);
        Assert.Contains(freeLines, l => l.StepId is null && l.Message.StartsWith("Execution started", StringComparison.Ordinal));
        Assert.Contains(freeLines, l => l.Message == "Execution completed");
        Assert.Contains(enterpriseLines, l => l.StepId is not null && l.Message.Contains("completed in", StringComparison.Ordinal));
    }

    private async Task<string> RunGreeting(string tenant)
    {
        var id = await _client.Execute(tenant, await _client.CreateWorkflow(tenant, Definitions.Greeting()), new JsonObject { ["name"] = "Ada" });
        await _client.WaitForCompletion(tenant, id);
        return id;
    }

    private async Task<List<(string? StepId, string Message)>> LogLines(string tenant, string id) =>
        (await _client.Get($"/api/executions/{id}/logs", tenant)).Expect(HttpStatusCode.OK).Node("items")!.AsArray()
            .Select(l => ((string?)l!["step_id"], (string)l["message"]!)).ToList();

    private async Task<string> OnEnterprise()
    {
        var tenant = ApiCalls.NewTenant();
        (await _client.Send(HttpMethod.Put, $"/api/tenants/{tenant}/tier", tenant, ApiCalls.Json(new JsonObject { ["tier"] = "enterprise" }),
            headers: [new("Authorization", $"Bearer {TestTokens.For(tenant, Role.Operator)}")])).Expect(HttpStatusCode.OK);
        return tenant;
    }

    [Fact]
    public async Task BodyOverTheFreeTiersLimit_IsRefusedWith413_WithOrWithoutALength_AndStartsNothing()
    {
        var enterprise = await OnEnterprise();
        var input = new JsonObject { ["input"] = new JsonObject { ["blob"] = new string('x', 300 * 1024) } };
        var freeWorkflow = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        var enterpriseWorkflow = await _client.CreateWorkflow(enterprise, Definitions.Greeting());

        var declared = await _client.Post($"/api/workflows/{freeWorkflow}/execute", _tenant, input);
        var chunked = await _client.Send(HttpMethod.Post, $"/api/workflows/{freeWorkflow}/execute", _tenant,
            new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(input.ToJsonString()))) { Headers = { ContentType = new("application/json") } });
        var onEnterprise = await _client.Post($"/api/workflows/{enterpriseWorkflow}/execute", enterprise, input);

        declared.ExpectError(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(256 * 1024, declared.Node("error.details.allowed")!.GetValue<int>());
        chunked.ExpectError(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        onEnterprise.Expect(HttpStatusCode.Accepted);
        Assert.Equal(0, (await _client.Get("/api/executions", _tenant)).Expect(HttpStatusCode.OK).Node("total")!.GetValue<int>());
    }

    [Fact]
    public async Task ContextGrowingPastTheFreeTiersQuota_FailsTheStep_WhileEnterpriseCompletes()
    {
        var enterprise = await OnEnterprise();
        var steps = new JsonArray();
        for (var i = 0; i < 6; i++)
            steps.Add(new JsonObject
            {
                ["id"] = $"copy{i}", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = $"copy{i}", ["value"] = "{{input.blob}}" },
                ["next"] = i < 5 ? $"copy{i + 1}" : null,
            });
        var definition = new JsonObject { ["name"] = "copies", ["steps"] = steps };
        var input = new JsonObject { ["blob"] = new string('x', 200 * 1024) };

        var onFree = await _client.Execute(_tenant, await _client.CreateWorkflow(_tenant, definition), input);
        var onEnterprise = await _client.Execute(enterprise, await _client.CreateWorkflow(enterprise, definition.DeepClone().AsObject()), input);

        var failed = await _client.WaitForStatus(_tenant, onFree, "failed");
        Assert.Equal("context_too_large", failed.Str("error.code"));
        Assert.Contains("the tenant's quota", failed.Str("error.message"), StringComparison.Ordinal);
        await _client.WaitForCompletion(enterprise, onEnterprise);
    }

    [Fact]
    public async Task HistoryKept_IsTheTiers_AndFollowsAnUpgrade()
    {
        var policy = server.Services.GetRequiredService<IRetentionPolicy>();
        var tenant = new TenantId(_tenant);

        var onFree = await policy.HistoryLimitAsync(tenant, CancellationToken.None);
        await AsOperator(HttpMethod.Put, $"/api/tenants/{_tenant}/tier", new JsonObject { ["tier"] = "professional" });
        var onProfessional = await policy.HistoryLimitAsync(tenant, CancellationToken.None);

        Assert.True(policy.LimitsHistory);
        Assert.Equal(TimeSpan.FromDays(7), onFree);
        Assert.Equal(TimeSpan.FromDays(30), onProfessional);
    }
}
