using System.Net;

namespace Chorus.Client;

/// <summary>A typed client of a Chorus server's HTTP API. Every call throws <see cref="ChorusApiException"/> when the
/// server refuses it and <see cref="ChorusConnectionException"/> when there is no usable answer.</summary>
/// <example><code>
/// using var chorus = new ChorusClient(new Uri("http://127.0.0.1:8000"), new ChorusClientOptions { Token = token });
/// var execution = await chorus.Workflows.ExecuteAsync(workflowId, new JsonObject { ["name"] = "Ada" });
/// </code></example>
public sealed class ChorusClient : IDisposable
{
    private readonly ChorusConnection _connection;
    private readonly HttpClient? _owned;

    /// <summary>A client over <paramref name="httpClient"/>, whose <see cref="HttpClient.BaseAddress"/> is the server
    /// (ending with <c>/</c> when the server is under a path). The HttpClient stays the caller's to dispose.</summary>
    public ChorusClient(HttpClient httpClient, ChorusClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        if (httpClient.BaseAddress is null)
            throw new ArgumentException("The HttpClient needs a BaseAddress: the Chorus server's URL.", nameof(httpClient));
        options ??= new ChorusClientOptions();
        if (options.Token is not null && options.ApiKey is not null)
            throw new ArgumentException("Give a token or an API key, not both.", nameof(options));
        _connection = new ChorusConnection(httpClient, options);
        Workflows = new WorkflowsClient(_connection);
        Executions = new ExecutionsClient(_connection);
        Schedules = new SchedulesClient(_connection);
        Webhooks = new WebhooksClient(_connection);
        RabbitMqTriggers = new RabbitMqTriggersClient(_connection);
        ApiKeys = new ApiKeysClient(_connection);
        Secrets = new SecretsClient(_connection);
    }

    /// <summary>A client with its own HttpClient for the server at <paramref name="server"/>, e.g. http://127.0.0.1:8000.</summary>
    public ChorusClient(Uri server, ChorusClientOptions? options = null)
        : this(Own(server), options)
    {
        _owned = _connection.Http;
    }

    /// <summary>The workflows, their versions, and starting them.</summary>
    public WorkflowsClient Workflows { get; }

    /// <summary>The executions: list, read, operate.</summary>
    public ExecutionsClient Executions { get; }

    /// <summary>The workflows' cron schedules.</summary>
    public SchedulesClient Schedules { get; }

    /// <summary>The workflows' webhook triggers.</summary>
    public WebhooksClient Webhooks { get; }

    /// <summary>The workflows' RabbitMQ triggers.</summary>
    public RabbitMqTriggersClient RabbitMqTriggers { get; }

    /// <summary>The tenant's API keys.</summary>
    public ApiKeysClient ApiKeys { get; }

    /// <summary>The tenant's secrets.</summary>
    public SecretsClient Secrets { get; }

    /// <summary>Liveness: <c>{"status": "ok"}</c> while the process serves (no credential needed).</summary>
    public async Task<HealthStatus> HealthAsync(CancellationToken cancellationToken = default) =>
        Answers.Read<HealthStatus>(await _connection.GetAsync("health", cancellationToken));

    /// <summary>Readiness: whether the server's database answers and takes writes. A server that is not ready
    /// answers with <c>unavailable</c> and the failed checks rather than an exception.</summary>
    public async Task<HealthStatus> ReadyAsync(CancellationToken cancellationToken = default)
    {
        var answer = await _connection.ExchangeAsync(HttpMethod.Get, "health/ready", null, null, cancellationToken);
        if (answer.Status is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
            throw new ChorusConnectionException($"the server answered {(int)answer.Status} to /health/ready; is it a Chorus server?");
        return Answers.Read<HealthStatus>(answer.Json);
    }

    /// <summary>Disposes the HttpClient this client made; one passed in stays open.</summary>
    public void Dispose() => _owned?.Dispose();

    private static HttpClient Own(Uri server)
    {
        ArgumentNullException.ThrowIfNull(server);
        // Relative paths resolve under the last '/', so a server under a path keeps it.
        var address = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        return new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(100) };
    }
}
