using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

/// <summary>Search attributes: an execution's values replaced as a whole, lists filtered by exact values (every
/// filter must hold), and the rows gone with their execution.</summary>
public abstract partial class StoreComplianceTests<TStore>
{
    private Task SetSearchAsync(ExecutionRecord e, params (string Name, string Value)[] values) =>
        InTxAsync(tx => tx.SetSearchAttributesAsync(e.Tenant, e.Id, values.ToDictionary(v => v.Name, v => v.Value)));

    private static ExecutionQuery Search(params (string Name, string Value)[] filters) =>
        new() { Search = filters.Select(f => KeyValuePair.Create(f.Name, f.Value)).ToList() };

    [Fact]
    public async Task ListExecutionsAsync_SearchAttributes_MatchExactValues_AllFiltersMustHold_OfTheTenantOnly()
    {
        var (euAcme, usAcme, euGlobex) = (Execution(TenantA, createdAt: T0), Execution(TenantA, createdAt: T0.AddMinutes(1)), Execution(TenantA, createdAt: T0.AddMinutes(2)));
        var foreign = Execution(TenantB, createdAt: T0);
        await InsertAsync(euAcme, usAcme, euGlobex, foreign, Execution(TenantA, createdAt: T0.AddMinutes(3)));
        await SetSearchAsync(euAcme, ("customer", "acme"), ("region", "eu"));
        await SetSearchAsync(usAcme, ("customer", "acme"), ("region", "us"));
        await SetSearchAsync(euGlobex, ("customer", "globex"), ("region", "eu"));
        await SetSearchAsync(foreign, ("customer", "acme"), ("region", "eu"));

        await AssertListAsync(Search(("customer", "acme")), 2, usAcme, euAcme);
        await AssertListAsync(Search(("customer", "acme"), ("region", "eu")), 1, euAcme);
        await AssertListAsync(Search(("region", "eu")) with { Limit = 1 }, 2, euGlobex);
        await AssertListAsync(Search(("customer", "ACME")), 0);
        await AssertListAsync(Search(("customer", "acm")), 0);
        await AssertListAsync(Search(("nobody", "acme")), 0);
    }

    [Fact]
    public async Task SetSearchAttributesAsync_ReplacesTheExecutionsValues_AValueNoLongerSetNoLongerMatches()
    {
        var e = Execution(TenantA);
        await InsertAsync(e);
        await SetSearchAsync(e, ("customer", "acme"), ("total", "10"));

        await SetSearchAsync(e, ("customer", "globex"));

        await AssertListAsync(Search(("customer", "globex")), 1, e);
        await AssertListAsync(Search(("customer", "acme")), 0);
        await AssertListAsync(Search(("total", "10")), 0);
    }

    [Fact]
    public async Task PruneExecutionsAsync_DeletesTheExecutionsSearchAttributes()
    {
        var old = await HistoryAsync(TenantA, ExecutionStatus.Completed, T0);
        await SetSearchAsync(old, ("customer", "acme"));

        await InTxAsync(tx => tx.PruneExecutionsAsync(TenantA, Cutoff, 500));

        // The same id again, with no attributes of its own: a row left behind would make it match.
        var template = Execution(TenantA);
        await InsertAsync(new ExecutionRecord
        {
            Tenant = TenantA, Id = old.Id, WorkflowId = template.WorkflowId, WorkflowVersion = 1, Status = ExecutionStatus.Running,
            Mode = template.Mode, Context = template.Context, State = template.State, CreatedAt = T0,
        });
        await AssertListAsync(Search(("customer", "acme")), 0);
    }
}
