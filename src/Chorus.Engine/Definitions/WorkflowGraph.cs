using System.Collections.Frozen;

namespace Chorus.Engine.Definitions;

/// <summary>A validated definition compiled for the runtime: steps by id and the edges between them.
/// Immutable and shared by every execution pinned to the same version.</summary>
internal sealed class WorkflowGraph
{
    internal const string JoinType = "join";
    internal const string CommentType = "comment";

    private readonly FrozenDictionary<string, StepDefinition> _steps;
    private readonly FrozenDictionary<string, string[]> _successors;
    private readonly FrozenDictionary<string, string[]> _predecessors;

    private WorkflowGraph(WorkflowDefinition definition, string startStepId, FrozenDictionary<string, StepDefinition> steps,
        FrozenDictionary<string, string[]> successors, FrozenDictionary<string, string[]> predecessors)
    {
        Definition = definition;
        StartStepId = startStepId;
        _steps = steps;
        _successors = successors;
        _predecessors = predecessors;
        ProgressStepCount = steps.Values.Count(s => s.Type != CommentType);
    }

    public WorkflowDefinition Definition { get; }

    /// <summary><c>start_at</c>, or the first step.</summary>
    public string StartStepId { get; }

    /// <summary>Builds the graph of a definition that passed <see cref="DefinitionValidator"/>.</summary>
    public static WorkflowGraph Build(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Steps.Count == 0)
            throw new ArgumentException("A workflow graph needs at least one step.", nameof(definition));

        // The first occurrence wins, as the validator reports the later ones as duplicates.
        var steps = new Dictionary<string, StepDefinition>(StringComparer.Ordinal);
        foreach (var step in definition.Steps)
            steps.TryAdd(step.Id, step);

        var successors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var predecessors = steps.Keys.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var step in steps.Values)
        {
            successors[step.Id] = StepRoutes.Success(step).Select(r => r.Target).Distinct(StringComparer.Ordinal).ToArray();
        }
        foreach (var step in definition.Steps.Where(s => ReferenceEquals(steps[s.Id], s)))
        {
            var targets = successors[step.Id].AsEnumerable();
            if (step.OnError is { } onError)
                targets = targets.Append(onError);
            foreach (var target in targets.Distinct(StringComparer.Ordinal))
                if (predecessors.TryGetValue(target, out var into))
                    into.Add(step.Id);
        }

        var start = definition.StartAt ?? definition.Steps[0].Id;
        return new WorkflowGraph(definition, start,
            steps.ToFrozenDictionary(StringComparer.Ordinal),
            successors.ToFrozenDictionary(StringComparer.Ordinal),
            predecessors.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal));
    }

    /// <exception cref="KeyNotFoundException">No step has this id.</exception>
    public StepDefinition Step(string id) =>
        _steps.TryGetValue(id, out var step) ? step : throw UnknownStep(id);

    public bool Contains(string id) => _steps.ContainsKey(id);

    /// <summary>Every step a step may hand over to when it succeeds, in definition order: <c>next</c>,
    /// <c>next_steps</c>, and a condition's routes (structured: next_steps [if_true, if_false];
    /// expression: each <c>config.conditions[].next</c> then <c>config.default</c>).</summary>
    public IReadOnlyList<string> Successors(string id) =>
        _successors.TryGetValue(id, out var list) ? list : throw UnknownStep(id);

    /// <summary>The step's <c>on_error</c> target, taken only when it fails for good.</summary>
    public string? ErrorSuccessor(string id) => Step(id).OnError;

    /// <summary>Steps with a success or error edge into this one.</summary>
    public IReadOnlyList<string> Predecessors(string id) =>
        _predecessors.TryGetValue(id, out var list) ? list : throw UnknownStep(id);

    /// <summary>A join waits until every predecessor has finished or was skipped.</summary>
    public bool IsJoin(string id) => Step(id).Type == JoinType;

    /// <summary>Number of steps counted by progress (every step but comments).</summary>
    public int ProgressStepCount { get; }

    public IReadOnlyList<StepDefinition> Steps => Definition.Steps;

    private static KeyNotFoundException UnknownStep(string id) => new($"The workflow has no step '{id}'.");
}
