using Chorus.Engine.Definitions;
using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>Drives one test run: delivers the events and inputs it was given when a step waits for them, and, when
/// skipping time, brings the execution's next timer forward whenever nothing else of it can run. Only that
/// execution's (and its subflows') work items move; the engine's clock and every other execution are untouched.</summary>
internal sealed class TestRunDriver(TenantId tenant, Guid executionId, TestRunOptions options, TimeProvider time)
{
    private readonly List<TestEvent> _events = [.. options.Events];
    private readonly Dictionary<string, JsonNode?> _inputs = new(options.Inputs, StringComparer.Ordinal);

    /// <summary>The clock offset when each work item was first seen. Items are written with due times of the real
    /// clock, so an item written after a jump is due that much later in virtual time than its row says.</summary>
    private readonly Dictionary<long, TimeSpan> _offsetWhenSeen = [];

    public VirtualClock Clock { get; } = new();

    public IReadOnlyList<string> UnusedEvents => _events.Select(e => e.Name).ToList();
    public IReadOnlyList<string> UnusedInputs => _inputs.Keys.ToList();

    /// <summary>Looks at the execution tree and, when it is idle with nothing to deliver and time is skipped, brings
    /// its next timers forward to now in the same transaction.</summary>
    public async Task<TestRunLook> LookAsync(CommitScope s)
    {
        var root = await s.GetExecutionAsync(tenant, executionId).ConfigureAwait(false)
            ?? throw new ChorusException(ErrorCodes.ExecutionNotFound, $"Execution {executionId} does not exist.");
        var now = time.GetUtcNow();
        var tree = await TreeAsync(s).ConfigureAwait(false);
        var look = new TestRunLook { Root = root.Copy(), Tree = tree, At = now };
        if (root.IsTerminal || root.Status == ExecutionStatus.Paused)
            return look;

        var executions = new List<ExecutionRecord>();
        var items = new List<WorkItem>();
        foreach (var id in tree)
        {
            if (await s.GetExecutionAsync(tenant, id).ConfigureAwait(false) is { IsTerminal: false } e)
                executions.Add(e);
            items.AddRange(await s.Tx.GetWorkItemsAsync(tenant, id).ConfigureAwait(false));
        }
        foreach (var item in items)
            _offsetWhenSeen.TryAdd(item.Id, Clock.Offset);
        var pending = items.Where(i => !i.Held && !i.Suspended).ToList();
        // Due by the next millisecond counts as runnable: that is where a jump puts the timers it moved.
        if (pending.Any(i => i.DueAt <= NextMillisecond(now) || i.LeaseExpiresAt > now))
            return look with { Busy = true };

        var waits = WaitsOf(executions);
        look = look with { Waits = waits };
        if (!options.SkipTime || waits.Any(CanDeliver))
            return look;
        return await JumpAsync(s, look, pending, now).ConfigureAwait(false);
    }

    /// <summary>Moves the clock to the earliest timer and brings every timer due by then forward to now. When only the
    /// execution's time limit is left and a step waits for an event or input the run was not given, the run stops
    /// there and says what it waits for, rather than time out.</summary>
    private async Task<TestRunLook> JumpAsync(CommitScope s, TestRunLook look, List<WorkItem> pending, DateTimeOffset now)
    {
        if (pending.Count == 0 || (look.Waits.Count > 0 && pending.All(i => i.Kind == WorkItemKind.Deadline)))
            return look;
        DateTimeOffset VirtualDue(WorkItem i) => i.DueAt + _offsetWhenSeen[i.Id];
        var offset = Max(Clock.Offset, pending.Min(VirtualDue) - now);
        var at = NextMillisecond(now);
        foreach (var item in pending.Where(i => VirtualDue(i) <= now + offset))
        {
            // A fence that moved means the item was claimed or ended since the look: look again.
            if (!await s.Tx.RescheduleWorkItemAsync(item.Id, item.Fence, at).ConfigureAwait(false))
                return look with { Busy = true };
        }
        s.MarkStoreWork(at);
        return look with { At = at, JumpedTo = offset };
    }

    /// <summary>The jump happens at the next whole millisecond, the precision the stores keep times in: a step the
    /// moved timers start is then stored as starting at or after the jump (not truncated to just before it, which
    /// gave it the old offset), and every step that ran before the look is stored before it.</summary>
    private static DateTimeOffset NextMillisecond(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMillisecond + TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Records a jump once its transaction committed.</summary>
    public void Jumped(TestRunLook look) => Clock.Jump(look.At, look.JumpedTo!.Value);

    public bool CanDeliver(TestWait wait) => wait.Kind == "event"
        ? _events.Any(e => e.Name == wait.Name)
        : _inputs.ContainsKey(wait.StepId);

    /// <summary>Takes what was given for the wait: the first unused event of its name, or its step's input.</summary>
    public JsonNode? Take(TestWait wait)
    {
        if (wait.Kind != "event")
        {
            _inputs.Remove(wait.StepId, out var input);
            return input;
        }
        var index = _events.FindIndex(e => e.Name == wait.Name);
        var payload = _events[index].Payload;
        _events.RemoveAt(index);
        return payload;
    }

    private static List<TestWait> WaitsOf(IEnumerable<ExecutionRecord> executions) =>
        executions.SelectMany(e => e.State.Steps
                .Where(p => p.Value is { Status: StepStatus.Waiting, WaitingFor: not null, SignalKind: "event" or "manual_input" })
                .Select(p => new TestWait(e.Id, p.Key, p.Value.SignalKind!, p.Value.WaitingFor!)))
            .ToList();

    /// <summary>The root and its running subflows, at any depth.</summary>
    private async Task<List<Guid>> TreeAsync(CommitScope s)
    {
        var tree = new List<Guid> { executionId };
        for (var i = 0; i < tree.Count; i++)
            tree.AddRange(await s.Tx.GetActiveChildrenAsync(tenant, tree[i]).ConfigureAwait(false));
        return tree;
    }
}
