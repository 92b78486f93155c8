using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Events;
using Chorus.Engine.Storage;
using Chorus.Server.Realtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Chorus.Server.Security;

namespace Chorus.Server.Tests.Realtime;

/// <summary>A client that stops reading must not hold up the committer (which publishes events) or any other
/// client. A socket whose sends never complete stands for it: a real one only blocks once the kernel's buffers
/// are full, which takes megabytes and makes a slow, uncertain test.</summary>
public sealed class SlowClientTests
{
    private static readonly TenantId Tenant = new("slow-client");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly Caller Admin = new("test", Tenant, [Tenant], Role.Admin, ExpiresAt: null);
    // These connections are given their caller (no API key) and never authenticate, so no credential is ever verified.
    private static readonly RealtimeAccess Access = new(new CredentialVerifier(new Microsoft.IdentityModel.Tokens.TokenValidationParameters()), apiKeys: null!,
        new ApiKeyRevocations(store: null!, TimeProvider.System, NullLogger<ApiKeyRevocations>.Instance));

    [Fact]
    public async Task ClientThatStopsReading_IsDisconnected_WhileThePublisherAndOtherClientsCarryOn()
    {
        var events = new EventHub();
        var options = new RealtimeOptions { OutboxCapacity = 8, CloseTimeout = TimeSpan.FromMilliseconds(200) };
        var hub = new RealtimeHub(events, options, Access, TimeProvider.System, executions: null!, new Lifetime(), NullLogger<RealtimeHub>.Instance);
        await hub.StartAsync(CancellationToken.None);
        var identity = Admin;
        var stuckSocket = new FakeSocket(sendsComplete: false);
        var healthySocket = new FakeSocket(sendsComplete: true);
        using var stuck = new ClientConnection(stuckSocket, identity, "stuck", options, NullLogger.Instance);
        using var healthy = new ClientConnection(healthySocket, identity, "healthy", options, NullLogger.Instance);
        var stuckRun = hub.RunAsync(stuck, CancellationToken.None);
        var healthyRun = hub.RunAsync(healthy, CancellationToken.None);
        hub.Subscribe(stuck, identity, [Topics.AllExecutions]);
        hub.Subscribe(healthy, identity, [Topics.AllExecutions]);

        // In rounds smaller than the queue, so only the stuck client's queue can fill; Publish runs on the caller's
        // thread as it does on the committer's, and a blocked one would time the test out.
        const int published = 40;
        for (var i = 0; i < published; i++)
        {
            var n = i;
            await Task.Run(() => events.Publish(Event(n))).WaitAsync(Patience);
            if (i % 4 == 3)
                await WaitUntilAsync(() => healthySocket.Sent.Count == 2 + n);
        }
        await stuckRun.WaitAsync(Patience);

        Assert.True(stuckSocket.Aborted, "The stuck client's socket was not aborted.");
        Assert.Equal(Enumerable.Range(0, published), healthySocket.Sent.Skip(1).Select(m => (int)JsonNode.Parse(m)!["n"]!));
        Assert.False(healthyRun.IsCompleted);
        Assert.Equal(1, hub.ConnectionCount);

        // The dropped client's subscriptions went with it: the next event reaches the healthy client only.
        events.Publish(Event(published));
        await WaitUntilAsync(() => healthySocket.Sent.Count == 2 + published);
        healthy.Close(WebSocketCloseStatus.NormalClosure, "", flush: true);
        await healthyRun.WaitAsync(Patience);
        Assert.Equal(0, hub.ConnectionCount);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, healthySocket.ClosedWith);
        await hub.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task HubWantsEventsOnlyWhileItHasConnections()
    {
        var events = new EventHub();
        var options = new RealtimeOptions { CloseTimeout = TimeSpan.FromMilliseconds(200) };
        var hub = new RealtimeHub(events, options, Access, TimeProvider.System, executions: null!, new Lifetime(), NullLogger<RealtimeHub>.Instance);
        await hub.StartAsync(CancellationToken.None);
        Assert.False(events.Wanted); // so this node reads no other node's events

        var socket = new FakeSocket(sendsComplete: true);
        using var client = new ClientConnection(socket, Admin, "client", options, NullLogger.Instance);
        var run = hub.RunAsync(client, CancellationToken.None);
        await WaitUntilAsync(() => events.Wanted);

        client.Close(WebSocketCloseStatus.NormalClosure, "", flush: true);
        await run.WaitAsync(Patience);
        Assert.False(events.Wanted);
        await hub.StopAsync(CancellationToken.None);
    }

    private static EventRecord Event(int n) => new()
    {
        Tenant = Tenant, Type = "workflow_execution_update", ExecutionId = Guid.NewGuid(), WorkflowId = Guid.NewGuid(),
        Payload = new JsonObject { ["event"] = "workflow_execution_update", ["n"] = n }, At = DateTimeOffset.UtcNow,
    };

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(10);
        }
    }

    /// <summary>A WebSocket whose client never sends anything; its sends either complete at once (recorded) or never.</summary>
    internal sealed class FakeSocket(bool sendsComplete) : WebSocket
    {
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private WebSocketState _state = WebSocketState.Open;

        public ConcurrentQueue<string> Sent { get; } = new();
        public bool Aborted => State == WebSocketState.Aborted;
        public WebSocketCloseStatus? ClosedWith { get; private set; }

        public override WebSocketCloseStatus? CloseStatus => ClosedWith;
        public override string? CloseStatusDescription => null;
        public override WebSocketState State => _state;
        public override string? SubProtocol => null;

        public override void Abort()
        {
            _state = WebSocketState.Aborted;
            _ended.TrySetResult();
        }

        public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            if (!sendsComplete)
            {
                await _ended.Task.WaitAsync(cancellationToken);
                throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
            }
            Sent.Enqueue(System.Text.Encoding.UTF8.GetString(buffer));
        }

        public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        {
            // The client answers a close frame with its own; until then, or an abort, it is silent.
            await _ended.Task.WaitAsync(cancellationToken);
            if (ClosedWith is { } status)
                return new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, status, "");
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
        }

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        {
            ClosedWith = closeStatus;
            _state = WebSocketState.Closed;
            _ended.TrySetResult();
            return Task.CompletedTask;
        }

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

        public override void Dispose() => Abort();
    }

    internal sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }
}
