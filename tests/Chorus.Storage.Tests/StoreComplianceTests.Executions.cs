using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static ExecutionRecord FullExecution()
    {
        var state = new ExecutionState { LastCompleted = "a" };
        state.Steps["a"] = new StepState { Status = StepStatus.Completed, Attempt = 2, RoundStart = 2, StartedAt = T0.AddSeconds(1) };
        state.Steps["b"] = new StepState
        {
            Status = StepStatus.Waiting,
            WaitingFor = "approval",
            SignalKind = "input",
            Child = Guid.NewGuid(),
            InputSchema = new JsonObject { ["type"] = "object" },
        };
        state.Arrivals["join"] = new Dictionary<string, bool> { ["a"] = true, ["c"] = false };
        return new ExecutionRecord
        {
            Tenant = TenantA,
            Id = Guid.NewGuid(),
            WorkflowId = Guid.NewGuid(),
            WorkflowVersion = 3,
            Status = ExecutionStatus.Waiting,
            Mode = ExecutionMode.Manual,
            Input = JsonNode.Parse("""{"order": {"id": 7, "lines": [1, 2.5, "x", null, true]}}"""),
            Context = JsonNode.Parse("""{"input": {"order": {"id": 7}}, "a": {"ok": true, "text": "ünï \"quoted\""}}""")!.AsObject(),
            State = state,
            Output = JsonValue.Create(42),
            Error = new JsonObject { ["message"] = "boom", ["step"] = "a" },
            CurrentStep = "b",
            ParentExecutionId = Guid.NewGuid(),
            ParentStepId = "spawn",
            IsTest = true,
            CreatedAt = T0,
            StartedAt = T0.AddMilliseconds(7),
            CompletedAt = T0.AddMinutes(1).AddMilliseconds(9),
            DeadlineAt = T0.AddHours(1).AddMilliseconds(1),
            TotalSteps = 5,
        };
    }

    private static void AssertSameExecution(ExecutionRecord expected, ExecutionRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(
            (expected.Tenant, expected.Id, expected.WorkflowId, expected.WorkflowVersion, expected.Status, expected.Mode, expected.CurrentStep),
            (actual.Tenant, actual.Id, actual.WorkflowId, actual.WorkflowVersion, actual.Status, actual.Mode, actual.CurrentStep));
        Assert.Equal((expected.ParentExecutionId, expected.ParentStepId, expected.IsTest, expected.TotalSteps),
            (actual.ParentExecutionId, actual.ParentStepId, actual.IsTest, actual.TotalSteps));
        Assert.Equal((expected.CreatedAt, expected.StartedAt, expected.CompletedAt, expected.DeadlineAt),
            (actual.CreatedAt, actual.StartedAt, actual.CompletedAt, actual.DeadlineAt));
        AssertJson(expected.Input, actual.Input);
        AssertJson(expected.Context, actual.Context);
        AssertJson(expected.Output, actual.Output);
        AssertJson(expected.Error, actual.Error);
        AssertState(expected.State, actual.State);
    }

    [Fact]
    public async Task InsertExecutionAsync_Committed_RoundTripsAllFields()
    {
        var execution = FullExecution();

        await InsertAsync(execution);

        var read = await Store.GetExecutionAsync(TenantA, execution.Id, Ct);
        AssertSameExecution(execution, read);
        Assert.Equal(StepStatus.Waiting, read!.State.Steps["b"].Status);
        Assert.Equal("approval", read.State.Steps["b"].WaitingFor);
        Assert.False(read.State.Arrivals["join"]["c"]);
        AssertSameExecution(execution, await InTxAsync(tx => tx.GetExecutionAsync(TenantA, execution.Id)));
    }

    [Fact]
    public async Task InsertExecutionAsync_OptionalFieldsNull_RoundTripAsNull()
    {
        var execution = Execution(TenantA);

        await InsertAsync(execution);

        var read = await Store.GetExecutionAsync(TenantA, execution.Id, Ct);
        AssertSameExecution(execution, read);
        Assert.Null(read!.Input);
        Assert.Null(read.Output);
        Assert.Null(read.Error);
        Assert.Null(read.ParentExecutionId);
        Assert.Null(read.StartedAt);
        Assert.Empty(read.State.Steps);
    }

    [Fact]
    public async Task UpdateExecutionAsync_ChangedFields_AreReadBack()
    {
        var execution = Execution(TenantA);
        await InsertAsync(execution);
        execution.Status = ExecutionStatus.Completed;
        execution.Context = new JsonObject { ["input"] = new JsonObject(), ["a"] = new JsonObject { ["n"] = 1 } };
        execution.State = new ExecutionState { LastCompleted = "a" };
        execution.State.Steps["a"] = new StepState { Status = StepStatus.Completed };
        execution.Output = new JsonObject { ["n"] = 1 };
        execution.Error = new JsonObject { ["message"] = "late" };
        execution.CurrentStep = "a";
        execution.StartedAt = T0.AddSeconds(1);
        execution.CompletedAt = T0.AddSeconds(2);
        execution.DeadlineAt = T0.AddSeconds(3);

        await InTxAsync(tx => tx.UpdateExecutionAsync(execution));

        AssertSameExecution(execution, await Store.GetExecutionAsync(TenantA, execution.Id, Ct));
    }

    /// <summary>The context comes back in the order its fields were written, on both stores (PostgreSQL's jsonb
    /// sorted them, shortest key first), inserted and updated.</summary>
    [Fact]
    public async Task ExecutionContext_KeepsTheOrderOfItsFields()
    {
        var execution = Execution(TenantA);
        execution.Context = new JsonObject { ["input"] = new JsonObject(), ["zebra_step"] = 1, ["b"] = 2 };
        await InsertAsync(execution);
        var inserted = await Store.GetExecutionAsync(TenantA, execution.Id, Ct);
        execution.Context["a"] = 3;
        await InTxAsync(tx => tx.UpdateExecutionAsync(execution));
        var updated = await Store.GetExecutionAsync(TenantA, execution.Id, Ct);

        Assert.Equal(["input", "zebra_step", "b"], inserted!.Context.Select(p => p.Key));
        Assert.Equal(["input", "zebra_step", "b", "a"], updated!.Context.Select(p => p.Key));
    }

    /// <summary>A step's update (same status and times, a new context and state) takes the store's cheaper path on
    /// SQLite; what it changed must be read back, and the indexes that name the status must still find the row.</summary>
    [Fact]
    public async Task UpdateExecutionAsync_OnlyContextAndStateChanged_AreReadBack_AndTheRowStaysInItsIndexes()
    {
        var execution = Execution(TenantA);
        execution.StartedAt = T0.AddSeconds(1);
        await InsertAsync(execution);
        for (var step = 1; step <= 3; step++)
        {
            execution.Context = new JsonObject { ["input"] = new JsonObject(), ["counter"] = step };
            execution.State = new ExecutionState { LastCompleted = $"s{step}" };
            execution.State.Steps[$"s{step}"] = new StepState { Status = StepStatus.Completed, Attempt = 1 };
            execution.CurrentStep = $"s{step + 1}";
            execution.Output = new JsonObject { ["counter"] = step };
            await InTxAsync(tx => tx.UpdateExecutionAsync(execution));
            AssertSameExecution(execution, await Store.GetExecutionAsync(TenantA, execution.Id, Ct));
        }
        Assert.Equal(new SlotHolders(1, 1), await InTxAsync(tx => tx.CountSlotHoldersAsync(TenantA)));
        var running = await Store.ListExecutionsAsync(TenantA, new ExecutionQuery { Status = ExecutionStatus.Running }, Ct);
        Assert.Equal([execution.Id], running.Items.Select(e => e.Id));
    }

    /// <summary>A store may hold an execution's change back until the commit (SQLite writes it once for all the
    /// operations of a group commit): the transaction's own reads, and the counts kept from the rows, must see it.</summary>
    [Fact]
    public async Task UpdateExecutionAsync_IsSeenByTheTransactionsOwnReads_BeforeTheCommit()
    {
        var execution = Execution(TenantA);
        await InsertAsync(execution);

        await InTxAsync(async tx =>
        {
            execution.Status = ExecutionStatus.Completed;
            execution.CompletedAt = T0.AddSeconds(2);
            await tx.UpdateExecutionAsync(execution);
            Assert.Equal(new SlotHolders(0, 0), await tx.CountSlotHoldersAsync(TenantA));
            Assert.Equal(ExecutionStatus.Completed, (await tx.GetExecutionAsync(TenantA, execution.Id))!.Status);

            execution.Context = new JsonObject { ["input"] = new JsonObject(), ["last"] = "change" };
            await tx.UpdateExecutionAsync(execution);
        });

        AssertSameExecution(execution, await Store.GetExecutionAsync(TenantA, execution.Id, Ct));
    }

    /// <summary>The change of an earlier operation of the transaction survives a later one's rollback to its
    /// savepoint, and the later one's change of the same execution (the same record, as the engine keeps it) does not.</summary>
    [Fact]
    public async Task UpdateExecutionAsync_BeforeASavepoint_SurvivesARollbackToIt()
    {
        var execution = Execution(TenantA);
        await InsertAsync(execution);

        await InTxAsync(async tx =>
        {
            execution.Context = new JsonObject { ["input"] = new JsonObject(), ["kept"] = 1 };
            await tx.UpdateExecutionAsync(execution);
            await tx.SavepointAsync("op2");
            execution.Context["undone"] = 2;
            execution.Status = ExecutionStatus.Failed;
            await tx.UpdateExecutionAsync(execution);
            await tx.RollbackToSavepointAsync("op2");
            await tx.ReleaseSavepointAsync("op2");
        });

        var stored = (await Store.GetExecutionAsync(TenantA, execution.Id, Ct))!;
        Assert.Equal(ExecutionStatus.Running, stored.Status);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["input"] = new JsonObject(), ["kept"] = 1 }, stored.Context), stored.Context.ToJsonString());
    }

    /// <summary>Each column an index names, changed alone (to and from null where it may be null), with the context
    /// changed too: none of these changes may be lost to the update that leaves indexed columns alone.</summary>
    [Fact]
    public async Task UpdateExecutionAsync_OneIndexedFieldChangedAtATime_IsReadBack()
    {
        var execution = Execution(TenantA, status: ExecutionStatus.Pending);
        await InsertAsync(execution);
        var n = 0;
        async Task UpdateAndCheck(Action<ExecutionRecord> change)
        {
            change(execution);
            execution.Context = new JsonObject { ["input"] = new JsonObject(), ["n"] = ++n };
            await InTxAsync(tx => tx.UpdateExecutionAsync(execution));
            var read = await Store.GetExecutionAsync(TenantA, execution.Id, Ct);
            AssertSameExecution(execution, read);
            Assert.Equal(execution.AwaitsWorkflowSlot, read!.AwaitsWorkflowSlot);
        }

        await UpdateAndCheck(e => e.AwaitsWorkflowSlot = true);
        await UpdateAndCheck(e => e.AwaitsWorkflowSlot = false);
        await UpdateAndCheck(e => e.Status = ExecutionStatus.Running);
        await UpdateAndCheck(e => e.StartedAt = T0.AddSeconds(1));
        await UpdateAndCheck(e => e.DeadlineAt = T0.AddHours(1));
        await UpdateAndCheck(e => e.DeadlineAt = T0.AddHours(2));
        await UpdateAndCheck(e => e.DeadlineAt = null);
        await UpdateAndCheck(e => e.StartedAt = null);
        await UpdateAndCheck(e => e.CompletedAt = T0.AddMinutes(1));
        await UpdateAndCheck(e => e.CompletedAt = null);
        await UpdateAndCheck(e => e.Status = ExecutionStatus.Completed);
        Assert.Equal(new SlotHolders(0, 0), await InTxAsync(tx => tx.CountSlotHoldersAsync(TenantA)));
    }

    [Fact]
    public async Task GetExecutionAsync_UnknownId_ReturnsNull() =>
        Assert.Null(await Store.GetExecutionAsync(TenantA, Guid.NewGuid(), Ct));

    /// <summary>Five executions a minute apart, newest last: e[3] is a test run.</summary>
    private async Task<(Guid Wf1, Guid Wf2, ExecutionRecord[] E)> SeedExecutionsAsync()
    {
        var (wf1, wf2) = (Guid.NewGuid(), Guid.NewGuid());
        ExecutionRecord[] e =
        [
            Execution(TenantA, wf1, ExecutionStatus.Completed, T0),
            Execution(TenantA, wf1, ExecutionStatus.Running, T0.AddMinutes(1)),
            Execution(TenantA, wf2, ExecutionStatus.Completed, T0.AddMinutes(2)),
            Execution(TenantA, wf1, ExecutionStatus.Completed, T0.AddMinutes(3), isTest: true),
            Execution(TenantA, wf2, ExecutionStatus.Failed, T0.AddMinutes(4)),
        ];
        await InsertAsync(Execution(TenantB, wf1, ExecutionStatus.Completed, T0.AddMinutes(5)));
        await InsertAsync(e);
        return (wf1, wf2, e);
    }

    private async Task AssertListAsync(ExecutionQuery query, int total, params ExecutionRecord[] expected)
    {
        var page = await Store.ListExecutionsAsync(TenantA, query, Ct);
        Assert.Equal(expected.Select(e => e.Id), page.Items.Select(e => e.Id));
        Assert.Equal(total, page.Total);
    }

    [Fact]
    public async Task ListExecutionsAsync_NoFilter_ReturnsNonTestNewestFirst()
    {
        var (_, _, e) = await SeedExecutionsAsync();
        await AssertListAsync(new ExecutionQuery(), 4, e[4], e[2], e[1], e[0]);
    }

    [Fact]
    public async Task ListExecutionsAsync_IncludeTests_ReturnsTestRunsToo()
    {
        var (_, _, e) = await SeedExecutionsAsync();
        await AssertListAsync(new ExecutionQuery { IncludeTests = true }, 5, e[4], e[3], e[2], e[1], e[0]);
    }

    [Fact]
    public async Task ListExecutionsAsync_ByWorkflow_ReturnsOnlyItsExecutions()
    {
        var (wf1, _, e) = await SeedExecutionsAsync();
        await AssertListAsync(new ExecutionQuery { WorkflowId = wf1 }, 2, e[1], e[0]);
    }

    [Fact]
    public async Task ListExecutionsAsync_ByStatus_ReturnsOnlyThatStatus()
    {
        var (_, _, e) = await SeedExecutionsAsync();
        await AssertListAsync(new ExecutionQuery { Status = ExecutionStatus.Completed }, 2, e[2], e[0]);
        await AssertListAsync(new ExecutionQuery { Status = ExecutionStatus.Completed, IncludeTests = true }, 3, e[3], e[2], e[0]);
    }

    [Fact]
    public async Task ListExecutionsAsync_TimeRange_ReturnsOnlyCreatedInside()
    {
        var (_, _, e) = await SeedExecutionsAsync();
        await AssertListAsync(new ExecutionQuery { From = T0.AddSeconds(30), To = T0.AddSeconds(150) }, 2, e[2], e[1]);
        await AssertListAsync(new ExecutionQuery { From = T0.AddSeconds(150) }, 1, e[4]);
        await AssertListAsync(new ExecutionQuery { To = T0.AddSeconds(30) }, 1, e[0]);
    }

    [Fact]
    public async Task ListExecutionsAsync_CombinedFilters_AllApply()
    {
        var (_, wf2, e) = await SeedExecutionsAsync();
        await AssertListAsync(new ExecutionQuery { WorkflowId = wf2, Status = ExecutionStatus.Failed, From = T0 }, 1, e[4]);
    }

    [Fact]
    public async Task ListExecutionsAsync_Paging_KeepsTotalOfAllMatches()
    {
        var (_, _, e) = await SeedExecutionsAsync();
        await AssertListAsync(new ExecutionQuery { Offset = 1, Limit = 2 }, 4, e[2], e[1]);
        await AssertListAsync(new ExecutionQuery { Offset = 3, Limit = 2 }, 4, e[0]);
        await AssertListAsync(new ExecutionQuery { Offset = 10, Limit = 2 }, 4);
    }

    [Fact]
    public async Task Executions_OtherTenant_CannotSeeOrUpdateThem()
    {
        var execution = Execution(TenantA);
        await InsertAsync(execution);
        await InTxAsync(async tx =>
        {
            await tx.SaveStepRunAsync(StepRun(execution.Id, "a", 1, T0));
            await tx.InsertLogAsync(Log(execution.Id, "hello", T0));
        });

        Assert.Null(await Store.GetExecutionAsync(TenantB, execution.Id, Ct));
        Assert.Null(await InTxAsync(tx => tx.GetExecutionAsync(TenantB, execution.Id)));
        var page = await Store.ListExecutionsAsync(TenantB, new ExecutionQuery { IncludeTests = true }, Ct);
        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
        Assert.Empty(await Store.GetStepRunsAsync(TenantB, execution.Id, Ct));
        Assert.Empty(await Store.GetLogsAsync(TenantB, execution.Id, Ct));

        var foreign = Execution(TenantB);
        await InTxAsync(tx => tx.UpdateExecutionAsync(new ExecutionRecord
        {
            Tenant = TenantB, Id = execution.Id, WorkflowId = foreign.WorkflowId, WorkflowVersion = 1, Status = ExecutionStatus.Cancelled,
            Mode = ExecutionMode.Automatic, Context = new JsonObject(), State = new ExecutionState(), CreatedAt = T0,
        }));
        Assert.Equal(ExecutionStatus.Running, (await Store.GetExecutionAsync(TenantA, execution.Id, Ct))?.Status);
        Assert.Single(await Store.GetStepRunsAsync(TenantA, execution.Id, Ct));
        Assert.Single(await Store.GetLogsAsync(TenantA, execution.Id, Ct));
    }

    [Fact]
    public async Task PingAsync_OpenStore_ReturnsTrue() => Assert.True(await Store.PingAsync(Ct));
}
