using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Expressions;
using Chorus.Engine.Outbound;
using Chorus.Engine.Runtime;

namespace Chorus.Engine.Steps;

/// <summary>Everything a handler may read while it runs one attempt of one step.</summary>
public sealed class StepExecutionContext
{
    public required TenantId Tenant { get; init; }
    public required Guid ExecutionId { get; init; }
    public required Guid WorkflowId { get; init; }
    public required StepDefinition Step { get; init; }
    public required int Attempt { get; init; }
    /// <summary>The execution context as expressions see it (<c>$</c>): input, variables, and each finished
    /// step's output under its id. A snapshot: changing it changes nothing.</summary>
    public required JsonObject Data { get; init; }
    /// <summary>Ids of the steps with an edge into this one (a join reads their outputs).</summary>
    public IReadOnlyList<string> Predecessors { get; init; } = [];
    public required IStepServices Services { get; init; }
    /// <summary>Whether the execution is a test-execute run (does not count as production history).</summary>
    public bool IsTest { get; init; }

    /// <summary>What the execution may use (JSON depth and sizes, array indexes, loop iterations).</summary>
    internal ExecutionLimits Limits { get; init; } = new();

    /// <summary>The execution's loop iterations left, shared by this step and every step it runs inline.</summary>
    internal LoopBudget Loops { get; init; } = new(0, new ExecutionLimits().MaxLoopIterations);

    /// <summary>The secrets this attempt's config refers to; null when none. Only rendering sees their values.</summary>
    internal StepSecrets? Secrets { get; init; }

    /// <summary>"execution:step:attempt", the same for every delivery of this attempt.</summary>
    public string IdempotencyKey => $"{ExecutionId}:{Step.Id}:{Attempt}";

    private JsonObject? _config;

    /// <summary>The step's config with every "{{ }}" placeholder filled from <see cref="Data"/>.</summary>
    public JsonObject Config => _config ??= RenderOnce(Step.Config, RenderScope(), Limits.MaxContextBytes) as JsonObject ?? new JsonObject();

    /// <summary>What placeholders read: the data, plus the <c>secrets</c> root when the step uses secrets.</summary>
    private JsonObject RenderScope() => Secrets is null ? Data : Secrets.With(Data);

    /// <summary>Set by a handler that runs another handler in-process (parallel, foreach) with a config it
    /// has already rendered, so values taken from the data are not rendered a second time.</summary>
    internal JsonObject? RenderedConfig { init => _config = value; }

    /// <summary>Fills placeholders in any node against the execution context plus extra root values.</summary>
    public JsonNode? Render(JsonNode? node, IReadOnlyDictionary<string, JsonNode?>? extra = null)
    {
        if (extra is null || extra.Count == 0 || !StepJson.HasPlaceholders(node))
            return RenderOnce(node, RenderScope(), Limits.MaxContextBytes);
        var scope = Secrets is null ? (JsonObject)Data.DeepClone() : Secrets.With(Data);
        foreach (var (key, value) in extra)
            scope[key] = value?.DeepClone();
        return Templates.Render(node, scope, TimeProvider.System, Limits.MaxContextBytes);
    }

    /// <summary>Most configs hold no placeholder; copying them skips the template engine on the hot path.
    /// <paramref name="maxBytes"/> bounds what the placeholders may render in all (CONTEXT_MAX_BYTES), so a
    /// config repeating <c>{{ $ }}</c> cannot build gigabytes before any output check sees it.</summary>
    internal static JsonNode? RenderOnce(JsonNode? node, JsonNode scope, long maxBytes) =>
        StepJson.HasPlaceholders(node) ? Templates.Render(node, scope, TimeProvider.System, maxBytes) : node?.DeepClone();

    /// <summary>A context for a step run inside this one (an inline parallel branch, a foreach body).</summary>
    internal StepExecutionContext Derive(StepDefinition step, JsonObject renderedConfig, JsonObject? data = null) => new()
    {
        Tenant = Tenant,
        ExecutionId = ExecutionId,
        WorkflowId = WorkflowId,
        Step = step,
        Attempt = Attempt,
        Data = data ?? Data,
        Predecessors = Predecessors,
        Services = Services,
        IsTest = IsTest,
        RenderedConfig = renderedConfig,
        Secrets = Secrets,
        Limits = Limits,
        Loops = Loops,
    };

    /// <summary>Copies a derived context's log lines into this one, where the engine reads them.</summary>
    internal void AppendLogs(StepExecutionContext child)
    {
        lock (_logs)
            _logs.AddRange(child.Logs);
    }

    /// <summary>Writes an execution log line (visible in <c>GET /api/executions/{id}/logs</c>).</summary>
    public void Log(string level, string message, JsonNode? data = null)
    {
        // Inline parallel branches and handlers' own tasks may log at the same time.
        lock (_logs)
            _logs.Add(new StepLogEntry(level, message, data));
    }

    private readonly List<StepLogEntry> _logs = [];
    internal IReadOnlyList<StepLogEntry> Logs => _logs;
}

public sealed record StepLogEntry(string Level, string Message, JsonNode? Data);

/// <summary>What the engine lends to handlers.</summary>
public interface IStepServices
{
    TimeProvider Time { get; }
    /// <summary>Every outgoing HTTP call made for a workflow goes through it, so the outbound policy holds.</summary>
    OutboundHttp Http { get; }
    StepRegistry Registry { get; }
}
