using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chorus.Engine.Tests.Steps;

/// <summary>A real HTTP server on 127.0.0.1 and a free port, so the http step is tested over a socket.
/// The responder decides each answer; every request is recorded for the assertions.</summary>
internal sealed class LocalHttpServer : IAsyncDisposable
{
    internal sealed record Received(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);
    internal sealed record Reply(int Status, string Body = "", string ContentType = "application/json", TimeSpan Delay = default);

    private readonly HttpListener _listener = new();
    private readonly Func<Received, Reply> _responder;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ConcurrentQueue<Received> Requests { get; } = new();
    public string BaseUrl { get; }

    public LocalHttpServer(Func<Received, Reply> responder)
    {
        _responder = responder;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => RespondAsync(context));
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            var received = new Received(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, headers, body);
            Requests.Enqueue(received);
            var reply = _responder(received);
            if (reply.Delay > TimeSpan.Zero)
                await Task.Delay(reply.Delay, _stop.Token);
            var bytes = Encoding.UTF8.GetBytes(reply.Body);
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = reply.ContentType;
            context.Response.Headers["X-Test"] = "yes";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, _stop.Token);
            context.Response.Close();
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            context.Response.Abort();
        }
        catch (HttpListenerException)
        {
            // The client gave up (a timeout test); nothing is left to answer.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        // Close alone: on Linux, Close after Stop binds the port again to remove the prefix a second time,
        // and fails with "Address already in use" when another test has taken the port meanwhile.
        _listener.Close();
        await _loop;
        _stop.Dispose();
    }
}
