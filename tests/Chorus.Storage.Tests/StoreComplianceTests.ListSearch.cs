using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static ExecutionRecord WithInput(ExecutionRecord e, string input) => new()
    {
        Tenant = e.Tenant, Id = e.Id, WorkflowId = e.WorkflowId, WorkflowVersion = e.WorkflowVersion, Status = e.Status, Mode = e.Mode,
        Context = e.Context, State = e.State, IsTest = e.IsTest, CreatedAt = e.CreatedAt, Input = JsonNode.Parse(input),
    };

    [Fact]
    public async Task ListExecutionsAsync_Text_MatchesInputIgnoringCase_AndTakesWildcardsLiterally()
    {
        var workflow = Guid.NewGuid();
        var order = WithInput(Execution(TenantA, workflow, createdAt: T0), """{"customer": "Ada Lovelace", "ref": "A_1"}""");
        var other = WithInput(Execution(TenantA, workflow, createdAt: T0.AddMinutes(1)), """{"customer": "Grace", "ref": "AB1"}""");
        var foreign = WithInput(Execution(TenantB, workflow, createdAt: T0), """{"customer": "Ada Lovelace"}""");
        await InsertAsync(order, other, foreign);

        await AssertListAsync(new ExecutionQuery { Text = "lovelace" }, 1, order);
        await AssertListAsync(new ExecutionQuery { Text = "A_1" }, 1, order);
        await AssertListAsync(new ExecutionQuery { Text = "100%" }, 0);
        await AssertListAsync(new ExecutionQuery { Text = "customer", WorkflowId = workflow }, 2, other, order);
    }

    [Fact]
    public async Task LatestExecutionsAsync_ReturnsEachWorkflowsNewestNonTestRun_OfTheTenantOnly()
    {
        var (first, second, idle) = (Workflow(TenantA, Guid.NewGuid()), Workflow(TenantA, Guid.NewGuid()), Workflow(TenantA, Guid.NewGuid()));
        foreach (var w in new[] { first, second, idle })
            await CreateWorkflowAsync(w);
        await CreateWorkflowAsync(first with { Tenant = TenantB });
        var older = Execution(TenantA, first.Id, ExecutionStatus.Completed, T0);
        var newest = Execution(TenantA, first.Id, ExecutionStatus.Failed, T0.AddMinutes(1));
        var test = Execution(TenantA, first.Id, ExecutionStatus.Completed, T0.AddMinutes(2), isTest: true);
        var onlyRun = Execution(TenantA, second.Id, ExecutionStatus.Waiting, T0);
        var foreign = Execution(TenantB, first.Id, ExecutionStatus.Running, T0.AddMinutes(3));
        await InsertAsync(older, newest, test, onlyRun, foreign);

        var latest = await Store.LatestExecutionsAsync(TenantA, [first.Id, second.Id, idle.Id], Ct);

        Assert.Equal(
            new[] { (first.Id, newest.Id, ExecutionStatus.Failed), (second.Id, onlyRun.Id, ExecutionStatus.Waiting) }.OrderBy(x => x.Item1),
            latest.Select(l => (l.WorkflowId, l.Id, l.Status)).OrderBy(x => x.Item1));
        Assert.Equal(T0.AddMinutes(1), latest.Single(l => l.WorkflowId == first.Id).CreatedAt);
        Assert.Empty(await Store.LatestExecutionsAsync(TenantA, [], Ct));
    }
}
