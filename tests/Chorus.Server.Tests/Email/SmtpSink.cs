using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MimeKit;

namespace Chorus.Server.Tests.Email;

/// <summary>A real SMTP server (Debian's aiosmtpd, through smtp_sink.py) on 127.0.0.1, in its own process: every
/// message it accepts lands in a directory the test reads. Starting it fails loudly when /usr/bin/python3 or
/// aiosmtpd is missing (scripts/test.sh installs python3-aiosmtpd).</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";
    private readonly Process _process;
    private readonly string _directory;

    private SmtpSink(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts the sink on <paramref name="port"/> (a free one when 0).</summary>
    /// <param name="reject">Recipients refused with 550 on RCPT.</param>
    /// <param name="auth">"user:password" that AUTH must present before MAIL.</param>
    /// <param name="starttls">A certificate and key: the sink then requires STARTTLS.</param>
    /// <param name="defer">Recipients refused for now with 451 on RCPT.</param>
    public static async Task<SmtpSink> StartAsync(int port = 0, string[]? reject = null, string? auth = null, (string Cert, string Key)? starttls = null,
        string[]? defer = null)
    {
        if (!File.Exists(Python))
            throw new InvalidOperationException($"The email tests need Debian's {Python} with python3-aiosmtpd: apt-get install -y python3-aiosmtpd");
        port = port == 0 ? FreePort() : port;
        var directory = Path.Combine(Path.GetTempPath(), $"chorus-smtp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Script(), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", directory })
            start.ArgumentList.Add(arg);
        foreach (var address in reject ?? [])
        {
            start.ArgumentList.Add("--reject");
            start.ArgumentList.Add(address);
        }
        foreach (var address in defer ?? [])
        {
            start.ArgumentList.Add("--defer");
            start.ArgumentList.Add(address);
        }
        if (auth is not null)
        {
            start.ArgumentList.Add("--auth");
            start.ArgumentList.Add(auth);
        }
        if (starttls is { } tls)
        {
            start.ArgumentList.Add("--starttls");
            start.ArgumentList.Add(tls.Cert);
            start.ArgumentList.Add(tls.Key);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("The SMTP sink did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            line = null;
        }
        if (line != "ready")
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new InvalidOperationException(
                $"The SMTP sink (aiosmtpd) did not start on port {port}: {await stderr}. Is python3-aiosmtpd installed? apt-get install -y python3-aiosmtpd");
        }
        return new SmtpSink(process, directory, port);
    }

    private static string Script() => Path.Combine(AppContext.BaseDirectory, "Email", "smtp_sink.py");

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The messages accepted so far, in order.</summary>
    public IReadOnlyList<ReceivedEmail> Messages() =>
        Directory.GetFiles(_directory, "*.json").Order(StringComparer.Ordinal).Select(ReceivedEmail.Read).ToList();

    /// <summary>Waits until at least <paramref name="count"/> messages arrived (a send is over before the step
    /// completes, so this rarely waits at all).</summary>
    public async Task<IReadOnlyList<ReceivedEmail>> WaitForMessagesAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var messages = Messages();
            if (messages.Count >= count || DateTime.UtcNow > deadline)
                return messages;
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A message as the SMTP server received it: the envelope and the parsed MIME message.</summary>
public sealed record ReceivedEmail(string MailFrom, IReadOnlyList<string> RcptTos, MimeMessage Message, string Raw, bool Tls, bool Authenticated)
{
    public static ReceivedEmail Read(string path)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        var raw = (string)json["data"]!;
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw));
        return new ReceivedEmail((string)json["mail_from"]!, json["rcpt_tos"]!.AsArray().Select(r => (string)r!).ToList(),
            MimeMessage.Load(stream), raw, (bool)json["tls"]!, (bool)json["authenticated"]!);
    }

    public string Header(string name) => Message.Headers[name] ?? "";
}
