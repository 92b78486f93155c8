namespace Chorus.Engine.Steps;

/// <summary>The step types every Chorus server knows.</summary>
public static class BuiltInSteps
{
    /// <summary>A new registry holding the built-in types; the caller may add its own to it.</summary>
    public static StepRegistry CreateRegistry()
    {
        var registry = new StepRegistry();
        registry
            .Register(new TriggerStep())
            .Register(new CommentStep())
            .Register(new OutputStep())
            .Register(new AddFieldStep())
            .Register(new ActionStep(registry))
            .Register(new HttpStep())
            .Register(new ConditionStep())
            .Register(new ParallelStep(registry))
            .Register(new JoinStep())
            .Register(new WaitStep())
            .Register(new ManualInputStep())
            .Register(new SubflowStep())
            .Register(new ForeachStep(registry))
            .Register(new WebhookStep())
            .Register(new CodeStep())
            .Register(new SplitColumnsStep());
        registry.MarkBuiltIn();
        return registry;
    }
}
