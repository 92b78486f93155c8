using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

/// <summary>Whatever the engine may write it must read back: values as deep as the highest JSON_MAX_DEPTH (256),
/// wrapped in the context, an error or the state. A row the store cannot parse would fail the execution's GET,
/// the execution list and every claim of its work.</summary>
public abstract partial class StoreComplianceTests<TStore>
{
    private const int DeepestWritten = 300;

    private static JsonObject Nested(int depth)
    {
        var node = new JsonObject { ["leaf"] = true };
        for (var i = 1; i < depth; i++)
            node = new JsonObject { ["d"] = node };
        return node;
    }

    [Fact]
    public async Task DeepJson_InEveryExecutionColumn_IsReadBackByGetAndList()
    {
        var workflowId = Guid.NewGuid();
        var execution = Execution(TenantA, workflowId);
        execution.Context["variables"] = Nested(DeepestWritten);
        execution.Output = Nested(DeepestWritten);
        execution.Error = new JsonObject { ["details"] = Nested(DeepestWritten) };
        execution.State.Steps["w"] = new StepState { Status = StepStatus.Waiting, InputSchema = Nested(DeepestWritten) };

        await InsertAsync(execution);

        var read = await Store.GetExecutionAsync(TenantA, execution.Id, Ct);
        Assert.NotNull(read);
        AssertJson(execution.Context, read.Context);
        AssertJson(execution.Output, read.Output);
        AssertJson(execution.Error, read.Error);
        Assert.Equal(execution.State.ToJson(), read.State.ToJson());
        var listed = await Store.ListExecutionsAsync(TenantA, new ExecutionQuery { WorkflowId = workflowId }, Ct);
        AssertJson(execution.Context, Assert.Single(listed.Items).Context);
        Assert.NotNull(await InTxAsync(tx => tx.GetExecutionAsync(TenantA, execution.Id)));
    }

    [Fact]
    public async Task DeepJson_InAStepRun_IsReadBack()
    {
        var id = Guid.NewGuid();
        var run = StepRun(id, "a", 1, T0, "completed") with { Input = Nested(DeepestWritten), Output = Nested(DeepestWritten) };

        await InTxAsync(tx => tx.SaveStepRunAsync(run));

        var read = Assert.Single(await Store.GetStepRunsAsync(TenantA, id, Ct));
        AssertJson(run.Input, read.Input);
        AssertJson(run.Output, read.Output);
    }
}
