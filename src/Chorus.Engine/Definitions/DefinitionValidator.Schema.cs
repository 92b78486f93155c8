namespace Chorus.Engine.Definitions;

internal static partial class DefinitionValidator
{
    private static void CheckSchema(WorkflowDefinition definition, List<DefinitionError> errors)
    {
        if (definition.InputSchema is not { } schema)
            return;
        foreach (var error in JsonSchemaValidator.CheckSchema(schema))
            errors.Add(new DefinitionError(null, "input_schema" + WithoutRoot(error.Path), error.Message));
    }

    internal static string WithoutRoot(string path) => path.StartsWith('$') ? path[1..] : path;
}
