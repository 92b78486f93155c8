using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>A local HTTP server answering every request from a queue of scripted replies, every request kept for
/// assertions: the fake of an outside API (a language model's, a messaging one's). Runs on raw TCP so nothing but the
/// protocol is involved.</summary>
internal sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<Reply> _replies = new();
    private readonly Task _loop;

    public ScriptedHttpServer()
    {
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public string Origin => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>One request as it arrived: its path, headers (names in lower case) and body.</summary>
    public sealed record Request(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

        public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
    }

    /// <summary>The requests received, in order.</summary>
    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>What the fake answers: <paramref name="Bytes"/>, when given, is the body as is (a binary file), else
    /// <paramref name="Body"/> in UTF-8.</summary>
    public sealed record Reply(int Status, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null,
        byte[]? Bytes = null);

    public void Enqueue(Reply reply) => _replies.Enqueue(reply);

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
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var (method, path, headers, body) = await ReadRequestAsync(stream);
            Requests.Enqueue(new Request(method, path, headers, body, DateTimeOffset.UtcNow));
            var reply = _replies.TryDequeue(out var next) ? next : new Reply(500, """{"error": "The fake has no reply scripted."}""");
            var bytes = reply.Bytes ?? Encoding.UTF8.GetBytes(reply.Body);
            var head = new StringBuilder($"HTTP/1.1 {reply.Status} X\r\nContent-Type: {reply.ContentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n");
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            head.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
            await stream.WriteAsync(bytes);
        }
    }

    private static async Task<(string Method, string Path, Dictionary<string, string> Headers, string Body)> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(buffer) && await stream.ReadAsync(one) == 1)
            buffer.Add(one[0]);
        var lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var length = headers.TryGetValue("content-length", out var text) ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var body = new byte[length];
        var read = 0;
        while (read < length)
            read += await stream.ReadAsync(body.AsMemory(read));
        return (requestLine[0], requestLine[1], headers, Encoding.UTF8.GetString(body));
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
