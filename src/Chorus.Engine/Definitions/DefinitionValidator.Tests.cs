namespace Chorus.Engine.Definitions;

internal static partial class DefinitionValidator
{
    /// <summary>A test case may only name steps the workflow has: a renamed step makes its cases fail to save
    /// rather than fail (or pass) for the wrong reason when run.</summary>
    private static void CheckTests(WorkflowDefinition definition, Dictionary<string, StepDefinition> steps, List<DefinitionError> errors)
    {
        for (var i = 0; i < definition.Tests.Count; i++)
        {
            var test = definition.Tests[i];
            foreach (var stepId in test.Inputs.Keys.Where(id => !steps.ContainsKey(id)))
                errors.Add(new DefinitionError(null, $"tests[{i}].inputs", $"Test case '{test.Name}' gives input to step '{stepId}', which does not exist."));
            foreach (var stepId in (test.Expect.Path ?? []).Where(id => !steps.ContainsKey(id)).Distinct())
                errors.Add(new DefinitionError(null, $"tests[{i}].expect.path", $"Test case '{test.Name}' expects a path through step '{stepId}', which does not exist."));
        }
    }
}
