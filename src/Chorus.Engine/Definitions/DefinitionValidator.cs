using Chorus.Engine.Steps;

namespace Chorus.Engine.Definitions;

/// <summary>Checks what the parser cannot: the graph, the step types, their config and expressions.</summary>
public static class DefinitionValidator
{
    public static IReadOnlyList<DefinitionError> Validate(WorkflowDefinition definition, StepRegistry registry) => throw new NotImplementedException(definition.Name + registry);
}
