using System.Diagnostics;
using System.Globalization;
using System.Text;
using MySqlConnector;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>A real MariaDB server (Debian's mariadb-server), a child process of the tests with its own data folder,
/// socket and port, created with mariadb-install-db and thrown away with it. It has a database <c>shop</c> and a user
/// <c>chorus</c> with a password, reached over TCP on 127.0.0.1 as a workflow would. scripts/test.sh installs
/// mariadb-server when missing; without it the tests fail, loudly.</summary>
public sealed class MariaDbProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    public const string User = "chorus";
    public const string Password = "Pa55-w0rd-of-chorus";
    public const string Database = "shop";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chorus-mariadb-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly StringBuilder _output = new();
    private Process? _process;

    private MariaDbProcess() => Port = RedisProcess.FreePort();

    public int Port { get; }

    private string Socket => Path.Combine(_dir, "mariadb.sock");

    /// <summary>The connection URL, as a tenant's secret or MYSQL_URL holds it.</summary>
    public string Url => $"mysql://{User}:{Password}@127.0.0.1:{Port}/{Database}?SslMode=None";

    /// <summary>The administrator's connection, over the socket: for the tests' own setup and checks.</summary>
    private string RootConnection => new MySqlConnectionStringBuilder
    {
        Server = Socket, ConnectionProtocol = MySqlConnectionProtocol.Unix, UserID = "root", Pooling = false, SslMode = MySqlSslMode.None,
    }.ConnectionString;

    public static async Task<MariaDbProcess> StartAsync()
    {
        var server = new MariaDbProcess();
        try
        {
            await server.InstallAndStartAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private static string Find(params string[] candidates) => candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            $"{Path.GetFileName(candidates[0])} is not installed: run the tests with scripts/test.sh, which installs it (apt-get install mariadb-server)");

    private async Task InstallAndStartAsync()
    {
        Directory.CreateDirectory(_dir);
        var data = Path.Combine(_dir, "data");
        // The tests run as root on CI; mariadbd refuses to run as root unless told to.
        var asUser = Environment.UserName == "root" ? "--user=root" : "";
        var install = await RunAsync(Find("/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db", "/usr/local/bin/mariadb-install-db"),
            $"--no-defaults --datadir={data} {asUser} --auth-root-authentication-method=normal --skip-test-db");
        if (install.Code != 0)
            throw new InvalidOperationException($"mariadb-install-db failed ({install.Code}):\n{install.Output}");

        var info = new ProcessStartInfo(Find("/usr/sbin/mariadbd", "/usr/sbin/mysqld", "/usr/local/bin/mariadbd"),
            $"--no-defaults --datadir={data} --port={Port.ToString(CultureInfo.InvariantCulture)} --bind-address=127.0.0.1 --socket={Socket} " +
            $"--pid-file={Path.Combine(_dir, "mariadb.pid")} {asUser} --skip-log-bin --innodb-buffer-pool-size=16M --max-connections=200")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("mariadbd did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"mariadbd exited at start (port {Port}):\n{Output}");
            try
            {
                await ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {Database}");
                break;
            }
            catch (MySqlException) when (clock.Elapsed < StartTimeout)
            {
                await Task.Delay(200);
            }
            catch (MySqlException ex)
            {
                throw new InvalidOperationException($"mariadbd did not accept a connection within {StartTimeout.TotalSeconds} s: {ex.Message}\n{Output}");
            }
        }
        await ExecuteAsync($"CREATE USER IF NOT EXISTS '{User}'@'127.0.0.1' IDENTIFIED BY '{Password}'");
        await ExecuteAsync($"GRANT ALL ON {Database}.* TO '{User}'@'127.0.0.1'");
    }

    /// <summary>Runs statements as root in the shop database (or none, before it exists).</summary>
    public async Task ExecuteAsync(params string[] statements)
    {
        await using var connection = new MySqlConnection(RootConnection);
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new MySqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>One value read as root.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new MySqlConnection(RootConnection);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
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
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
            _process = null;
        }
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
