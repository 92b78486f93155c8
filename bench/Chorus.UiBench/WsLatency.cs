using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.UiBench;

/// <summary>WS: event latency from commit to a WebSocket client, with many clients at once. Every client connects and
/// authenticates the way the browser does (an <c>authenticate</c> message, then <c>subscribe</c>), each to one running
/// execution and its workflow, spread over several tenants. The executions wait for an event until every client is
/// subscribed, then run a chain of short timers and field updates, so events keep coming for a few seconds.
/// Latency is the client's receive time minus the event's <c>timestamp</c>, which the engine sets when it builds the
/// event, just before the batch that holds it is committed: so that figure includes the commit itself. The bench also
/// watches the engine's event hub in the server's process, which is handed each event right after its commit, and
/// reports the latency from that moment too (the WebSocket hub's own path: dispatch, queues, network).</summary>
internal static class WsLatency
{
    public sealed record Options(int Clients, int Tenants, int ExecutionsPerTenant, int Steps, double StepSeconds, bool Burst);

    public static async Task<Result> RunAsync(Options o)
    {
        await using var server = await BenchServer.StartAsync();
        var load = LoadAverage();

        // Tenants, one workflow per execution (so a client's workflow topic carries only its own execution's events).
        var targets = new List<(string Tenant, string Workflow, string Execution)>();
        for (var t = 0; t < o.Tenants; t++)
        {
            var tenant = $"ws-bench-{t}";
            for (var e = 0; e < o.ExecutionsPerTenant; e++)
            {
                var workflow = await server.CreateWorkflowAsync(tenant, Definition($"ws-bench {t}.{e}", o.Steps, o.StepSeconds));
                targets.Add((tenant, workflow, await server.StartExecutionAsync(tenant, workflow)));
            }
        }
        foreach (var (tenant, _, execution) in targets)
            await WaitForStatusAsync(server, tenant, execution, "waiting");

        // Connect and subscribe every client, a few dozen at a time.
        var wsUri = new Uri(server.Address.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "api/workflows/ws");
        var clients = Enumerable.Range(0, o.Clients).Select(i => new Client(i, targets[i % targets.Count])).ToArray();
        var connecting = Stopwatch.StartNew();
        foreach (var batch in clients.Chunk(50))
            await Task.WhenAll(batch.Select(c => c.ConnectAsync(wsUri)));
        connecting.Stop();
        Console.Error.WriteLine($"  {clients.Length} clients connected and subscribed in {connecting.Elapsed.TotalSeconds:F1} s");

        // When each event was handed to the event hub, right after its commit (the same clock as the clients').
        var committed = new ConcurrentDictionary<(Guid Execution, string Type, long Ticks), DateTimeOffset>();
        using var watching = server.Services.GetRequiredService<ChorusEngine>().Events.Subscribe(evt =>
        {
            if (evt.ExecutionId is { } execution)
                committed[(execution, evt.Type, evt.At.UtcTicks)] = DateTimeOffset.UtcNow;
        });
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var go = DateTimeOffset.UtcNow;
        foreach (var c in clients)
            c.CountFrom = go;
        var receiving = clients.Select(c => c.ReceiveAsync()).ToArray();
        // The executions start spread over one step's time, so their timers do not all fire at once: a steady flow
        // of events rather than one burst per step (--burst sends every "go" at once).
        var spacing = o.Burst ? TimeSpan.Zero : TimeSpan.FromSeconds(o.StepSeconds / targets.Count);
        var starting = new List<Task>();
        foreach (var x in targets)
        {
            starting.Add(server.MustAsync(HttpMethod.Post, $"api/executions/{x.Execution}/events", x.Tenant,
                new JsonObject { ["name"] = "go", ["data"] = new JsonObject() }, 202));
            if (spacing > TimeSpan.Zero)
                await Task.Delay(spacing);
        }
        await Task.WhenAll(starting);
        var limit = TimeSpan.FromSeconds(o.Steps * o.StepSeconds * 3 + 60);
        var all = Task.WhenAll(receiving);
        if (await Task.WhenAny(all, Task.Delay(limit)) != all)
            Console.Error.WriteLine($"  some clients had not seen their execution complete after {limit.TotalSeconds:F0} s");
        var elapsed = DateTimeOffset.UtcNow - go;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var loadAfter = LoadAverage();
        foreach (var c in clients)
            c.Abort();

        // Latencies of every delivered event; a client missed events when it got fewer than its execution committed.
        var latencies = clients.SelectMany(c => c.Latencies).Order().ToArray();
        var expected = committed.Keys.GroupBy(k => k.Execution.ToString()).ToDictionary(g => g.Key, g => g.Count());
        var fromCommit = clients.SelectMany(c => c.Deliveries.Select(d =>
                committed.TryGetValue((Guid.Parse(c.Target.Execution), d.Type, d.Ticks), out var at) ? (d.At - at).TotalMilliseconds : double.NaN))
            .Where(l => !double.IsNaN(l)).Order().ToArray();
        var missed = clients.Count(c => c.Latencies.Count < expected.GetValueOrDefault(c.Target.Execution) || !c.Completed);
        var closed = clients.Count(c => c.ClosedEarly);
        var late = clients.Count(c => c.Latencies.Count > 0 && Percentile(c.Latencies.Order().ToArray(), 0.99) > 100);
        var perClientP99 = clients.Where(c => c.Latencies.Count > 0).Select(c => Percentile(c.Latencies.Order().ToArray(), 0.99)).Order().ToArray();
        var events = expected.Values.Sum();
        return new Result(Percentile(fromCommit, 0.99), string.Create(CultureInfo.InvariantCulture,
            $"WS  {o.Clients} clients, {o.Tenants} tenants, {targets.Count} executions of {o.Steps} timed steps{(o.Burst ? ", all at once" : "")} ({events} events, {latencies.Length} deliveries in {elapsed.TotalSeconds:F1} s): " +
            $"latency from the event's timestamp p50 {Percentile(latencies, 0.5):F1} ms, p90 {Percentile(latencies, 0.9):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {latencies.LastOrDefault():F1} ms; " +
            $"from its commit ({fromCommit.Length} deliveries matched) p50 {Percentile(fromCommit, 0.5):F1} ms, p90 {Percentile(fromCommit, 0.9):F1} ms, p99 {Percentile(fromCommit, 0.99):F1} ms, max {fromCommit.LastOrDefault():F1} ms; " +
            $"clients whose own p99 is over 100 ms: {late}; clients that missed an event or the completion: {missed}; closed by the server: {closed}; " +
            $"worst client's p99 {perClientP99.LastOrDefault():F1} ms; CPU of this process (engine, server and clients) {cpu.TotalSeconds:F1} s, {cpu.TotalMicroseconds / Math.Max(1, latencies.Length):F0} µs per delivery; load average {load} before, {loadAfter} after"));
    }

