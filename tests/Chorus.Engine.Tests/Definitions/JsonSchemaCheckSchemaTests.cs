using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Tests.Definitions;

public class JsonSchemaCheckSchemaTests
{
    private static IReadOnlyList<SchemaError> Check(string schema) => JsonSchemaValidator.CheckSchema(JsonNode.Parse(schema)!.AsObject());

    [Fact]
    public void CheckSchema_ValidSchema_HasNoErrors() => Assert.Empty(Check("""
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Input", "type": "object",
         "required": ["email"], "additionalProperties": false,
         "properties": {"email": {"type": "string", "pattern": "^.+@.+$", "minLength": 3, "maxLength": 200, "format": "email"},
                        "age": {"type": ["integer", "null"], "minimum": 0, "exclusiveMaximum": 150},
                        "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "minItems": 0, "maxItems": 5},
                        "any": true}}
        """));

    [Theory]
    [InlineData("""{"type": "strin"}""", "$.type", "has unknown type 'strin'")]
    [InlineData("""{"type": ["string", "float"]}""", "$.type", "has unknown type 'float'")]
    [InlineData("""{"type": 3}""", "$.type", "must be a type name or an array of type names")]
    [InlineData("""{"type": []}""", "$.type", "must name at least one type")]
    [InlineData("""{"required": "email"}""", "$.required", "must be an array of property names")]
    [InlineData("""{"required": [1]}""", "$.required", "must be an array of property names")]
    [InlineData("""{"properties": ["a"]}""", "$.properties", "must be an object of schemas")]
    [InlineData("""{"properties": {"a": 5}}""", "$.properties.a", "must be a schema object or a boolean")]
    [InlineData("""{"properties": {"a": {"type": "text"}}}""", "$.properties.a.type", "has unknown type 'text'")]
    [InlineData("""{"properties": {"my key": {"minLength": -1}}}""", "$.properties['my key'].minLength", "must be a non-negative integer")]
    [InlineData("""{"items": {"pattern": "("}}""", "$.items.pattern", "is not a valid regular expression")]
    [InlineData("""{"additionalProperties": "no"}""", "$.additionalProperties", "must be a schema object or a boolean")]
    [InlineData("""{"minLength": -1}""", "$.minLength", "must be a non-negative integer")]
    [InlineData("""{"maxItems": 1.5}""", "$.maxItems", "must be a non-negative integer")]
    [InlineData("""{"minItems": "2"}""", "$.minItems", "must be a non-negative integer")]
    [InlineData("""{"minimum": "0"}""", "$.minimum", "must be a number")]
    [InlineData("""{"exclusiveMaximum": "9"}""", "$.exclusiveMaximum", "must be a number")]
    [InlineData("""{"enum": "a"}""", "$.enum", "must be an array")]
    [InlineData("""{"pattern": 5}""", "$.pattern", "must be a string")]
    [InlineData("""{"pattern": "[a-"}""", "$.pattern", "is not a valid regular expression")]
    [InlineData("""{"minLength": 5, "maxLength": 2}""", "$.minLength", "is greater than maxLength")]
    public void CheckSchema_Mistake_ReportsPathAndMessage(string schema, string path, string message)
    {
        var error = Assert.Single(Check(schema));
        Assert.Equal(path, error.Path);
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void CheckSchema_SeveralMistakes_ReportsAll() =>
        Assert.Equal(3, Check("""{"type": "strng", "required": {}, "properties": {"a": {"pattern": "("}}}""").Count);
}
