using System.Text.Json.Nodes;

namespace Chorus.Steps;

/// <summary>One step a steps service offers to the Chorus engine. Register it with
/// <see cref="StepsServiceCollectionExtensions.AddStepHandler{T}"/>; the service lists it at <c>GET /steps</c> and
/// runs it at <c>POST /steps/{name}</c>. Handlers are singletons and may be called concurrently.</summary>
public interface IStepHandler
{
    /// <summary>The step's name, as workflows use it: <c>^[a-z][a-z0-9_]{0,63}$</c>, unique within the service.</summary>
    string Name { get; }

    /// <summary>One sentence for people building workflows (the editor shows it).</summary>
    string Description { get; }

    /// <summary>JSON Schema (draft 2020-12) of the step's config; an empty object when it takes none. A call whose
    /// config does not match is refused with 400 <c>step_configuration_error</c> before the handler runs.</summary>
    JsonObject ConfigSchema { get; }

    /// <summary>JSON Schema of the output, for the editor and for documentation; an empty object when unspecified.</summary>
    JsonObject OutputSchema { get; }

    /// <summary>How long one call may take before it is cancelled and answered 504 <c>timeout</c> (retryable);
    /// null leaves it to the caller (the engine's default for remote steps is 60 s).</summary>
    TimeSpan? Timeout => null;

    /// <summary>Runs the step. The returned node becomes <c>{"output": ...}</c>. Throw <see cref="StepException"/> for a
    /// refusal the workflow should see; any other exception is answered 500 <c>step_failed</c> (retryable).
    /// <paramref name="ct"/> is cancelled when every caller waiting for this answer has gone, or at the timeout.</summary>
    Task<JsonNode?> ExecuteAsync(StepRequest request, CancellationToken ct);
}
