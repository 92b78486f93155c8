using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>The JSON budget (JSON_MAX_DEPTH, STEP_OUTPUT_MAX_BYTES, CONTEXT_MAX_BYTES), enforced where a step's
/// result meets the execution, so every step type, inline bodies and resumes (signals, manual input, a child's
/// output) are held to it in one place and nothing the store could not read back is ever written.</summary>
internal sealed partial class ExecutionCommands
{
    // Step types whose output is a function of the definition and the context: another attempt would produce
    // the same value, so exceeding the budget is not retried. Anything else (http bodies, custom handlers,
    // loops and branches that may hold them) may answer differently next time.
    private static readonly HashSet<string> DeterministicTypes = new(StringComparer.Ordinal)
    {
        "addField", "output", "condition", "join", "trigger", "comment", "wait", "manual_input", "subflow", "webhook",
    };

    private const int ContextWrapping = 8;

    /// <summary>The failure a result turns into when what it hands to the execution breaks the budget: a
    /// completed step's output and variables, a child's input (an execution input, as for a start).</summary>
    private StepResult.Failed? CheckResult(StepDefinition step, StepResult result) => result switch
    {
        StepResult.Completed done => CheckOutput(step, done),
        StepResult.StartChild child when JsonBudget.Of(child.Input, options.Limits.MaxStepOutputBytes, options.Limits.MaxJsonDepth) is { Fits: false } m =>
            BudgetFailure(step, m.Verdict, "child input"),
        _ => null,
    };

    /// <summary>The failure a completed result turns into when its output or variables break the budget.</summary>
    private StepResult.Failed? CheckOutput(StepDefinition step, StepResult.Completed done)
    {
        var limits = options.Limits;
        var budget = (long)limits.MaxStepOutputBytes;
        var measure = JsonBudget.Of(done.Output, budget, limits.MaxJsonDepth);
        if (!measure.Fits)
            return BudgetFailure(step, measure.Verdict, "output");
        budget -= measure.Bytes;
        foreach (var (name, value) in done.Variables ?? new Dictionary<string, JsonNode?>())
        {
            measure = JsonBudget.Of(value, Math.Max(budget, 0), limits.MaxJsonDepth);
            if (!measure.Fits)
                return BudgetFailure(step, measure.Verdict, $"variable '{name}'");
            budget -= measure.Bytes;
        }
        return null;
    }

    /// <summary>Null when the context, with the step's result merged, is within CONTEXT_MAX_BYTES (or the tenant's
    /// smaller quota).</summary>
    private StepResult.Failed? CheckContext(StepDefinition step, ExecutionRecord e)
    {
        var quota = quotas.Current.Of(e.Tenant).MaxContextBytes;
        var limit = Math.Min(options.Limits.MaxContextBytes, quota ?? int.MaxValue);
        // Each value is checked on its own; the wrapping objects (context, variables, an error route's error and
        // details) add a few levels on top, and the stores read far deeper than this.
        if (JsonBudget.Of(e.Context, limit, options.Limits.MaxJsonDepth + ContextWrapping) is { Fits: false } measure)
            return measure.Verdict == JsonBudget.Verdict.TooDeep
                ? BudgetFailure(step, measure.Verdict, "context")
                : new StepResult.Failed(ErrorCodes.ContextTooLarge,
                    $"The execution context would be larger than {limit} bytes ({(limit == quota ? "the tenant's quota" : "CONTEXT_MAX_BYTES")}) with the result of step '{step.Id}'.",
                    new JsonObject { ["limit_bytes"] = limit }, Retryable: OutputCanChange(step));
        return null;
    }

    private StepResult.Failed BudgetFailure(StepDefinition step, JsonBudget.Verdict verdict, string what)
    {
        var limits = options.Limits;
        return verdict == JsonBudget.Verdict.TooDeep
            ? new StepResult.Failed(ErrorCodes.JsonTooDeep,
                $"The {what} of step '{step.Id}' nests deeper than {limits.MaxJsonDepth} levels (JSON_MAX_DEPTH).",
                new JsonObject { ["max_depth"] = limits.MaxJsonDepth }, Retryable: OutputCanChange(step))
            : new StepResult.Failed(ErrorCodes.StepOutputTooLarge,
                $"The {what} of step '{step.Id}' is larger than {limits.MaxStepOutputBytes} bytes (STEP_OUTPUT_MAX_BYTES).",
                new JsonObject { ["limit_bytes"] = limits.MaxStepOutputBytes }, Retryable: OutputCanChange(step));
    }

    private static bool OutputCanChange(StepDefinition step) =>
        !DeterministicTypes.Contains(step.Type)
        && !(step.Type == "action" && StepJson.String(step.Config, "action") is not "http_request");

    /// <summary>Values a step saves beside the context (its rendered config as the run's input, a failure's
    /// details) obey the same budget; one that does not is replaced by a note of its size.</summary>
    private JsonNode? Bounded(JsonNode? value)
    {
        if (value is null)
            return null;
        var measure = JsonBudget.Of(value, options.Limits.MaxStepOutputBytes, options.Limits.MaxJsonDepth);
        return measure.Fits ? value : new JsonObject
        {
            ["truncated"] = true,
            ["reason"] = measure.Verdict == JsonBudget.Verdict.TooDeep ? ErrorCodes.JsonTooDeep : ErrorCodes.StepOutputTooLarge,
        };
    }

    /// <summary>The budget of a value handed to the engine from outside (an execution input, an event's or a
    /// manual input's data): too deep is invalid input, too large is 413.</summary>
    internal static void CheckIncoming(JsonNode? value, string what, ExecutionLimits limits)
    {
        var measure = JsonBudget.Of(value, limits.MaxStepOutputBytes, limits.MaxJsonDepth);
        if (measure.Verdict == JsonBudget.Verdict.TooDeep)
            throw new ChorusException(ErrorCodes.InvalidInput, $"The {what} nests deeper than {limits.MaxJsonDepth} levels (JSON_MAX_DEPTH).",
                new JsonObject { ["reason"] = ErrorCodes.JsonTooDeep, ["max_depth"] = limits.MaxJsonDepth });
        if (measure.Verdict == JsonBudget.Verdict.TooLarge)
            throw new ChorusException(ErrorCodes.PayloadTooLarge, $"The {what} is larger than {limits.MaxStepOutputBytes} bytes (STEP_OUTPUT_MAX_BYTES).",
                new JsonObject { ["reason"] = ErrorCodes.StepOutputTooLarge, ["limit_bytes"] = limits.MaxStepOutputBytes });
    }
}
