using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

public sealed class RetentionJobTests
{
    private const string Counting = """{"name": "counted", "steps": [{"id": "a", "name": "A", "type": "count"}]}""";

    [Fact]
    public async Task HostedJob_PrunesOldHistoryInBatches_WhileTheEngineKeepsCommitting()
    {
        await using var h = await EngineHarness.StartAsync(o => o with
        {
            Retention = new RetentionOptions
            {
                History = TimeSpan.FromDays(1), BatchSize = 2, PauseBetweenBatches = TimeSpan.Zero, Interval = TimeSpan.FromMinutes(10),
            },
        });
        var wf = await h.CreateWorkflowAsync(Counting);
        var old = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var id = await h.StartAsync(wf);
            await h.WaitForStatusAsync(id, ExecutionStatus.Completed);
            old.Add(id);
        }

        // Two days on, the job's next round finds them old; meanwhile new executions start and finish.
        h.Clock.Advance(TimeSpan.FromDays(2));
        var fresh = new List<Guid>();
        for (var i = 0; i < 5; i++)
            fresh.Add(await h.StartAsync(wf));
        foreach (var id in fresh)
            await h.WaitForStatusAsync(id, ExecutionStatus.Completed);

        await h.WaitUntilAsync(async () => (await h.ExecutionsOfAsync(wf)).Count == fresh.Count, "the old executions to be pruned", nudge: true);
        foreach (var id in old)
        {
            Assert.Null(await h.Store.GetExecutionAsync(EngineHarness.Tenant, id, CancellationToken.None));
            Assert.Empty(await h.RunsAsync(id));
        }
        foreach (var id in fresh)
            Assert.Single(await h.RunsAsync(id));
    }

    [Fact]
    public async Task HostedJob_WithoutAHistoryLimit_KeepsEverything()
    {
        await using var h = await EngineHarness.StartAsync(o => o with
        {
            Retention = new RetentionOptions { PauseBetweenBatches = TimeSpan.Zero, Interval = TimeSpan.FromMinutes(10) },
        });
        var wf = await h.CreateWorkflowAsync(Counting);
        var id = await h.StartAsync(wf);
        await h.WaitForStatusAsync(id, ExecutionStatus.Completed);

        h.Clock.Advance(TimeSpan.FromDays(400));
        await EngineHarness.QuietPeriodAsync();

        Assert.NotNull(await h.Store.GetExecutionAsync(EngineHarness.Tenant, id, CancellationToken.None));
    }
}
