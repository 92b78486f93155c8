using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Events;
using Chorus.Engine.Storage;
using Chorus.Server.Realtime;
using Chorus.Server.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Server.Tests.Realtime;

/// <summary>The race between reading an execution's state for a new subscriber and its events arriving, made
/// deterministic: the read waits until the test has published the events it wants in flight.</summary>
public sealed class SnapshotRaceTests
{
    private static readonly TenantId Tenant = new("snapshot-race");
    private static readonly Caller Admin = new("test", Tenant, [Tenant], Role.Admin, ExpiresAt: null);
    private static readonly RealtimeAccess Access = new(new CredentialVerifier(new Microsoft.IdentityModel.Tokens.TokenValidationParameters()), apiKeys: null!,
        new ApiKeyRevocations(store: null!, TimeProvider.System, NullLogger<ApiKeyRevocations>.Instance));
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly Guid _execution = Guid.NewGuid();
    private readonly Guid _workflow = Guid.NewGuid();

    [Fact]
    public async Task EndedExecution_EventsUpToItsEnd_HeldOrLate_AreNotRepeated_WhileLaterOnesAre()
    {
        var end = Start.AddSeconds(1);
        var ended = Record(ExecutionStatus.Completed, "b", completedAt: end);
        var received = await RunAsync(ended,
            inFlight: [Update("running", "a", Start), StepDone("b", end.AddTicks(1234)), Update("completed", "b", end.AddTicks(1234)), Completed(end.AddTicks(1234))],
            afterSnapshot: [Completed(end.AddTicks(1234)), Update("running", "b", end.AddSeconds(5))]);

        Assert.Equal(["workflow_execution_update:completed", "workflow_execution_completed:completed", "workflow_execution_update:running"],
            received.Select(Describe));
    }

    [Fact]
    public async Task RunningExecution_HeldEventsItReflects_AreDropped_TheRestFollowInOrder()
    {
        var running = Record(ExecutionStatus.Running, "b", completedAt: null);
        var received = await RunAsync(running,
            inFlight: [Update("running", "a", Start), StepDone("a", Start.AddMilliseconds(1)), Update("running", "b", Start.AddMilliseconds(1)),
                       StepDone("b", Start.AddMilliseconds(2)), Update("completed", "b", Start.AddMilliseconds(2))],
            afterSnapshot: [Completed(Start.AddMilliseconds(2))]);

        Assert.Equal(["workflow_execution_update:running", "workflow_step_completed:b", "workflow_execution_update:completed", "workflow_execution_completed:completed"],
            received.Select(Describe));
    }

    /// <summary>Subscribes, publishes <paramref name="inFlight"/> while the state is being read, lets the read
    /// answer <paramref name="state"/>, publishes <paramref name="afterSnapshot"/>, and returns the messages about
    /// the execution, in the order the client got them.</summary>
    private async Task<List<JsonObject>> RunAsync(ExecutionRecord state, EventRecord[] inFlight, EventRecord[] afterSnapshot)
    {
        var events = new EventHub();
        var reader = new GatedReader(state);
        var options = new RealtimeOptions { CloseTimeout = TimeSpan.FromMilliseconds(200) };
        var hub = new RealtimeHub(events, options, Access, TimeProvider.System, reader, new SlowClientTests.Lifetime(), NullLogger<RealtimeHub>.Instance);
        await hub.StartAsync(CancellationToken.None);
        var socket = new SlowClientTests.FakeSocket(sendsComplete: true);
        using var client = new ClientConnection(socket, Admin, "client", options, NullLogger.Instance);
        var run = hub.RunAsync(client, CancellationToken.None);

        // all_executions as well: the barriers, events of another execution, show when the dispatcher is past a point.
        var snapshots = hub.Subscribe(client, Admin, [Topics.Normalize($"execution:{_execution}")!, Topics.AllExecutions]);
        var snapshot = hub.SendSnapshotsAsync(client, Admin, snapshots);
        foreach (var evt in inFlight)
            events.Publish(evt);
        await BarrierAsync(events, socket, 1);
        Assert.DoesNotContain(socket.Sent, m => m.Contains($"\"execution_id\":\"{_execution}\""));
        reader.Answer();
        await snapshot.WaitAsync(Patience);
        foreach (var evt in afterSnapshot)
            events.Publish(evt);
        await BarrierAsync(events, socket, 2);

        client.Close(WebSocketCloseStatus.NormalClosure, "", flush: true);
        await run.WaitAsync(Patience);
        await hub.StopAsync(CancellationToken.None);
        return socket.Sent.Select(m => JsonNode.Parse(m)!.AsObject()).Where(m => (string?)m["execution_id"] == _execution.ToString()).ToList();
    }

