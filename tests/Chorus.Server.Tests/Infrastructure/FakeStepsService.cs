using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>A real steps service on 127.0.0.1 speaking the steps-service protocol (GET /steps, POST /steps/{name},
/// GET /health). Each step answers with a function the test gives; the service records every delivery, and can go
/// down (stop listening) and come back on the same port.</summary>
public sealed class FakeStepsService : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FakeStep> _steps = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedCall> _calls = new();
    private WebApplication? _app;
    private int _port;

    public Uri Url => new($"http://127.0.0.1:{_port}");

    /// <summary>Every delivery of a POST /steps/{name}, in arrival order.</summary>
    public IReadOnlyList<ReceivedCall> Calls => [.. _calls];

    public IReadOnlyList<ReceivedCall> CallsOf(string step) => [.. _calls.Where(c => c.Step == step)];

    /// <summary>How many times GET /steps was read.</summary>
    public int CatalogReads => _catalogReads;
    private int _catalogReads;

    public static async Task<FakeStepsService> StartAsync(params FakeStep[] steps)
    {
        var service = new FakeStepsService();
        foreach (var step in steps)
            service.Add(step);
        await service.ListenAsync(0);
        return service;
    }

    public void Add(FakeStep step) => _steps[step.Name] = step;

    /// <summary>Stops listening: calls then fail to connect.</summary>
    public async Task StopAsync()
    {
        if (_app is null)
            return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    /// <summary>Listens again on the same port.</summary>
    public Task RestartAsync() => ListenAsync(_port);

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/steps", () =>
        {
            Interlocked.Increment(ref _catalogReads);
            return Results.Json(new JsonObject
            {
                ["steps"] = new JsonArray(_steps.Values.Select(s => (JsonNode?)s.Describe()).ToArray()),
            });
        });
        app.MapGet("/health", () => Results.Json(new JsonObject { ["status"] = "ok", ["steps"] = _steps.Count }));
        app.MapPost("/steps/{name}", async (string name, HttpContext http) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject ?? new JsonObject();
            var call = new ReceivedCall(name, http.Request.Headers["Idempotency-Key"].ToString(),
                http.Request.Headers["X-Chorus-Execution-Id"].ToString(), http.Request.Headers["X-Chorus-Step-Id"].ToString(),
                http.Request.Headers["X-Chorus-Attempt"].ToString(), http.Request.Headers["X-Chorus-Tenant"].ToString(),
                body["context"] as JsonObject ?? new JsonObject(), body["config"] as JsonObject ?? new JsonObject())
            {
                TraceParent = http.Request.Headers["traceparent"].ToString(),
            };
            _calls.Enqueue(call);
            if (!_steps.TryGetValue(name, out var step))
                return Error(404, "step_not_found", $"No step '{name}'.", false);
            var reply = await step.Answer(call, CallsOf(name).Count, http.RequestAborted);
            return Results.Json(reply.Body, statusCode: reply.Status);
        });
        await app.StartAsync();
        _port = new Uri(app.Urls.Single()).Port;
        _app = app;
    }

    public static IResult Error(int status, string code, string message, bool retryable) =>
        Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["retryable"] = retryable } }, statusCode: status);

    public async ValueTask DisposeAsync() => await StopAsync();
}

/// <summary>One delivery as the service saw it.</summary>
public sealed record ReceivedCall(string Step, string IdempotencyKey, string ExecutionId, string StepId, string Attempt, string Tenant,
    JsonObject Context, JsonObject Config)
{
    /// <summary>The W3C traceparent header the call came with; empty without one.</summary>
    public string TraceParent { get; init; } = "";
}

public sealed record FakeReply(int Status, JsonNode Body)
{
    public static FakeReply Output(JsonNode? output) => new(200, new JsonObject { ["output"] = output });

    public static FakeReply Error(int status, string code, string message, bool retryable) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["retryable"] = retryable } });
}

/// <summary>A step of the fake service. <see cref="Answer"/> gets the delivery and how many deliveries of this step
/// there have been so far (this one included).</summary>
public sealed class FakeStep
{
    public required string Name { get; init; }
    public JsonObject ConfigSchema { get; init; } = new();
    public JsonObject OutputSchema { get; init; } = new();
    public string Description { get; init; } = "a test step";
    public double? TimeoutSeconds { get; init; }
    public Func<ReceivedCall, int, CancellationToken, Task<FakeReply>> Answer { get; set; } =
        (call, _, _) => Task.FromResult(FakeReply.Output(new JsonObject { ["echo"] = call.Config.DeepClone() }));

    /// <summary>Answers with <paramref name="answer"/> every time.</summary>
    public static FakeStep Returning(string name, Func<ReceivedCall, JsonNode?> answer) =>
        new() { Name = name, Answer = (call, _, _) => Task.FromResult(FakeReply.Output(answer(call))) };

    internal JsonObject Describe()
    {
        var json = new JsonObject
        {
            ["name"] = Name,
            ["description"] = Description,
            ["config_schema"] = ConfigSchema.DeepClone(),
            ["output_schema"] = OutputSchema.DeepClone(),
        };
        if (TimeoutSeconds is { } seconds)
            json["timeout_seconds"] = seconds;
        return json;
    }
}
