using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>Executions as the committer last wrote them, so the next change to one starts from memory instead
/// of reading and parsing its row again. Sound across commits when this process is the store's one writer, and
/// within one transaction on a shared store, whose reads lock the rows until it ends. Used by one commit lane at
/// a time. An operation that fails leaves its executions half-changed in memory, so they are dropped; a failed
/// commit drops everything.</summary>
internal sealed class ExecutionCache
{
    private const int MaxEntries = 50_000;
    private readonly Dictionary<Guid, ExecutionRecord> _executions = [];

    public bool TryGet(Guid id, out ExecutionRecord execution) => _executions.TryGetValue(id, out execution!);

    public void Put(ExecutionRecord execution)
    {
        if (_executions.Count >= MaxEntries)
            _executions.Clear();
        _executions[execution.Id] = execution;
    }

    public void Forget(IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
            _executions.Remove(id);
    }

    /// <summary>Ended executions are rarely touched again: keep the cache to the ones still going.</summary>
    public void ForgetEnded(IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
            if (_executions.TryGetValue(id, out var e) && e.IsTerminal)
                _executions.Remove(id);
    }

    public void Clear() => _executions.Clear();
}