    private static async Task BarrierAsync(EventHub events, SlowClientTests.FakeSocket socket, int n)
    {
        var barrier = Guid.NewGuid();
        events.Publish(new EventRecord
        {
            Tenant = Tenant, Type = "workflow_execution_update", ExecutionId = barrier, WorkflowId = Guid.NewGuid(),
            Payload = new JsonObject { ["event"] = "barrier", ["execution_id"] = barrier.ToString(), ["n"] = n }, At = Start,
        });
        var deadline = DateTime.UtcNow + Patience;
        while (!socket.Sent.Any(m => m.Contains(barrier.ToString())))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Barrier {n} did not arrive.");
            await Task.Delay(10);
        }
    }

    private ExecutionRecord Record(ExecutionStatus status, string currentStep, DateTimeOffset? completedAt) => new()
    {
        Tenant = Tenant, Id = _execution, WorkflowId = _workflow, WorkflowVersion = 1, Status = status, Mode = ExecutionMode.Automatic,
        Context = [], State = new ExecutionState(), CurrentStep = currentStep, CreatedAt = Start, StartedAt = Start, CompletedAt = completedAt,
        TotalSteps = 0,
    };

    private EventRecord Update(string status, string currentStep, DateTimeOffset at) => Event("workflow_execution_update", at, new JsonObject
    {
        ["status"] = status, ["current_step"] = currentStep, ["progress"] = status == "completed" ? 1.0 : 0.0,
    });

    private EventRecord StepDone(string step, DateTimeOffset at) => Event("workflow_step_completed", at, new JsonObject { ["step_id"] = step });

    private EventRecord Completed(DateTimeOffset at) => Event("workflow_execution_completed", at, new JsonObject { ["status"] = "completed" });

    private EventRecord Event(string type, DateTimeOffset at, JsonObject fields)
    {
        fields["event"] = type;
        fields["execution_id"] = _execution.ToString();
        fields["workflow_id"] = _workflow.ToString();
        return new EventRecord { Tenant = Tenant, Type = type, ExecutionId = _execution, WorkflowId = _workflow, Payload = fields, At = at };
    }

    private static string Describe(JsonObject m) => $"{m["event"]}:{(string?)m["step_id"] ?? (string?)m["status"]}";

    /// <summary>Answers the execution's read only when the test says so.</summary>
    private sealed class GatedReader(ExecutionRecord state) : IExecutionReader
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Answer() => _gate.TrySetResult();

        public async Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id, CancellationToken ct)
        {
            await _gate.Task.WaitAsync(ct);
            return tenant == state.Tenant && id == state.Id ? state : null;
        }

        public Task<Page<ExecutionRecord>> ListExecutionsAsync(TenantId tenant, ExecutionQuery query, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<LatestExecution>> LatestExecutionsAsync(TenantId tenant, IReadOnlyCollection<Guid> workflowIds, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<StepRunRecord>> GetStepRunsAsync(TenantId tenant, Guid executionId, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<LogRecord>> GetLogsAsync(TenantId tenant, Guid executionId, CancellationToken ct) => throw new NotSupportedException();
        public Task<bool> PingAsync(CancellationToken ct) => throw new NotSupportedException();
    }
}
