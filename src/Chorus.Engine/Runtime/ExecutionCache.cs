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

    /// <summary>How many executions are held now.</summary>
    public int Count => _executions.Count;

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

    /// <summary>Keeps only the executions whose next change is imminent: one with a step scheduled or running comes
    /// back within moments with that step's result. An ended execution is rarely touched again, and one resting
    /// (waiting on a timer, an event or a child, pending, paused with nothing to run) may rest for hours: kept, a
    /// hundred thousand of them would hold their parsed contexts in memory for nothing.</summary>
    public void ForgetResting(IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
            if (_executions.TryGetValue(id, out var e) && (e.IsTerminal || !e.State.HasRunnableSteps))
                _executions.Remove(id);
    }

    public void Clear() => _executions.Clear();
}
