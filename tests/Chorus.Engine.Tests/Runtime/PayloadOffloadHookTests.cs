using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>The engine's payload offload hook: a completed output over the threshold is handed over once, outside the
/// commit, and what comes back is what the context, the step run and the execution's output hold; smaller outputs
/// are never handed over; an offload that fails fails the attempt.</summary>
public sealed class PayloadOffloadHookTests
{
    /// <summary>Keeps outputs in memory and answers a small stand-in naming the step.</summary>
    private sealed class MemoryOffload(long threshold, bool fail = false) : IPayloadOffload
    {
        public ConcurrentQueue<StepOutput> Calls { get; } = new();

        public long ThresholdBytes => threshold;

        public Task<JsonNode?> OffloadAsync(StepOutput output, CancellationToken ct)
        {
            Calls.Enqueue(output);
            return fail ? throw new IOException("disk full") : Task.FromResult<JsonNode?>(new JsonObject { ["kept"] = output.StepId });
        }
    }

    private const string Workflow = """
        {"name": "offload", "steps": [
          {"id": "big", "type": "code", "retry": {"max_attempts": 1}, "config": {"code": "return {text: 'x'.repeat(3000)};"}, "next": "small"},
          {"id": "small", "type": "code", "config": {"code": "return {ok: true};"}}
        ]}
        """;

    private static async Task<(ExecutionRecord Done, IReadOnlyList<StepRunRecord> Runs)> RunAsync(MemoryOffload offload)
    {
        await using var h = await EngineHarness.StartAsync(services: s => s.AddSingleton<IPayloadOffload>(offload));
        var id = await h.StartAsync(await h.CreateWorkflowAsync(Workflow));
        var done = await h.WaitAsync(id, e => e.IsTerminal, "the execution to end");
        return (done, await h.RunsAsync(id));
    }

    [Fact]
    public async Task AnOutputOverTheThreshold_IsReplacedByWhatTheOffloadGives_SmallerOnesAreNotHandedOver()
    {
        var offload = new MemoryOffload(threshold: 1024);

        var (done, runs) = await RunAsync(offload);

        Assert.Equal(ExecutionStatus.Completed, done.Status);
        var call = Assert.Single(offload.Calls);
        Assert.Equal(("big", done.Id, 1), (call.StepId, call.ExecutionId, call.Attempt));
        Assert.Equal(new string('x', 3000), (string?)call.Output["text"]);
        Assert.Equal("""{"kept":"big"}""", done.Context["big"]!.ToJsonString());
        Assert.Equal("""{"kept":"big"}""", runs.Single(r => r.StepId == "big").Output!.ToJsonString());
        Assert.Equal("""{"ok":true}""", done.Context["small"]!.ToJsonString());
    }

    [Fact]
    public async Task AThresholdOfZero_HandsNothingOver()
    {
        var offload = new MemoryOffload(threshold: 0);

        var (done, _) = await RunAsync(offload);

        Assert.Empty(offload.Calls);
        Assert.Equal(3000, ((string?)done.Context["big"]!["text"])!.Length);
    }

    /// <summary>Such a failure is retryable (the store may take the file next time); one attempt here, as retries wait on the
    /// harness's clock.</summary>
    [Fact]
    public async Task AnOffloadThatFails_FailsTheAttempt()
    {
        var (done, runs) = await RunAsync(new MemoryOffload(threshold: 1024, fail: true));

        Assert.Equal(ExecutionStatus.Failed, done.Status);
        var big = runs.Last(r => r.StepId == "big");
        Assert.Equal("failed", big.Status);
        Assert.Contains("could not be stored", big.Error?.ToJsonString() ?? "", StringComparison.Ordinal);
    }
}
