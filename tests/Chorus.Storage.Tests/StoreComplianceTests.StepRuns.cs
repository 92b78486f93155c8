using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    protected static StepRunRecord StepRun(Guid executionId, string stepId, int attempt, DateTimeOffset startedAt, string status = "completed") => new()
    {
        Tenant = TenantA,
        ExecutionId = executionId,
        StepId = stepId,
        StepName = "Step " + stepId,
        StepType = "action",
        Attempt = attempt,
        Status = status,
        StartedAt = startedAt,
    };

    protected static LogRecord Log(Guid executionId, string message, DateTimeOffset at, string? stepId = null) => new()
    {
        Tenant = TenantA,
        ExecutionId = executionId,
        StepId = stepId,
        Level = "info",
        Message = message,
        At = at,
    };

    private static SignalRecord Signal(Guid executionId, string name, int n) => new()
    {
        Tenant = TenantA,
        ExecutionId = executionId,
        Name = name,
        Data = new JsonObject { ["n"] = n },
        At = T0.AddSeconds(n),
    };

    [Fact]
    public async Task SaveStepRunAsync_AllFields_RoundTrip()
    {
        var id = Guid.NewGuid();
        var run = StepRun(id, "a", 2, T0, "failed") with
        {
            Input = JsonNode.Parse("""{"url": "https://example.test", "n": [1, 2]}"""),
            Output = JsonValue.Create("text"),
            Error = new JsonObject { ["message"] = "timeout", ["retryable"] = true },
            FinishedAt = T0.AddMilliseconds(1234),
        };

        await InTxAsync(tx => tx.SaveStepRunAsync(run));

        var read = Assert.Single(await Store.GetStepRunsAsync(TenantA, id, Ct));
        Assert.Equal((run.Tenant, run.ExecutionId, run.StepId, run.StepName, run.StepType, run.Attempt, run.Status, run.StartedAt, run.FinishedAt),
            (read.Tenant, read.ExecutionId, read.StepId, read.StepName, read.StepType, read.Attempt, read.Status, read.StartedAt, read.FinishedAt));
        Assert.Equal(1234, read.DurationMs);
        AssertJson(run.Input, read.Input);
        AssertJson(run.Output, read.Output);
        AssertJson(run.Error, read.Error);
    }

    [Fact]
    public async Task SaveStepRunAsync_HistoryFields_RoundTrip_AndAReplacedRunTakesTheNewOnes()
    {
        var id = Guid.NewGuid();
        await InTxAsync(tx => tx.SaveStepRunAsync(StepRun(id, "pick", 1, T0, "waiting") with { Sequence = 3, StatusAfter = "waiting" }));
        var bare = Assert.Single(await Store.GetStepRunsAsync(TenantA, id, Ct));
        Assert.Equal((3L, "waiting"), (bare.Sequence, bare.StatusAfter));
        Assert.Null(bare.Variables);
        Assert.Null(bare.Next);

        var completed = StepRun(id, "pick", 1, T0, "completed") with
        {
            Sequence = 7,
            Variables = new JsonObject { ["tier"] = "gold", ["limits"] = new JsonObject { ["max"] = 3 } },
            Next = new JsonArray("left", "right"),
            StatusAfter = "completed",
        };
        await InTxAsync(tx => tx.SaveStepRunAsync(completed));

        var read = Assert.Single(await Store.GetStepRunsAsync(TenantA, id, Ct));
        Assert.Equal((7L, "completed"), (read.Sequence, read.StatusAfter));
        AssertJson(completed.Variables, read.Variables);
        AssertJson(completed.Next, read.Next);
    }

    [Fact]
    public async Task SaveStepRunAsync_SameExecutionStepAndAttempt_ReplacesTheRun()
    {
        var id = Guid.NewGuid();
        await InTxAsync(tx => tx.SaveStepRunAsync(StepRun(id, "a", 1, T0, "waiting")));

        await InTxAsync(tx => tx.SaveStepRunAsync(StepRun(id, "a", 1, T0, "completed") with { Output = new JsonObject { ["ok"] = true }, FinishedAt = T0.AddSeconds(1) }));

        var run = Assert.Single(await Store.GetStepRunsAsync(TenantA, id, Ct));
        Assert.Equal("completed", run.Status);
        AssertJson(new JsonObject { ["ok"] = true }, run.Output);
        Assert.Equal(T0.AddSeconds(1), run.FinishedAt);
    }

    [Fact]
    public async Task SaveStepRunAsync_OtherAttemptOrExecution_AddsSeparateRuns()
    {
        var (id, other) = (Guid.NewGuid(), Guid.NewGuid());

        await InTxAsync(async tx =>
        {
            await tx.SaveStepRunAsync(StepRun(id, "a", 1, T0, "failed"));
            await tx.SaveStepRunAsync(StepRun(id, "a", 2, T0.AddSeconds(1)));
            await tx.SaveStepRunAsync(StepRun(other, "a", 1, T0));
        });

        Assert.Equal([(1, "failed"), (2, "completed")], (await Store.GetStepRunsAsync(TenantA, id, Ct)).Select(r => (r.Attempt, r.Status)));
        Assert.Single(await Store.GetStepRunsAsync(TenantA, other, Ct));
    }

    [Fact]
    public async Task GetStepRunsAsync_SavedOutOfOrder_AreOrderedByStartTime()
    {
        var id = Guid.NewGuid();

        await InTxAsync(async tx =>
        {
            await tx.SaveStepRunAsync(StepRun(id, "c", 1, T0.AddSeconds(3)));
            await tx.SaveStepRunAsync(StepRun(id, "b", 2, T0.AddSeconds(2)));
            await tx.SaveStepRunAsync(StepRun(id, "b", 1, T0.AddSeconds(1)));
            await tx.SaveStepRunAsync(StepRun(id, "z", 1, T0));
        });

        Assert.Equal([("z", 1), ("b", 1), ("b", 2), ("c", 1)], (await Store.GetStepRunsAsync(TenantA, id, Ct)).Select(r => (r.StepId, r.Attempt)));
    }

    [Fact]
    public async Task GetLogsAsync_SeveralLogs_ReturnsThemInInsertionOrderWithAllFields()
    {
        var id = Guid.NewGuid();
        var first = Log(id, "first", T0.AddSeconds(5), "a") with { Level = "warning", Data = new JsonObject { ["k"] = new JsonArray(1, 2) } };

        await InTxAsync(async tx =>
        {
            await tx.InsertLogAsync(first);
            await tx.InsertLogAsync(Log(id, "second", T0));
        });
        await InTxAsync(tx => tx.InsertLogAsync(Log(id, "third", T0.AddSeconds(1))));
        await InTxAsync(tx => tx.InsertLogAsync(Log(Guid.NewGuid(), "elsewhere", T0)));

        var logs = await Store.GetLogsAsync(TenantA, id, Ct);
        Assert.Equal(["first", "second", "third"], logs.Select(l => l.Message));
        Assert.Equal((TenantA, id, "a", "warning", T0.AddSeconds(5)), (logs[0].Tenant, logs[0].ExecutionId, logs[0].StepId, logs[0].Level, logs[0].At));
        AssertJson(first.Data, logs[0].Data);
        Assert.Null(logs[1].StepId);
        Assert.Null(logs[1].Data);
    }

    [Fact]
    public async Task GetEventsAsync_ReturnsOneExecutionsEventsOfItsTenant_OldestFirst_WithAllFields()
    {
        var id = Guid.NewGuid();
        var workflow = Guid.NewGuid();
        EventRecord Event(string type, Chorus.Engine.TenantId tenant, Guid? execution) => new()
        {
            Tenant = tenant, Type = type, ExecutionId = execution, WorkflowId = workflow,
            Payload = new JsonObject { ["event"] = type, ["data"] = new JsonObject { ["n"] = 1 } }, At = T0,
        };

        long first = await InTxAsync(tx => tx.InsertEventAsync(Event("workflow_execution_started", TenantA, id)));
        await InTxAsync(async tx =>
        {
            await tx.InsertEventAsync(Event("workflow_step_completed", TenantA, id) with { At = T0.AddSeconds(1) });
            await tx.InsertEventAsync(Event("workflow_execution_started", TenantA, Guid.NewGuid()));
            await tx.InsertEventAsync(Event("workflow_created", TenantA, null));
            await tx.InsertEventAsync(Event("workflow_execution_started", TenantB, id)); // the same id in another tenant
        });

        var events = await Store.GetEventsAsync(TenantA, id, Ct);
        Assert.Equal(["workflow_execution_started", "workflow_step_completed"], events.Select(e => e.Type));
        Assert.Equal((first, TenantA, (Guid?)id, (Guid?)workflow, T0), (events[0].Id, events[0].Tenant, events[0].ExecutionId, events[0].WorkflowId, events[0].At));
        AssertJson(new JsonObject { ["event"] = "workflow_execution_started", ["data"] = new JsonObject { ["n"] = 1 } }, events[0].Payload);
        Assert.Equal(T0.AddSeconds(1), events[1].At);
        Assert.Single(await Store.GetEventsAsync(TenantB, id, Ct));
        Assert.Empty(await Store.GetEventsAsync(TenantA, Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task InsertEventAsync_SeveralEvents_GetIncreasingIds()
    {
        EventRecord Event(string type) => new()
        {
            Tenant = TenantA, Type = type, ExecutionId = Guid.NewGuid(), Payload = new JsonObject { ["type"] = type }, At = T0,
        };

        var (a, b) = await InTxAsync(async tx => (await tx.InsertEventAsync(Event("a")), await tx.InsertEventAsync(Event("b") with { ExecutionId = null })));
        var c = await InTxAsync(tx => tx.InsertEventAsync(Event("c")));

        Assert.True(a > 0, $"first id {a}");
        Assert.True(a < b && b < c, $"ids {a}, {b}, {c}");
    }

    [Fact]
    public async Task TakeSignalAsync_TwoWithSameName_TakesOldestOnceThenNext()
    {
        var id = Guid.NewGuid();
        await InTxAsync(async tx =>
        {
            await tx.InsertSignalAsync(Signal(id, "approve", 1));
            await tx.InsertSignalAsync(Signal(id, "other", 2));
            await tx.InsertSignalAsync(Signal(id, "approve", 3));
        });

        var first = await InTxAsync(tx => tx.TakeSignalAsync(TenantA, id, "approve"));
        var second = await InTxAsync(tx => tx.TakeSignalAsync(TenantA, id, "approve"));
        var third = await InTxAsync(tx => tx.TakeSignalAsync(TenantA, id, "approve"));

        Assert.NotNull(first);
        Assert.Equal((TenantA, id, "approve", T0.AddSeconds(1)), (first.Tenant, first.ExecutionId, first.Name, first.At));
        AssertJson(new JsonObject { ["n"] = 1 }, first.Data);
        AssertJson(new JsonObject { ["n"] = 3 }, second?.Data);
        Assert.Null(third);
        AssertJson(new JsonObject { ["n"] = 2 }, (await InTxAsync(tx => tx.TakeSignalAsync(TenantA, id, "other")))?.Data);
    }

    [Fact]
    public async Task TakeSignalAsync_OtherExecutionOrTenant_ReturnsNull()
    {
        var id = Guid.NewGuid();
        await InTxAsync(tx => tx.InsertSignalAsync(Signal(id, "approve", 1)));

        Assert.Null(await InTxAsync(tx => tx.TakeSignalAsync(TenantB, id, "approve")));
        Assert.Null(await InTxAsync(tx => tx.TakeSignalAsync(TenantA, Guid.NewGuid(), "approve")));
        Assert.NotNull(await InTxAsync(tx => tx.TakeSignalAsync(TenantA, id, "approve")));
    }

    [Fact]
    public async Task TakeSignalAsync_RolledBack_LeavesTheSignal()
    {
        var id = Guid.NewGuid();
        await InTxAsync(tx => tx.InsertSignalAsync(Signal(id, "approve", 1)));

        await using (var tx = await Store.BeginAsync(Ct))
            Assert.NotNull(await tx.TakeSignalAsync(TenantA, id, "approve"));

        Assert.NotNull(await InTxAsync(tx => tx.TakeSignalAsync(TenantA, id, "approve")));
    }
}
