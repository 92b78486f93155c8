using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Chorus.Engine.Steps.Remote;

/// <summary>The service's catalog: read from <c>GET /steps</c> at start, then again periodically and on demand. A read
/// that fails keeps the last catalog, so a service that goes down keeps its steps known (their calls then fail or
/// fall back) instead of turning saved workflows into unknown types.</summary>
internal sealed partial class StepsServiceClient
{
    private const long MaxCatalogBytes = 8 * 1024 * 1024;
    private volatile FrozenDictionary<string, RemoteStep> _steps = FrozenDictionary<string, RemoteStep>.Empty;
    private volatile string? _problem = "not read yet";
    private readonly Lock _readLock = new();

    public IReadOnlyDictionary<string, RemoteStep> Steps => _steps;

    /// <summary>Why the last read failed; null when it succeeded.</summary>
    public string? Problem => _problem;

    public bool EverRead { get; private set; }

    /// <summary>When the background loop reads this service next.</summary>
    internal DateTimeOffset NextReadAt { get; set; }

    /// <summary>Failed reads in a row, for the background loop's backoff.</summary>
    internal int FailedReads { get; private set; }

    public async Task<bool> RefreshAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(timeout);
        try
        {
            using var response = await _http.GetAsync(new Uri(BaseUrl, "steps"), HttpCompletionOption.ResponseHeadersRead, bounded.Token).ConfigureAwait(false);
            var answer = await RemoteAnswer.ReadAsync(response, MaxCatalogBytes, bounded.Token).ConfigureAwait(false);
            return Accept(answer);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return Reject(ex is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.###} s" : ex.Message);
        }
    }

    /// <summary>The same read without an async caller: validation at save is synchronous, and asks only when a name
    /// is unknown, at most once per <see cref="RemoteStepsOptions.OnDemandRefreshInterval"/>.</summary>
    public bool Refresh(TimeSpan timeout)
    {
        using var bounded = new CancellationTokenSource(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl, "steps"));
            using var response = _http.Send(request, HttpCompletionOption.ResponseContentRead, bounded.Token);
            if (response.Content.Headers.ContentLength > MaxCatalogBytes)
                return Reject("the catalog is too large");
            using var stream = response.Content.ReadAsStream(bounded.Token);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return Accept(new RemoteAnswer((int)response.StatusCode, RemoteAnswer.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length))));
        }
        catch (Exception ex)
        {
            return Reject(ex is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.###} s" : ex.Message);
        }
    }

    private bool Accept(RemoteAnswer answer)
    {
        if (!answer.IsSuccess)
            return Reject($"GET /steps answered HTTP {answer.Status}");
        if (answer.Body?["steps"] is not JsonArray items)
            return Reject("GET /steps did not answer {\"steps\": [...]}");
        var steps = new Dictionary<string, RemoteStep>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (RemoteStep.From(item, BaseUrl) is { } step)
                steps.TryAdd(step.Name, step);
            else
                _logger.LogWarning("steps service {Service} lists a step without a valid name; it is ignored", Name);
        }
        lock (_readLock)
        {
            var wasDown = _problem is not null;
            var added = steps.Keys.Except(_steps.Keys).ToList();
            _steps = steps.ToFrozenDictionary(StringComparer.Ordinal);
            _problem = null;
            EverRead = true;
            FailedReads = 0;
            if (wasDown || added.Count > 0)
                _logger.LogInformation("steps service {Service} offers {Count} steps: {Steps}", Name, steps.Count, string.Join(", ", steps.Keys.Order(StringComparer.Ordinal)));
        }
        return true;
    }

    private bool Reject(string problem)
    {
        lock (_readLock)
        {
            if (_problem is null || !EverRead && FailedReads == 0)
                _logger.LogWarning("steps service {Service} catalog could not be read: {Problem}", Name, problem);
            _problem = problem;
            FailedReads++;
        }
        return false;
    }
}
