using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>A real redis-server, a child process of the tests on a free port of 127.0.0.1, without persistence.
/// It can be stopped and started again on the same port. scripts/test.sh installs redis-server when missing; without
/// it the tests fail, loudly.</summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private Process? _process;

    private RedisProcess(int port) => Port = port;

    public int Port { get; }

    /// <summary>REDIS_URL of this server.</summary>
    public string Url => $"redis://127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync(int? port = null)
    {
        var redis = new RedisProcess(port ?? FreePort());
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>A port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Binary =>
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
        ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("redis-server is not installed: run the tests with scripts/test.sh, which installs it (apt-get install redis-server)");

    /// <summary>Starts the server (again) on <see cref="Port"/> and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--save", "", "--appendonly", "no", "--daemonize", "no" })
            info.ArgumentList.Add(arg);
        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        var output = new StringBuilder();
        _process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"redis-server exited at start on port {Port}: {output}");
            try
            {
                if (await CommandAsync("PING") == "+PONG")
                    return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Kills the server, as a crash would: every connection drops at once.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
            return;
        process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    /// <summary>One command over RESP; answers the first line of the reply ("+OK", ":3", "-ERR …").</summary>
    public async Task<string> CommandAsync(params string[] args)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        var request = new StringBuilder($"*{args.Length}\r\n");
        foreach (var arg in args)
            request.Append(Bulk(arg));
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadLineAsync() ?? "";
    }

    private static string Bulk(string arg) => $"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n";

    public async ValueTask DisposeAsync() => await StopAsync();
}
