using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Chorus.EndToEnd.Tests.Crash;

/// <summary>One call the workflow's http steps made to the outside world.</summary>
internal sealed record EffectCall(string Tag, string Step, string IdempotencyKey, TimeSpan At);

/// <summary>The "outside world" of the crash tests: records every call by the tag and step in its JSON body and
/// answers slowly, so a kill lands while calls are in flight.</summary>
internal sealed class EffectsEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<EffectCall> _calls = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;
    private readonly int _minDelayMs;
    private readonly int _maxDelayMs;

    public EffectsEndpoint(int minDelayMs, int maxDelayMs)
    {
        _minDelayMs = minDelayMs;
        _maxDelayMs = maxDelayMs;
        Port = ServerProcess.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}/effects";
    public TimeSpan Now => _clock.Elapsed;
    public IReadOnlyList<EffectCall> Calls => _calls.ToArray();
    public int Count => _calls.Count;

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                continue;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject;
            var key = context.Request.Headers["Idempotency-Key"] ?? "";
            _calls.Enqueue(new EffectCall(body?["tag"]?.GetValue<string>() ?? "", body?["step"]?.GetValue<string>() ?? "", key, _clock.Elapsed));
            await Task.Delay(Random.Shared.Next(_minDelayMs, _maxDelayMs + 1));
            var answer = Encoding.UTF8.GetBytes("{\"ok\":true}");
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = answer.Length;
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
        catch (Exception)
        {
            // The caller was killed mid-call; the call was already counted, which is what the test needs.
            context.Response.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: on Linux, Close after Stop binds the port again to remove the prefix a second time,
        // and fails with "Address already in use" when another test has taken the port meanwhile.
        _listener.Close();
        await _loop.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
