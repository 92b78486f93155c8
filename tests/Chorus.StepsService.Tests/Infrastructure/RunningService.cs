using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Chorus.StepsService.Tests.Infrastructure;

/// <summary>A steps service started on real Kestrel on 127.0.0.1 (a free port), with a client for it.</summary>
internal sealed class RunningService : IAsyncDisposable
{
    private RunningService(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }
    public Uri Address { get; }
    public HttpClient Http { get; }

    public static async Task<RunningService> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningService(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>POSTs a call of <paramref name="step"/>; the answer's status and parsed body.</summary>
    public Task<Answer> CallAsync(string step, JsonObject? context = null, JsonObject? config = null, string? key = null,
        CancellationToken ct = default, IReadOnlyDictionary<string, string>? headers = null)
    {
        var body = new JsonObject { ["context"] = context?.DeepClone() ?? new JsonObject(), ["config"] = config?.DeepClone() ?? new JsonObject() };
        return SendAsync(HttpMethod.Post, $"/steps/{step}", body.ToJsonString(), key, ct, headers);
    }

    public async Task<Answer> SendAsync(HttpMethod method, string path, string? body = null, string? key = null,
        CancellationToken ct = default, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.Add(name, value);
        using var response = await Http.SendAsync(request, ct);
        return await Answer.ReadAsync(response);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
