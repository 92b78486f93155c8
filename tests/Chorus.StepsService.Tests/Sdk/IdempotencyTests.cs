using System.Text.Json.Nodes;
using Chorus.Steps;
using Chorus.StepsService.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.StepsService.Tests.Sdk;

public sealed class IdempotencyTests
{
    private static readonly JsonObject Config = new() { ["limit"] = 1 };

    [Fact]
    public async Task The_same_key_twice_runs_the_handler_once_and_replays_the_first_output()
    {
        var step = new CountingStep();
        await using var service = await SdkServices.StartAsync(s => s.AddSingleton<IStepHandler>(step));

        var first = await service.CallAsync("count", config: Config, key: "e:s:1");
        var second = await service.CallAsync("count", config: Config, key: "e:s:1");

        Assert.Equal(1, step.Runs);
        Assert.Equal(first.Text, second.Text);
        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        // Another attempt is another key: it runs.
        var retry = await service.CallAsync("count", config: Config, key: "e:s:2");
        Assert.Equal(2, retry.OutputObject["run"]!.GetValue<int>());
    }

    [Fact]
    public async Task Calls_without_a_key_always_run()
    {
        var step = new CountingStep();
        await using var service = await SdkServices.StartAsync(s => s.AddSingleton<IStepHandler>(step));

        await service.CallAsync("count", config: Config);
        await service.CallAsync("count", config: Config);

        Assert.Equal(2, step.Runs);
    }

    [Fact]
    public async Task Two_concurrent_calls_with_the_same_key_share_one_run()
    {
        var step = new CountingStep { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var service = await SdkServices.StartAsync(s => s.AddSingleton<IStepHandler>(step));
        var cache = service.Service<IdempotencyCache>();

        var first = service.CallAsync("count", config: Config, key: "e:s:1");
        await Eventually.TrueAsync(() => step.Runs == 1, "the first call runs the handler");
        var second = service.CallAsync("count", config: Config, key: "e:s:1");
        await Eventually.TrueAsync(() => cache.WaitingCallers == 2, "the second call waits for the first call's run");
        step.Gate.SetResult();

        var answers = await Task.WhenAll(first, second);
        Assert.Equal(1, step.Runs);
        Assert.Equal(answers[0].Text, answers[1].Text);
        Assert.Equal(1, answers[1].OutputObject["run"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_retryable_failure_is_not_remembered_so_the_redelivery_runs_again()
    {
        var step = new ScriptedStep("flaky", (run, _) => run == 1 ? throw new StepException("busy", "Try later.", retryable: true, status: 503) : "done");
        await using var service = await SdkServices.StartAsync(s => s.AddSingleton<IStepHandler>(step));

        (await service.CallAsync("flaky", key: "k")).AssertError(503, "busy", retryable: true);
        var second = await service.CallAsync("flaky", key: "k");

        Assert.Equal("done", second.Output!.GetValue<string>());
        Assert.Equal(2, step.Runs);
    }

    [Fact]
    public async Task An_unexpected_failure_is_not_remembered_either()
    {
        var step = new ScriptedStep("crashy", (run, _) => run == 1 ? throw new InvalidOperationException("boom") : "ok");
        await using var service = await SdkServices.StartAsync(s => s.AddSingleton<IStepHandler>(step));

        (await service.CallAsync("crashy", key: "k")).AssertError(500, "step_failed", retryable: true);
        Assert.Equal("ok", (await service.CallAsync("crashy", key: "k")).Output!.GetValue<string>());
    }

    [Fact]
    public async Task A_final_refusal_is_remembered_like_an_output()
    {
        var step = new ScriptedStep("strict", (run, _) => throw new StepException("no", $"Refused on run {run}."));
        await using var service = await SdkServices.StartAsync(s => s.AddSingleton<IStepHandler>(step));

        var first = await service.CallAsync("strict", key: "k");
        var second = await service.CallAsync("strict", key: "k");

        first.AssertError(422, "no");
        Assert.Equal(first.Text, second.Text);
        Assert.True(second.Replayed);
        Assert.Equal(1, step.Runs);
    }

    [Fact]
    public async Task Keys_are_per_step_and_per_tenant()
    {
        var step = new CountingStep();
        await using var service = await SdkServices.StartAsync(s => s.AddSingleton<IStepHandler>(step));

        await service.CallAsync("count", config: Config, key: "k", headers: new Dictionary<string, string> { ["X-Chorus-Tenant"] = "a" });
        await service.CallAsync("count", config: Config, key: "k", headers: new Dictionary<string, string> { ["X-Chorus-Tenant"] = "b" });

        Assert.Equal(2, step.Runs);
    }

    [Fact]
    public async Task The_cache_forgets_the_oldest_answers_beyond_its_size()
    {
        var step = new CountingStep();
        await using var service = await SdkServices.StartAsync(s => s.AddSingleton<IStepHandler>(step), o => o.IdempotencyCacheSize = 2);

        foreach (var key in new[] { "k1", "k2", "k3" })
            await service.CallAsync("count", config: Config, key: key);
        Assert.True(service.Service<IdempotencyCache>().Count <= 2);
        var again = await service.CallAsync("count", config: Config, key: "k1");

        Assert.False(again.Replayed);
        Assert.Equal(4, step.Runs);
    }

    [Fact]
    public async Task The_cache_forgets_answers_older_than_its_age()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var step = new CountingStep();
        await using var service = await SdkServices.StartAsync(s => s.AddSingleton<IStepHandler>(step).AddSingleton<TimeProvider>(clock),
            o => o.IdempotencyCacheAge = TimeSpan.FromMinutes(5));

        await service.CallAsync("count", config: Config, key: "k");
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.True((await service.CallAsync("count", config: Config, key: "k")).Replayed);
        clock.Advance(TimeSpan.FromMinutes(2));
        var late = await service.CallAsync("count", config: Config, key: "k");

        Assert.False(late.Replayed);
        Assert.Equal(2, step.Runs);
    }

    [Fact]
    public async Task The_handler_is_cancelled_when_its_caller_goes_away()
    {
        var step = new WaitingStep();
        await using var service = await SdkServices.StartAsync(s => s.AddSingleton<IStepHandler>(step));
        using var caller = new CancellationTokenSource();

        var call = service.CallAsync("wait", key: "k", ct: caller.Token);
        await step.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await step.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(20));
        // A cancelled run is not an answer: the redelivery runs the handler again.
        using var again = new CancellationTokenSource();
        var redelivery = service.CallAsync("wait", key: "k", ct: again.Token);
        await Eventually.TrueAsync(() => step.Runs == 2, "the redelivery runs the handler again");
        await again.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => redelivery);
    }

    [Fact]
    public async Task A_shared_run_goes_on_while_one_of_its_callers_is_still_waiting()
    {
        var step = new CountingStep { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var service = await SdkServices.StartAsync(s => s.AddSingleton<IStepHandler>(step));
        var cache = service.Service<IdempotencyCache>();
        using var leaving = new CancellationTokenSource();

        var first = service.CallAsync("count", config: Config, key: "k", ct: leaving.Token);
        await Eventually.TrueAsync(() => step.Runs == 1, "the first call runs the handler");
        var second = service.CallAsync("count", config: Config, key: "k");
        await Eventually.TrueAsync(() => cache.WaitingCallers == 2, "the second call joins");
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await Eventually.TrueAsync(() => cache.WaitingCallers == 1, "the first caller has left");
        step.Gate.SetResult();

        Assert.Equal(1, (await second).OutputObject["run"]!.GetValue<int>());
        Assert.Equal(1, step.Runs);
    }
}
