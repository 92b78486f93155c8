using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Spectre.Console;
using ExecutionProgress = Chorus.Engine.Events.Progress;

namespace Chorus.Cli.Commands;

/// <summary>Follows one embedded execution until it ends or stops at a wait nobody can satisfy, drawing a live
/// progress bar on an interactive console and one plain line per step otherwise.</summary>
internal sealed class RunWatcher : IDisposable
{
    // Events wake the watcher at once; the poll only covers a missed wake-up.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentQueue<EventRecord> _events = new();
    private readonly SemaphoreSlim _changed = new(0);
    private readonly IDisposable _subscription;
    private readonly IExecutionReader _reader;
    private readonly IAnsiConsole _console;
    private readonly string _title;
    private string? _pendingLine;

    public RunWatcher(ChorusEngine engine, IExecutionReader reader, IAnsiConsole console, string title)
    {
        _reader = reader;
        _console = console;
        _title = title;
        _subscription = engine.Events.Subscribe(evt =>
        {
            _events.Enqueue(evt);
            _changed.Release();
        });
    }

    public Task<ExecutionRecord> WatchAsync(Guid id, CancellationToken ct) =>
        _console.Profile.Capabilities.Interactive ? WithBarAsync(id, ct) : WithLinesAsync(id, ct);

    public void Dispose()
    {
        _subscription.Dispose();
        _changed.Dispose();
    }

    private async Task<ExecutionRecord> WithBarAsync(Guid id, CancellationToken ct) =>
        await _console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape(_title));
                while (true)
                {
                    _events.Clear();
                    var current = await ReadAsync(id, ct);
                    var nodes = ExecutionProgress.Nodes(current);
                    task.MaxValue = Math.Max(1, nodes["totalNodes"]!.GetValue<int>());
                    task.Value = nodes["completedNodes"]!.GetValue<int>();
                    task.Description = Markup.Escape($"{_title} {nodes["completedNodes"]}/{nodes["totalNodes"]} {current.CurrentStep ?? ""}".TrimEnd());
                    if (IsSettled(current))
                    {
                        if (current.Status != ExecutionStatus.Completed)
                            task.StopTask();
                        return current;
                    }
                    await _changed.WaitAsync(Poll, ct);
                }
            });

    private async Task<ExecutionRecord> WithLinesAsync(Guid id, CancellationToken ct)
    {
        _console.WriteLine($"running '{_title}' (execution {id})");
        while (true)
        {
            var batch = Drain(id);
            var current = await ReadAsync(id, ct);
            foreach (var evt in batch)
                Describe(evt);
            if (IsSettled(current))
            {
                foreach (var evt in Drain(id))
                    Describe(evt);
                Flush(ExecutionProgress.Fraction(current));
                _console.WriteLine($"{current.Status.ToWire()}: {ExecutionProgress.Nodes(current)["completedNodes"]}/{current.TotalSteps} steps");
                return current;
            }
            await _changed.WaitAsync(Poll, ct);
        }
    }

    /// <summary>A step's line waits for the progress the same commit reports just after it.</summary>
    private void Describe(EventRecord evt)
    {
        var p = evt.Payload;
        switch (evt.Type)
        {
            case "workflow_step_completed":
                Flush(null);
                var next = p["next_step"]?.GetValue<string>() is { } n ? $" -> {n}" : "";
                _pendingLine = $"step {p["step_id"]} ({p["step_name"]}) completed in {p["duration_ms"]} ms{next}";
                break;
            case "workflow_execution_update":
                Flush(p["progress"]?.GetValue<double>());
                break;
            case "workflow_execution_error":
                Flush(null);
                var error = p["error"];
                var step = error?["step_id"]?.GetValue<string>() is { } s ? $"step {s} " : "";
                _console.WriteLine($"{step}failed: {error?["code"]}: {Terminal.OneLine(error?["message"]?.GetValue<string>() ?? "")}");
                break;
        }
    }

    private void Flush(double? progress)
    {
        if (_pendingLine is null)
            return;
        _console.WriteLine(progress is { } f ? $"[{f * 100,3:0}%] {_pendingLine}" : $"[   ] {_pendingLine}");
        _pendingLine = null;
    }

    private List<EventRecord> Drain(Guid id)
    {
        var batch = new List<EventRecord>();
        while (_events.TryDequeue(out var evt))
            if (evt.ExecutionId == id)
                batch.Add(evt);
        return batch;
    }

    private async Task<ExecutionRecord> ReadAsync(Guid id, CancellationToken ct) =>
        await _reader.GetExecutionAsync(TenantId.Default, id, ct)
        ?? throw new CliException($"execution {id} disappeared from the store.", ExitCodes.Failed);

    /// <summary>Ended, or waiting only for events or inputs; timers and child executions still run here.</summary>
    private static bool IsSettled(ExecutionRecord e) =>
        e.IsTerminal || (e.Status == ExecutionStatus.Waiting
            && e.State.Steps.Values.Where(s => s.Status == StepStatus.Waiting).All(s => s.WaitingFor is not null));
}
