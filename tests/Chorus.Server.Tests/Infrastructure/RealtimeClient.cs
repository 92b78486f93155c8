using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>A real WebSocket client of <c>/api/workflows/ws</c>: a background loop reads every message the server
/// sends into a queue the test takes them from, in order.</summary>
public sealed class RealtimeClient : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonObject> _received = Channel.CreateUnbounded<JsonObject>();
    private readonly Task _receiving;

    private RealtimeClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Set when the server closed the connection.</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    /// <summary>Completes when the server has closed the connection (or it broke).</summary>
    public Task Closed => _receiving;

    public static Uri Address(HttpClient api) => Address(api.BaseAddress!);

    public static Uri Address(Uri server) => new UriBuilder(new Uri(server, "/api/workflows/ws")) { Scheme = "ws" }.Uri;

    /// <summary>Connects, sending <c>X-Tenant-ID</c> and an admin token for it when <paramref name="tenant"/> is
    /// given (or <paramref name="token"/> instead of that admin token), and nothing when it is null: such a client
    /// must then authenticate with a message.</summary>
    public static Task<RealtimeClient> ConnectAsync(HttpClient api, string? tenant, string? token = null) => ConnectAsync(api.BaseAddress!, tenant, token);

    /// <summary>Connects sending exactly <paramref name="headers"/> with the upgrade request, no credential added.</summary>
    public static async Task<RealtimeClient> ConnectWithHeadersAsync(HttpClient api, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var socket = new ClientWebSocket();
        foreach (var (name, value) in headers)
            socket.Options.SetRequestHeader(name, value);
        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(Address(api), timeout.Token);
        return new RealtimeClient(socket);
    }

    public static async Task<RealtimeClient> ConnectAsync(Uri server, string? tenant, string? token = null)
    {
        var socket = new ClientWebSocket();
        if (tenant is not null)
        {
            socket.Options.SetRequestHeader("X-Tenant-ID", tenant);
            socket.Options.SetRequestHeader("Authorization", $"Bearer {token ?? TestTokens.For(tenant)}");
        }
        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(Address(server), timeout.Token);
        return new RealtimeClient(socket);
    }

    public Task SendAsync(JsonNode message) => SendRawAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text);

    public Task SendTextAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    /// <summary>Sends one message, split into frames of <paramref name="frameSize"/> bytes.</summary>
    public async Task SendRawAsync(byte[] bytes, WebSocketMessageType type, int frameSize = int.MaxValue)
    {
        using var timeout = new CancellationTokenSource(Patience);
        if (bytes.Length == 0)
        {
            await _socket.SendAsync(ReadOnlyMemory<byte>.Empty, type, true, timeout.Token);
            return;
        }
        for (var offset = 0; offset < bytes.Length; offset += frameSize)
        {
            var count = Math.Min(frameSize, bytes.Length - offset);
            await _socket.SendAsync(bytes.AsMemory(offset, count), type, offset + count == bytes.Length, timeout.Token);
        }
    }

    /// <summary>The next message the server sent; fails the test when none comes in time.</summary>
    public async Task<JsonObject> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            return await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"No message from the server within {Patience.TotalSeconds} s.");
        }
        catch (ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException($"The server closed the connection ({CloseStatus}) instead of sending a message.");
        }
    }

    /// <summary>Sends a message and returns the next one received, for exchanges with no events in flight.</summary>
    public async Task<JsonObject> RequestAsync(JsonNode message)
    {
        await SendAsync(message);
        return await NextAsync();
    }

    /// <summary>Subscribes and checks the acknowledgement.</summary>
    public async Task SubscribeAsync(params string[] topics)
    {
        var ack = await RequestAsync(new JsonObject { ["action"] = "subscribe", ["topics"] = Json.Array(topics) });
        Assert.True((string?)ack["type"] == "subscribed", $"Expected a subscribe acknowledgement: {ack.ToJsonString()}");
        Assert.Equal(topics, ack["topics"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    /// <summary>Reads messages up to and including the first that satisfies <paramref name="last"/>.</summary>
    public async Task<List<JsonObject>> ReadUntilAsync(Func<JsonObject, bool> last)
    {
        var messages = new List<JsonObject>();
        while (true)
        {
            var message = await NextAsync();
            messages.Add(message);
            if (last(message))
                return messages;
        }
    }

    /// <summary>True when nothing has arrived that was not read yet.</summary>
    public bool NothingPending => !_received.Reader.TryPeek(out _);

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var frame = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (frame.MessageType == WebSocketMessageType.Close)
                {
                    CloseStatus = frame.CloseStatus;
                    if (_socket.State == WebSocketState.CloseReceived)
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }
                message.Write(buffer, 0, frame.Count);
                if (!frame.EndOfMessage)
                    continue;
                _received.Writer.TryWrite(JsonNode.Parse(message.ToArray())!.AsObject());
                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection broke or was aborted; CloseStatus stays null.
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The receive loop reads the server's answer to our close frame, so only the output side is closed here.
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }
        await Task.WhenAny(_receiving, Task.Delay(TimeSpan.FromSeconds(5)));
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
    }
}

/// <summary>Small JSON helpers for building messages.</summary>
public static class Json
{
    public static JsonArray Array(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)i).ToArray());
}
