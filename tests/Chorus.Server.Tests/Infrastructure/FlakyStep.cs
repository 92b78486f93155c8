using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>The step type "flaky": fails its first two attempts, then succeeds with the attempt count. One instance
/// per test server, so a test class counts the attempts its own server ran.</summary>
internal sealed class FlakyStep : IStepHandler
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    public string Type => "flaky";

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        return Task.FromResult<StepResult>(attempt <= 2
            ? new StepResult.Failed("flaky_failure", $"attempt {attempt} fails")
            : StepResult.Done(new JsonObject { ["attempts"] = attempt }));
    }
}
