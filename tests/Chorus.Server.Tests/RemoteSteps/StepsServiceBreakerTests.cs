using System.Text.Json.Nodes;
using Chorus.Engine.Steps.Remote;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.RemoteSteps;

/// <summary>The breaker of one steps service, driven directly against a real service, with its log lines.</summary>
public sealed class StepsServiceBreakerTests
{
    [Fact]
    public async Task Breaker_OpensHalfOpensAndCloses_LoggingEachChangeWithTheServiceUrl()
    {
        var failing = true;
        await using var service = await FakeStepsService.StartAsync(new FakeStep
        {
            Name = "broken",
            Answer = (_, _, _) => Task.FromResult(Volatile.Read(ref failing)
                ? FakeReply.Error(503, "unavailable", "down for maintenance", retryable: true)
                : FakeReply.Output(new JsonObject { ["ok"] = true })),
        });
        var logs = new ListLoggerFactory();
        var options = new RemoteStepsOptions
        {
            Services = [service.Url],
            CallRetries = 0,
            BreakerFailures = 2,
            BreakDuration = TimeSpan.FromMilliseconds(500),
        };
        await using var catalog = new RemoteStepCatalog(options, TimeProvider.System, logs);
        await catalog.StartAsync(CancellationToken.None);
        var client = Assert.Single(catalog.Services);
        var call = new RemoteCall("broken", """{"context":{},"config":{}}"""u8.ToArray(), [("Idempotency-Key", "e:s:1")], TimeSpan.FromSeconds(10), 1 << 20);

        await Assert.ThrowsAsync<RemoteUnavailableException>(() => client.CallAsync(call, CancellationToken.None));
        await Assert.ThrowsAsync<RemoteUnavailableException>(() => client.CallAsync(call, CancellationToken.None));
        var open = await Assert.ThrowsAsync<RemoteUnavailableException>(() => client.CallAsync(call, CancellationToken.None));
        Assert.Contains("circuit", open.Message);
        Assert.Equal(2, service.CallsOf("broken").Count);

        Volatile.Write(ref failing, false);
        RemoteAnswer? answer = null;
        for (var tries = 0; tries < 100 && answer is null; tries++)
        {
            try
            {
                answer = await client.CallAsync(call, CancellationToken.None);
            }
            catch (RemoteUnavailableException)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(answer);
        Assert.True(answer.IsSuccess);
        var name = service.Url.AbsoluteUri.TrimEnd('/');
        Assert.Contains(logs.Lines, l => l.StartsWith("steps service circuit opened for " + name, StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.StartsWith("steps service circuit half-open for " + name, StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l == "steps service circuit closed for " + name);
    }
}
