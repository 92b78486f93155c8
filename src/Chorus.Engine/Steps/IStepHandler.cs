using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Runs one step type. Register an implementation in the <see cref="StepRegistry"/> to add a type.
/// A handler may run more than once for the same step (at-least-once): forward
/// <see cref="StepExecutionContext.IdempotencyKey"/> to anything external.</summary>
public interface IStepHandler
{
    /// <summary>The step type as written in definitions, e.g. "http".</summary>
    string Type { get; }

    Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken);

    /// <summary>True when running this step has no effect outside the execution and waits for nothing (it only reads
    /// the context and returns an output), and it finishes in microseconds. The engine then runs it inside the commit
    /// that decided it, so a chain of such steps costs one commit instead of one each; it is still recorded as a step
    /// run with its events. False (the default) for anything that calls out, writes elsewhere, waits or may run long.</summary>
    bool IsPure(StepDefinition step) => false;

    /// <summary>Problems in a step's config found when the definition is saved.</summary>
    IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) => [];

    /// <summary>How the type is offered to an editor (<c>GET /api/available-steps</c>); null lists it by name only.</summary>
    StepDescription? Describe() => null;
}

/// <summary>A config problem: <paramref name="Field"/> is the config path, e.g. "config.url".</summary>
public sealed record StepConfigIssue(string Field, string Message);

/// <summary>Thrown by a handler whose config is wrong at run time; the step fails without retries.</summary>
public sealed class StepConfigurationException(string message) : Exception(message);
