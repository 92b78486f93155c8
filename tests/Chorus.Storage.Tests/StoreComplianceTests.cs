using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

/// <summary>The contract every store keeps, written only against the role interfaces. Each database
/// subclasses it with a factory that returns a fresh, empty, migrated store per test.</summary>
public abstract partial class StoreComplianceTests<TStore> : IAsyncLifetime
    where TStore : IWorkflowStore, IExecutionReader, IScheduleReader, IApiKeyStore, ITierStore, ISecretStore, IWebhookTriggerStore, IBrokerTriggerStore,
        IEventRelayStore, ILlmTokenUsageStore, IFileStore, ICollectionStore,
        IEngineStore, IAsyncDisposable
{
    protected static readonly TenantId TenantA = new("tenant-a");
    protected static readonly TenantId TenantB = new("tenant-b");

    /// <summary>A time with milliseconds, to catch stores that round timestamps.</summary>
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);

    private static readonly CancellationToken None = CancellationToken.None;

    private TStore? _store;

    protected TStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    /// <summary>A new, empty, migrated store.</summary>
    protected abstract Task<TStore> CreateStoreAsync();

    /// <summary>Another store over the same database as the last <see cref="CreateStoreAsync"/>.</summary>
    protected abstract Task<TStore> OpenSameStoreAsync();

    /// <summary>Removes what <see cref="CreateStoreAsync"/> created; the store is already disposed.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
            await _store.DisposeAsync();
        _store = default;
        await CleanUpAsync();
    }

    /// <summary>Closes the store and opens it again over the same data.</summary>
    protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        _store = default;
        _store = await OpenSameStoreAsync();
    }

    protected async Task InTxAsync(Func<IEngineTransaction, Task> work)
    {
        await using var tx = await Store.BeginAsync(None);
        await work(tx);
        await tx.CommitAsync();
    }

    protected async Task<T> InTxAsync<T>(Func<IEngineTransaction, Task<T>> work)
    {
        await using var tx = await Store.BeginAsync(None);
        var result = await work(tx);
        await tx.CommitAsync();
        return result;
    }

    protected static WorkflowRecord Workflow(TenantId tenant, Guid id, string name = "orders", DateTimeOffset? createdAt = null) => new()
    {
        Tenant = tenant,
        Id = id,
        Name = name,
        Description = "handles " + name,
        Status = WorkflowStatus.Active,
        CurrentVersion = 1,
        CreatedAt = createdAt ?? T0,
        UpdatedAt = (createdAt ?? T0).AddSeconds(1),
    };

    protected static WorkflowVersionRecord Version(TenantId tenant, Guid workflowId, int number, string label = "first") => new()
    {
        Tenant = tenant,
        WorkflowId = workflowId,
        Number = number,
        Label = label,
        Definition = JsonNode.Parse($$$"""
            {"name": "orders v{{{number}}}", "steps": [{"id": "a", "type": "action", "config": {"n": {{{number}}}, "tags": ["x", "y"]}}]}
            """)!.AsObject(),
        Hash = $"hash-{number}",
        CreatedAt = T0.AddMinutes(number),
    };

    protected Task CreateWorkflowAsync(WorkflowRecord workflow) =>
        Store.CreateWorkflowAsync(workflow, Version(workflow.Tenant, workflow.Id, 1), None);

    protected static ExecutionRecord Execution(TenantId tenant, Guid? workflowId = null, ExecutionStatus status = ExecutionStatus.Running,
        DateTimeOffset? createdAt = null, bool isTest = false, Guid? parentId = null) => new()
    {
        Tenant = tenant,
        Id = Guid.NewGuid(),
        WorkflowId = workflowId ?? Guid.NewGuid(),
        WorkflowVersion = 1,
        Status = status,
        Mode = ExecutionMode.Automatic,
        Context = new JsonObject { ["input"] = new JsonObject() },
        State = new ExecutionState(),
        IsTest = isTest,
        ParentExecutionId = parentId,
        ParentStepId = parentId is null ? null : "call_child",
        CreatedAt = createdAt ?? T0,
    };

    protected Task InsertAsync(params ExecutionRecord[] executions) => InTxAsync(async tx =>
    {
        foreach (var execution in executions)
            await tx.InsertExecutionAsync(execution);
    });

    protected static WorkItem Item(TenantId tenant, Guid executionId, DateTimeOffset dueAt, string stepId = "a",
        bool held = false, bool suspended = false) => new()
    {
        Tenant = tenant,
        ExecutionId = executionId,
        StepId = stepId,
        Kind = WorkItemKind.Run,
        DueAt = dueAt,
        Held = held,
        Suspended = suspended,
    };

    protected Task<long> InsertItemAsync(WorkItem item) => InTxAsync(tx => tx.InsertWorkItemAsync(item));

    protected Task<IReadOnlyList<WorkItem>> ClaimAsync(string owner, DateTimeOffset now, int max = 10, TimeSpan? lease = null) =>
        InTxAsync(tx => tx.ClaimAsync(owner, max, now, lease ?? TimeSpan.FromSeconds(30)));

    protected static void AssertJson(JsonNode? expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"Expected {expected?.ToJsonString()} but got {actual?.ToJsonString()}");

    protected static void AssertState(ExecutionState expected, ExecutionState actual) =>
        AssertJson(JsonSerializer.SerializeToNode(expected), JsonSerializer.SerializeToNode(actual));

    protected static CancellationToken Ct => None;
}
