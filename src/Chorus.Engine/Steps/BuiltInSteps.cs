namespace Chorus.Engine.Steps;

/// <summary>The step types every Chorus server knows.</summary>
public static class BuiltInSteps
{
    public static StepRegistry CreateRegistry() => throw new NotImplementedException();
}
