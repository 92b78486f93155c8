using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Outbound;
using Chorus.Engine.Steps;

namespace Chorus.Engine.Tests.Steps;

/// <summary>A clock that stays where the test puts it.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

internal sealed class TestStepServices : IStepServices
{
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public OutboundHttp Http { get; init; } = SecureHttp;
    public StepRegistry Registry { get; init; } = BuiltInSteps.CreateRegistry();

    /// <summary>Services whose outbound policy lets steps reach the tests' own servers on 127.0.0.1, as
    /// HTTP_ALLOW_PRIVATE=true does on a server; the default stays the secure policy.</summary>
    public static TestStepServices AllowingLocalServers() => new() { Http = LocalHttp };

    // One client per policy for the test run, as the engine holds one; they have no per-test state.
    private static readonly OutboundHttp SecureHttp = new(new OutboundHttpOptions());
    private static readonly OutboundHttp LocalHttp = new(new OutboundHttpOptions { AllowPrivate = true });
}

internal static class StepTestKit
{
    public static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static StepDefinition Step(string type, string config = "{}", string id = "s1",
        IReadOnlyList<string>? next = null, string? conditions = null) => new()
    {
        Id = id,
        Name = id,
        Type = type,
        Config = JsonNode.Parse(config)!.AsObject(),
        NextSteps = next ?? [],
        Conditions = conditions is null ? null : JsonNode.Parse(conditions)!.AsArray(),
    };

    public static StepExecutionContext Context(StepDefinition step, string data = "{}",
        IStepServices? services = null, IReadOnlyList<string>? predecessors = null)
    {
        var root = JsonNode.Parse(data)!.AsObject();
        root.TryAdd("input", new JsonObject());
        root.TryAdd("variables", new JsonObject());
        return new StepExecutionContext
        {
            Tenant = TenantId.Default,
            ExecutionId = Guid.Parse("11111111-2222-3333-4444-555555555555"),
            WorkflowId = Guid.Parse("66666666-7777-8888-9999-000000000000"),
            Step = step,
            Attempt = 1,
            Data = root,
            Predecessors = predecessors ?? [],
            Services = services ?? new TestStepServices { Time = new FixedTimeProvider(Now) },
        };
    }

    public static Task<StepResult> RunAsync(IStepHandler handler, StepDefinition step, string data = "{}",
        IStepServices? services = null, IReadOnlyList<string>? predecessors = null) =>
        handler.ExecuteAsync(Context(step, data, services, predecessors), CancellationToken.None);

    public static IStepHandler Handler(string type) =>
        BuiltInSteps.CreateRegistry().TryGet(type, out var handler) ? handler : throw new InvalidOperationException(type);

    public static StepResult.Completed AssertCompleted(StepResult result) =>
        Assert.IsType<StepResult.Completed>(result);

    public static void AssertJson(string expected, JsonNode? actual) =>
        Assert.Equal(JsonNode.Parse(expected)?.ToJsonString() ?? "null", actual?.ToJsonString() ?? "null");

    public static List<string> Fields(IStepHandler handler, StepDefinition step) =>
        handler.ValidateConfig(step).Select(i => i.Field).ToList();
}
