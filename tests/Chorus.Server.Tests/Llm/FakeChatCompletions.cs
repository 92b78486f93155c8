using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Chorus.Server.Tests.Llm;

/// <summary>A local server speaking OpenAI's chat-completions protocol: <c>POST /v1/chat/completions</c> answered from
/// a queue of scripted replies (a completion, an error with its JSON shape and headers, or a streamed completion in
/// server-sent events), every request kept for assertions. Runs on raw TCP so nothing but the protocol is involved.</summary>
internal sealed class FakeChatCompletions : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<Reply> _replies = new();
    private readonly Task _loop;

    public FakeChatCompletions()
    {
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1";

    /// <summary>The requests received, in order: their JSON bodies, authorization header and arrival time.</summary>
    public ConcurrentQueue<(JsonObject Body, string? Authorization, DateTimeOffset At)> Requests { get; } = new();

    public sealed record Reply(int Status, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null);

    public void Enqueue(Reply reply) => _replies.Enqueue(reply);

    /// <summary>A completion with <paramref name="content"/> and a usage block.</summary>
    public static Reply Completion(string content, int promptTokens = 12, int completionTokens = 5, string model = "fake-model") => new(200, new JsonObject
    {
        ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
        ["object"] = "chat.completion",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens },
    }.ToJsonString());

    /// <summary>An error in the API's shape: <c>{"error": {"message", "type", "code"}}</c>.</summary>
    public static Reply Error(int status, string message, string type, IReadOnlyDictionary<string, string>? headers = null) => new(status, new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = type },
    }.ToJsonString(), Headers: headers);

    /// <summary>A completion streamed as server-sent events, chunk by chunk, ending with <c>data: [DONE]</c>.</summary>
    public static Reply Streamed(params string[] chunks)
    {
        var body = new StringBuilder();
        foreach (var chunk in chunks)
            body.Append("data: ").Append(new JsonObject
            {
                ["id"] = "chatcmpl-stream", ["object"] = "chat.completion.chunk", ["model"] = "fake-model",
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["content"] = chunk }, ["finish_reason"] = null }),
            }.ToJsonString()).Append("\n\n");
        body.Append("data: [DONE]\n\n");
        return new Reply(200, body.ToString(), "text/event-stream");
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
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var (headers, body) = await ReadRequestAsync(stream);
            headers.TryGetValue("authorization", out var authorization);
            Requests.Enqueue((JsonNode.Parse(body)!.AsObject(), authorization, DateTimeOffset.UtcNow));
            var reply = _replies.TryDequeue(out var next) ? next : Error(500, "The fake has no reply scripted.", "server_error");
            var bytes = Encoding.UTF8.GetBytes(reply.Body);
            var head = new StringBuilder($"HTTP/1.1 {reply.Status} X\r\nContent-Type: {reply.ContentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n");
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            head.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
            await stream.WriteAsync(bytes);
        }
    }

    private static async Task<(Dictionary<string, string> Headers, string Body)> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(buffer) && await stream.ReadAsync(one) == 1)
            buffer.Add(one[0]);
        var lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var length = headers.TryGetValue("content-length", out var text) ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var body = new byte[length];
        var read = 0;
        while (read < length)
            read += await stream.ReadAsync(body.AsMemory(read));
        return (headers, Encoding.UTF8.GetString(body));
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
