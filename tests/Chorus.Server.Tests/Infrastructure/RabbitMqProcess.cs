using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>A real rabbitmq-server (Debian's), a child process of the tests with its own node name, ports and data
/// folder, so it runs beside other brokers and tests. It can be killed (SIGKILL, as a crash) and started again on the
/// same ports and data: durable queues and their persistent messages survive. scripts/test.sh installs rabbitmq-server
/// when missing; without it the tests fail, loudly.</summary>
public sealed class RabbitMqProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chorus-rabbitmq-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _node = $"chorus{Guid.NewGuid().ToString("N")[..10]}@localhost";
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RabbitMqProcess()
    {
        Port = RedisProcess.FreePort();
        do
            DistributionPort = RedisProcess.FreePort();
        while (DistributionPort == Port);
    }

    public int Port { get; }

    private int DistributionPort { get; }

    /// <summary>The connection URL, as a tenant's secret holds it.</summary>
    public string Url => $"amqp://guest:guest@127.0.0.1:{Port}/";

    /// <summary>How long the last start took until the broker accepted a connection.</summary>
    public TimeSpan LastStartTook { get; private set; }

    public static async Task<RabbitMqProcess> StartAsync()
    {
        var broker = new RabbitMqProcess();
        try
        {
            await broker.StartAgainAsync();
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
        return broker;
    }

    private static string Binary =>
        new[] { "/usr/lib/rabbitmq/bin/rabbitmq-server", "/usr/sbin/rabbitmq-server", "/usr/local/sbin/rabbitmq-server" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "rabbitmq-server is not installed: run the tests with scripts/test.sh, which installs it (apt-get install rabbitmq-server)");

    /// <summary>Starts the broker (again) and waits until it accepts an AMQP connection.</summary>
    public async Task StartAgainAsync()
    {
        Directory.CreateDirectory(_dir);
        // No plugins: the management plugin would add seconds to every start and a port of its own.
        await File.WriteAllTextAsync(Path.Combine(_dir, "enabled_plugins"), "[].");
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        var env = info.Environment;
        env["HOME"] = _dir;
        env["RABBITMQ_NODENAME"] = _node;
        env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        env["RABBITMQ_NODE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["RABBITMQ_MNESIA_BASE"] = Path.Combine(_dir, "mnesia");
        env["RABBITMQ_LOG_BASE"] = Path.Combine(_dir, "log");
        env["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_dir, "enabled_plugins");
        env["RABBITMQ_CONFIG_FILE"] = Path.Combine(_dir, "rabbitmq");
        env["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_dir, "advanced.config");
        env["RABBITMQ_PID_FILE"] = Path.Combine(_dir, "rabbitmq.pid");
        var clock = Stopwatch.StartNew();
        _process = Process.Start(info) ?? throw new InvalidOperationException("rabbitmq-server did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var factory = new ConnectionFactory { Uri = new Uri(Url), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"rabbitmq-server exited at start (port {Port}):\n{Output}");
            try
            {
                await using var connection = await factory.CreateConnectionAsync();
                LastStartTook = clock.Elapsed;
                return;
            }
            catch (BrokerUnreachableException) when (clock.Elapsed < StartTimeout)
            {
            }
            catch (BrokerUnreachableException ex)
            {
                throw new InvalidOperationException($"rabbitmq-server did not accept a connection within {StartTimeout.TotalSeconds} s: {ex.Message}\n{Output}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL to the broker and everything it started: every connection drops at once, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
            return;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        _process = null;
    }

    private string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
