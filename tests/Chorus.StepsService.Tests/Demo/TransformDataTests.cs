using System.Text.Json.Nodes;
using Chorus.StepsService.Tests.Infrastructure;

namespace Chorus.StepsService.Tests.Demo;

/// <summary>The slow demo step: run once per attempt, stopped when its caller gives up.</summary>
public sealed class TransformDataTests
{
    private static readonly JsonObject Context = new()
    {
        ["fetch_user"] = new JsonObject { ["id"] = 1, ["name"] = "ada lovelace", ["email"] = "ADA@example.com", ["role"] = "admin", ["score"] = 92 },
    };

    [Fact]
    public async Task A_redelivered_attempt_is_answered_without_running_again_as_its_log_shows()
    {
        var logs = new CapturedLogs();
        await using var service = await SdkServices.StartDemoAsync(logs);
        var config = new JsonObject { ["delay_ms"] = 300 };

        var concurrent = await Task.WhenAll(
            service.CallAsync("transform_data", Context, config, key: "exec-1:transform:1"),
            service.CallAsync("transform_data", Context, config, key: "exec-1:transform:1"));
        var later = await service.CallAsync("transform_data", Context, config, key: "exec-1:transform:1");

        Assert.Equal(concurrent[0].Text, concurrent[1].Text);
        Assert.Equal(concurrent[0].Text, later.Text);
        Assert.True(later.Replayed);
        var runs = logs.Messages.Where(m => m.StartsWith("transform_data run", StringComparison.Ordinal)).ToList();
        Assert.Equal(["transform_data run 1 for idempotency key exec-1:transform:1"], runs);

        // The next attempt is a new key and runs.
        await service.CallAsync("transform_data", Context, config, key: "exec-1:transform:2");
        Assert.Contains("transform_data run 1 for idempotency key exec-1:transform:2", logs.Messages);
    }

    [Fact]
    public async Task A_caller_that_times_out_cancels_the_slow_work()
    {
        var logs = new CapturedLogs();
        await using var service = await SdkServices.StartDemoAsync(logs);
        using var caller = new CancellationTokenSource();

        var call = service.CallAsync("transform_data", Context, new JsonObject { ["delay_ms"] = 600_000 }, key: "exec-2:transform:1", ct: caller.Token);
        await logs.WaitForAsync(m => m == "transform_data run 1 for idempotency key exec-2:transform:1");
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await logs.WaitForAsync(m => m.StartsWith("Step transform_data cancelled for exec-2:transform:1", StringComparison.Ordinal));
        // Cancelled work is not an answer: the redelivery runs it again.
        var again = await service.CallAsync("transform_data", Context, new JsonObject { ["delay_ms"] = 0 }, key: "exec-2:transform:1");
        Assert.Equal("Ada Lovelace", again.OutputObject["name"]!.GetValue<string>());
        Assert.Contains("transform_data run 2 for idempotency key exec-2:transform:1", logs.Messages);
    }
}
