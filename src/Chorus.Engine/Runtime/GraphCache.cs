using System.Collections.Concurrent;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>Compiled graphs by pinned version. Versions never change, so an entry never goes stale.</summary>
internal sealed class GraphCache
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<(TenantId, Guid, int), WorkflowGraph> _graphs = new();

    public async Task<WorkflowGraph> GetAsync(TenantId tenant, Guid workflowId, int version, Func<Task<WorkflowVersionRecord?>> load)
    {
        if (_graphs.TryGetValue((tenant, workflowId, version), out var graph))
            return graph;
        var record = await load().ConfigureAwait(false)
            ?? throw new ChorusException(ErrorCodes.WorkflowNotFound, $"Version {version} of workflow {workflowId} does not exist.");
        graph = Compile(record);
        if (_graphs.Count >= MaxEntries)
            _graphs.Clear();
        _graphs[(tenant, workflowId, version)] = graph;
        return graph;
    }

    public static WorkflowGraph Compile(WorkflowVersionRecord record)
    {
        var definition = DefinitionParser.Parse(record.Definition, out var errors);
        if (definition is null)
            throw new ChorusException(ErrorCodes.InvalidWorkflowDefinition,
                $"Stored version {record.Number} of workflow {record.WorkflowId} no longer parses: {string.Join("; ", errors.Select(e => e.Message))}");
        return WorkflowGraph.Build(definition);
    }
}
