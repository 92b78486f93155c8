namespace Chorus.Engine.Definitions;

/// <summary>A validated definition compiled for the runtime: steps by id and the edges between them.
/// Immutable and shared by every execution pinned to the same version.</summary>
public sealed class WorkflowGraph
{
    private WorkflowGraph(WorkflowDefinition definition, string startStepId)
    {
        Definition = definition;
        StartStepId = startStepId;
    }

    public WorkflowDefinition Definition { get; }

    /// <summary><c>start_at</c>, or the first step.</summary>
    public string StartStepId { get; }

    /// <summary>Builds the graph of a definition that passed <see cref="DefinitionValidator"/>.</summary>
    public static WorkflowGraph Build(WorkflowDefinition definition) => throw new NotImplementedException(definition.Name);

    public StepDefinition Step(string id) => throw new NotImplementedException(id);

    public bool Contains(string id) => throw new NotImplementedException(id);

    /// <summary>Every step a step may hand over to when it succeeds, in definition order: <c>next</c>,
    /// <c>next_steps</c>, and a condition's routes (structured: next_steps [if_true, if_false];
    /// expression: each <c>config.conditions[].next</c> then <c>config.default</c>).</summary>
    public IReadOnlyList<string> Successors(string id) => throw new NotImplementedException(id);

    /// <summary>The step's <c>on_error</c> target, taken only when it fails for good.</summary>
    public string? ErrorSuccessor(string id) => throw new NotImplementedException(id);

    /// <summary>Steps with a success or error edge into this one.</summary>
    public IReadOnlyList<string> Predecessors(string id) => throw new NotImplementedException(id);

    /// <summary>A join waits until every predecessor has finished or was skipped.</summary>
    public bool IsJoin(string id) => throw new NotImplementedException(id);

    /// <summary>Number of steps counted by progress (every step but comments).</summary>
    public int ProgressStepCount => throw new NotImplementedException();

    public IReadOnlyList<StepDefinition> Steps => Definition.Steps;
}
