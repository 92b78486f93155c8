using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Search attributes on a real engine: values from the input at the start, from step outputs as the steps
/// finish, and lists filtered by them.</summary>
public sealed class SearchAttributesTests : IAsyncLifetime
{
    private const string Order = """
        {"name": "order",
         "search_attributes": {"customer": "$.input.customer", "total": "$.input.total", "vip": "$.input.vip",
                               "approved": "$.approve.approved", "items": "$.input.items"},
         "steps": [
           {"id": "hold", "name": "Hold", "type": "wait", "config": {"event": "go"}, "next": "approve"},
           {"id": "approve", "name": "Approve", "type": "output", "config": {"value": {"approved": "yes"}}}
         ]}
        """;

    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task ValuesFromTheInput_AreSearchableFromTheStart_StepOutputsOnceTheStepHasRun()
    {
        var workflow = await _h.CreateWorkflowAsync(Order);
        var acme = await _h.StartAsync(workflow, JsonNode.Parse("""{"customer": "acme", "total": 42.5, "vip": true, "items": [1, 2]}"""));
        var globex = await _h.StartAsync(workflow, JsonNode.Parse("""{"customer": "globex", "total": 7}"""));
        await _h.WaitForStatusAsync(acme, ExecutionStatus.Waiting);

        Assert.Equal([acme], await FindAsync(("customer", "acme")));
        Assert.Equal([acme], await FindAsync(("total", "42.5"), ("vip", "true")));
        Assert.Equal([globex], await FindAsync(("total", "7")));
        Assert.Empty(await FindAsync(("approved", "yes")));
        // Null, objects and arrays give no value.
        Assert.Empty(await FindAsync(("items", "[1,2]")));
        var started = (await _h.GetAsync(acme)).State.SearchAttributes!;
        Assert.Equal(["customer", "total", "vip"], started.Keys.Order());

        await _h.Engine.SendEventAsync(EngineHarness.Tenant, acme, "go", new JsonObject());
        await _h.WaitForStatusAsync(acme, ExecutionStatus.Completed);

        Assert.Equal([acme], await FindAsync(("approved", "yes"), ("customer", "acme")));
        Assert.Equal("yes", (await _h.GetAsync(acme)).State.SearchAttributes!["approved"]);
    }

    [Fact]
    public async Task AWorkflowWithoutSearchAttributes_WritesNone()
    {
        var workflow = await _h.CreateWorkflowAsync("""{"name": "plain", "steps": [{"id": "a", "name": "A", "type": "count"}]}""");
        var id = await _h.StartAsync(workflow, JsonNode.Parse("""{"customer": "acme"}"""));

        var done = await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);

        Assert.Null(done.State.SearchAttributes);
        Assert.Empty(await FindAsync(("customer", "acme")));
    }

    private async Task<List<Guid>> FindAsync(params (string Name, string Value)[] filters)
    {
        var query = new ExecutionQuery { Search = filters.Select(f => KeyValuePair.Create(f.Name, f.Value)).ToList() };
        return (await _h.Store.ListExecutionsAsync(EngineHarness.Tenant, query, CancellationToken.None)).Items.Select(e => e.Id).ToList();
    }
}
