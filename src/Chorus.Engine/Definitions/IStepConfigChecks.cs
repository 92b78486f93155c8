namespace Chorus.Engine.Definitions;

/// <summary>The checks of a step that need the step types (known type, handler-specific config, execution
/// limits of literal values). The step registry implements it; definitions are validated against it without
/// depending on the steps, which are built on definitions.</summary>
public interface IStepConfigChecks
{
    /// <summary>Adds to <paramref name="errors"/> what is wrong with the step's type and config.</summary>
    void Check(StepDefinition step, List<DefinitionError> errors);
}
