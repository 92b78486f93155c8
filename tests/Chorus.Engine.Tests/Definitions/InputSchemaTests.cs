using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;

namespace Chorus.Engine.Tests.Definitions;

/// <summary>Schemas are compiled when a definition is saved: one that cannot be built, or that refers to a schema
/// outside itself, is refused then, naming the field, instead of failing when input arrives.</summary>
public sealed class InputSchemaTests
{
    private static IReadOnlyList<DefinitionError> Validate(string json) =>
        DefinitionValidator.Validate(TestWorkflows.Parse(json), BuiltInSteps.CreateRegistry());

    private static IReadOnlyList<DefinitionError> WithInputSchema(string inputSchema) => Validate($$$"""
        {"name": "x", "input_schema": {{{inputSchema}}}, "steps": [{"id": "a", "name": "A", "type": "comment"}]}
        """);

    [Theory]
    [InlineData("""{"$ref": "https://example.com/schemas/order.json"}""", "cannot be resolved")]
    [InlineData("""{"properties": {"a": {"$ref": "http://localhost:1/x"}}}""", "remote schemas are not fetched")]
    [InlineData("""{"$ref": "#/$defs/missing"}""", "cannot be resolved")]
    [InlineData("""{"$defs": {"a": {}}, "properties": {"x": {"$ref": "#/$defs/b"}}}""", "cannot be resolved")]
    [InlineData("""{"$schema": "https://example.com/my-dialect"}""", "is not a valid JSON Schema")]
    [InlineData("""{"oneOf": {"type": "string"}}""", "is not a valid JSON Schema")]
    [InlineData("""{"patternProperties": {"(": {}}}""", "is not a valid JSON Schema")]
    [InlineData("""{"format": 5}""", "is not a valid JSON Schema")]
    public void Save_UnbuildableInputSchema_IsRefusedNamingTheField(string schema, string message)
    {
        var error = Assert.Single(WithInputSchema(schema));

        Assert.Equal((null, "input_schema"), (error.StepId, error.Field));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("""{"$defs": {"id": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/id"}}}""")]
    [InlineData("""{"$id": "https://example.com/root", "$defs": {"n": {"$anchor": "n", "type": "integer"}}, "items": {"$ref": "#n"}}""")]
    [InlineData("""{"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"n": {"type": "integer"}}, "properties": {"a": {"$ref": "#/definitions/n"}}}""")]
    [InlineData("""{"minimum": 0, "exclusiveMinimum": true}""")]
    public void Save_SchemaWithLocalReferencesOrAnOlderDraft_IsAccepted(string schema) => Assert.Empty(WithInputSchema(schema));

    [Fact]
    public void Save_ManualInputStepWithRemoteRef_IsRefusedNamingTheStep()
    {
        var error = Assert.Single(Validate("""
            {"name": "x", "steps": [{"id": "ask", "name": "Ask", "type": "manualInput",
              "config": {"schema": {"properties": {"a": {"$ref": "https://example.com/a.json"}}}}}]}
            """));

        Assert.Equal(("ask", "config.schema"), (error.StepId, error.Field));
        Assert.Contains("cannot be resolved", error.Message);
    }
}