    /// <summary>One run's line, and what orders runs to pick the median.</summary>
    public sealed record Result(double SortKey, string Line);

    /// <summary>Waits for the event "go", then <paramref name="steps"/> pairs of a short timer and a field update.</summary>
    private static JsonObject Definition(string name, int steps, double stepSeconds)
    {
        var list = new JsonArray { new JsonObject { ["id"] = "go", ["type"] = "wait", ["config"] = new JsonObject { ["event"] = "go" }, ["next"] = "w1" } };
        for (var i = 1; i <= steps; i++)
        {
            list.Add(new JsonObject { ["id"] = $"w{i}", ["type"] = "wait", ["config"] = new JsonObject { ["duration"] = stepSeconds }, ["next"] = $"a{i}" });
            var set = new JsonObject { ["id"] = $"a{i}", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = "n", ["value"] = i } };
            if (i < steps)
                set["next"] = $"w{i + 1}";
            list.Add(set);
        }
        return new JsonObject { ["name"] = name, ["status"] = "active", ["steps"] = list };
    }

    private static async Task WaitForStatusAsync(BenchServer server, string tenant, string execution, string status)
    {
        for (var i = 0; i < 300; i++)
        {
            var (_, body) = await server.ApiAsync(HttpMethod.Get, $"api/executions/{execution}", tenant);
            if (body?["status"]?.GetValue<string>() == status)
                return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"Execution {execution} did not reach '{status}'.");
    }

    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private sealed class Client(int index, (string Tenant, string Workflow, string Execution) target)
    {
        private readonly ClientWebSocket _socket = new();
        private readonly byte[] _buffer = new byte[16 * 1024];

        public (string Tenant, string Workflow, string Execution) Target { get; } = target;
        public List<double> Latencies { get; } = new(128);
        public List<(long Ticks, string Type, DateTimeOffset At)> Deliveries { get; } = new(128);
        public DateTimeOffset CountFrom { get; set; } = DateTimeOffset.MaxValue;
        public bool Completed { get; private set; }
        public bool ClosedEarly { get; private set; }

        public async Task ConnectAsync(Uri uri)
        {
            await _socket.ConnectAsync(uri, CancellationToken.None);
            // As the browser does: no headers on the upgrade, the credential in the first message.
            await SendAsync(new JsonObject { ["action"] = "authenticate", ["token"] = BenchServer.Token(Target.Tenant, "viewer"), ["tenant_id"] = Target.Tenant });
            await ExpectAsync("authenticated");
            await SendAsync(new JsonObject { ["action"] = "subscribe", ["topics"] = new JsonArray($"execution:{Target.Execution}", $"workflow:{Target.Workflow}") });
            await ExpectAsync("subscribed");
            await ExpectAsync("workflow_execution_update"); // the execution's state, sent on subscribe
        }

        /// <summary>Until its execution's completion arrives or the socket ends.</summary>
        public async Task ReceiveAsync()
        {
            try
            {
                while (!Completed)
                {
                    var (length, at) = await ReceiveMessageAsync();
                    if (length < 0)
                    {
                        ClosedEarly = true;
                        return;
                    }
                    Record(length, at);
                }
            }
            catch (Exception) when (!Completed)
            {
                ClosedEarly = true;
            }
        }

        public void Abort() => _socket.Abort();

        private void Record(int length, DateTimeOffset at)
        {
            using var doc = JsonDocument.Parse(_buffer.AsMemory(0, length));
            var root = doc.RootElement;
            if (!root.TryGetProperty("event", out var type) || !root.TryGetProperty("timestamp", out var ts))
                return;
            var stamp = ts.GetDateTimeOffset();
            if (stamp < CountFrom)
                return; // the state sent on subscribe, from before the run
            Latencies.Add((at - stamp).TotalMilliseconds);
            var name = type.GetString()!;
            Deliveries.Add((stamp.UtcTicks, name, at));
            if (name == "workflow_execution_completed")
                Completed = true;
        }

        private async Task<(int Length, DateTimeOffset At)> ReceiveMessageAsync()
        {
            var length = 0;
            while (true)
            {
                var result = await _socket.ReceiveAsync(_buffer.AsMemory(length), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                    return (-1, default);
                length += result.Count;
                if (result.EndOfMessage)
                    return (length, DateTimeOffset.UtcNow);
                if (length == _buffer.Length)
                    throw new InvalidOperationException($"Client {index}: a message over {_buffer.Length} bytes.");
            }
        }

        private async Task ExpectAsync(string type)
        {
            while (true)
            {
                var (length, _) = await ReceiveMessageAsync();
                if (length < 0)
                    throw new InvalidOperationException($"Client {index}: closed while waiting for '{type}'.");
                using var doc = JsonDocument.Parse(_buffer.AsMemory(0, length));
                if (doc.RootElement.TryGetProperty("event", out var e) && e.GetString() == type)
                    return;
                if (doc.RootElement.TryGetProperty("type", out var t))
                {
                    if (t.GetString() == type)
                        return;
                    if (t.GetString() == "error")
                        throw new InvalidOperationException($"Client {index}: {doc.RootElement.GetRawText()}");
                }
            }
        }

        private Task SendAsync(JsonObject message) =>
            _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
    }
}
