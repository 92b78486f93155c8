using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>Requests Kestrel refuses before the application runs, written byte for byte on a raw TCP connection:
/// each still answers the error shape as JSON, with the request id in the body and the header.</summary>
public sealed class KestrelRejectionTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string, int, string> Cases => new()
    {
        { "NUL escaped in the path", "GET /api/workflows/%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid_input" },
        { "raw invalid UTF-8 in the path", "GET /api/\u00ff\u00fe HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid_input" },
        { "100 KB header", $"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 100 * 1024)}\r\n\r\n", 431, "invalid_input" },
        { "negative Content-Length", "POST /api/workflows HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, "invalid_input" },
        { "two different Content-Lengths", "POST /api/workflows HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}", 400, "invalid_input" },
        { "garbage request line", "GARBAGE\r\n\r\n", 400, "invalid_input" },
        { "no version", "GET /health\r\nHost: x\r\n\r\n", 400, "invalid_input" },
        { "HTTP/9.9", "GET /health HTTP/9.9\r\nHost: x\r\n\r\n", 505, "invalid_input" },
        { "100 KB target", $"GET /{new string('a', 100 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n", 414, "invalid_input" },
        { "header without colon", "GET /health HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", 400, "invalid_input" },
        { "missing Host on HTTP/1.1", "GET /health HTTP/1.1\r\n\r\n", 400, "invalid_input" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RefusedByKestrel_AnswersTheErrorShape(string name, string request, int status, string code)
    {
        var (head, body) = await SendRawAsync(Encoding.Latin1.GetBytes(request));

        var lines = head.Split("\r\n");
        Assert.True(lines[0].StartsWith($"HTTP/1.1 {status} ", StringComparison.Ordinal), $"{name}: {lines[0]}");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        Assert.True(headers.GetValueOrDefault("Content-Type")?.StartsWith("application/json", StringComparison.Ordinal), $"{name}: {head}");
        var error = JsonNode.Parse(body)?["error"] as JsonObject;
        Assert.True(error is not null, $"{name}: body '{body}'");
        Assert.Equal(code, error["code"]?.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]?.GetValue<string>()));
        Assert.IsType<JsonObject>(error["details"]);
        Assert.Equal(headers.GetValueOrDefault("X-Request-ID"), error["request_id"]?.GetValue<string>());
        Assert.Equal(Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture), headers["Content-Length"]);
    }

    [Fact]
    public async Task KeepAliveConnection_GoodRequestThenRefusedOne_BothAnswerInFull()
    {
        // The first response passes through untouched; only Kestrel's refusal after it gets a body.
        var (head, body) = await SendRawAsync(Encoding.ASCII.GetBytes(
            "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/%00 HTTP/1.1\r\nHost: x\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 200 ", head, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"ok\"", body, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 400 ", body, StringComparison.Ordinal);
        Assert.EndsWith("}}", body.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("\"code\":\"invalid_input\"", body, StringComparison.Ordinal);
    }

    /// <summary>Writes the bytes and reads until the server closes the connection; returns the first head and the rest.</summary>
    private async Task<(string Head, string Remainder)> SendRawAsync(byte[] request)
    {
        var address = server.Client.BaseAddress!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await stream.WriteAsync(request, timeout.Token);
        }
        catch (IOException)
        {
            // The server may refuse and close before reading everything; its answer is still there to read.
        }
        using var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
                received.Write(buffer, 0, read);
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer (unread request bytes) ends the reading, not the test.
        }
        var text = Encoding.UTF8.GetString(received.ToArray());
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"No complete response: '{text}'");
        return (text[..end], text[(end + 4)..]);
    }
}
