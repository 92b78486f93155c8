using Microsoft.Extensions.DependencyInjection;
using WorkflowCore.Interface;
using WorkflowCore.Models;

namespace Chorus.Peers;

/// <summary>Workflow Core (3.x) with its default in-memory persistence: one step is one <see cref="StepBody"/> of a
/// 10-step workflow (<see cref="ChainWorkflow"/>) that adds one to the workflow's data. What a step guarantees:
/// nothing survives the process: the workflow's state lives in memory only. It is here as a reference for what a
/// workflow engine's bookkeeping costs with no durability at all.</summary>
internal sealed class WorkflowCorePeer(ServiceProvider services, IWorkflowHost host) : IPeer
{
    public static async Task<WorkflowCorePeer> StartAsync()
    {
        var services = new ServiceCollection().AddLogging().AddWorkflow().BuildServiceProvider();
        var host = services.GetRequiredService<IWorkflowHost>();
        host.RegisterWorkflow<ChainWorkflow, ChainData>();
        await host.StartAsync(CancellationToken.None);
        return new WorkflowCorePeer(services, host);
    }

    public Task StartChainAsync(int chain) => host.StartWorkflow(ChainWorkflow.Name, 1, new ChainData { Chain = chain });

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        await services.DisposeAsync();
    }
}

public sealed class ChainData
{
    public int Chain { get; set; }
    public int Counter { get; set; }
}

public sealed class ChainWorkflow : IWorkflow<ChainData>
{
    public const string Name = "chorus-peers-chain";

    public string Id => Name;
    public int Version => 1;

    public void Build(IWorkflowBuilder<ChainData> builder)
    {
        var chain = builder.StartWith<IncrementCounter>().Input(s => s.Step, _ => 1);
        for (var step = 2; step <= BenchOptions.Steps; step++)
        {
            var number = step;
            chain = chain.Then<IncrementCounter>().Input(s => s.Step, _ => number);
        }
    }
}

public sealed class IncrementCounter : StepBody
{
    public int Step { get; set; }

    public override ExecutionResult Run(IStepExecutionContext context)
    {
        var data = (ChainData)context.Workflow.Data;
        data.Counter++;
        ChainTracker.Current.StepRan(data.Chain, Step, data.Counter);
        return ExecutionResult.Next();
    }
}
