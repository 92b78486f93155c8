using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chorus.Engine.Tests.Outbound;

/// <summary>A tiny HTTP/1.1 server on one chosen address (127.0.0.1, 127.0.0.2 …), answering whatever Host the
/// request names, one request per connection. It counts connections as well as requests, so a test can show
/// that a refused target was never even connected to.</summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    internal sealed record Received(string Method, string Target, IReadOnlyDictionary<string, string> Headers);
    internal sealed record Reply(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null,
        bool Chunked = false, TimeSpan Delay = default);

    private readonly TcpListener _listener;
    private readonly Func<Received, Reply> _responder;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;

    public RawHttpServer(Func<Received, Reply> responder, string address = "127.0.0.1", int port = 0)
    {
        _responder = responder;
        _listener = new TcpListener(IPAddress.Parse(address), port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Address = address;
        _loop = Task.Run(AcceptAsync);
    }

    public string Address { get; }
    public int Port { get; }
    public string Url(string path = "/") => $"http://{Address}:{Port}{path}";
    public int Connections => Volatile.Read(ref _connections);
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>A port on 127.0.0.1 that nothing listens on (it was free a moment ago).</summary>
    public static int ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var lines = await ReadHeadAsync(stream);
            if (lines.Count == 0)
                return;
            var parts = lines[0].Split(' ');
            var headers = lines.Skip(1).Select(l => l.Split(':', 2))
                .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.OrdinalIgnoreCase);
            if (headers.TryGetValue("Content-Length", out var length))
                await stream.ReadExactlyAsync(new byte[int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)], _stop.Token);
            var received = new Received(parts[0], parts[1], headers);
            Requests.Enqueue(received);
            var reply = _responder(received);
            if (reply.Delay > TimeSpan.Zero)
                await Task.Delay(reply.Delay, _stop.Token);
            await WriteAsync(stream, reply);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            // The client gave up (a cap or a timeout under test) or the server is stopping.
        }
    }

    private async Task<List<string>> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 64 * 1024 && await stream.ReadAsync(one, _stop.Token) == 1)
        {
            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
                break;
        }
        return Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private async Task WriteAsync(NetworkStream stream, Reply reply)
    {
        var body = Encoding.UTF8.GetBytes(reply.Body);
        var head = new StringBuilder($"HTTP/1.1 {reply.Status} X\r\nConnection: close\r\nContent-Type: text/plain\r\n");
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append(reply.Chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {body.Length}\r\n").Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
        if (!reply.Chunked)
        {
            await stream.WriteAsync(body, _stop.Token);
            return;
        }
        foreach (var chunk in body.Chunk(4096))
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"), _stop.Token);
            await stream.WriteAsync(chunk, _stop.Token);
            await stream.WriteAsync("\r\n"u8.ToArray(), _stop.Token);
        }
        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
