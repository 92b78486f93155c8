using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Tests.Definitions;

public class JsonSchemaValidatorTests
{
    private static IReadOnlyList<SchemaError> Validate(string schema, string instance) =>
        JsonSchemaValidator.Validate(JsonNode.Parse(schema)!.AsObject(), JsonNode.Parse(instance));

    private static void AssertSingle(string schema, string instance, string path, string message) =>
        Assert.Equal(new SchemaError(path, message), Assert.Single(Validate(schema, instance)));

    [Theory]
    [InlineData("string", "\"x\"")]
    [InlineData("number", "1.5")]
    [InlineData("number", "2")]
    [InlineData("integer", "2")]
    [InlineData("integer", "2.0")]
    [InlineData("integer", "1e40")]
    [InlineData("boolean", "false")]
    [InlineData("null", "null")]
    [InlineData("object", "{}")]
    [InlineData("array", "[]")]
    public void Validate_MatchingType_HasNoErrors(string type, string instance) =>
        Assert.Empty(Validate($$"""{"type": "{{type}}"}""", instance));

    [Theory]
    [InlineData("string", "1")]
    [InlineData("number", "\"1\"")]
    [InlineData("integer", "1.5")]
    [InlineData("boolean", "0")]
    [InlineData("null", "false")]
    [InlineData("object", "[]")]
    [InlineData("array", "{}")]
    public void Validate_WrongType_ReportsExpectedType(string type, string instance) =>
        AssertSingle($$"""{"type": "{{type}}"}""", instance, "$", $"must be of type {type}");

    [Fact]
    public void Validate_TypeArray_AcceptsAnyListed()
    {
        Assert.Empty(Validate("""{"type": ["string", "null"]}""", "null"));
        AssertSingle("""{"type": ["string", "null"]}""", "3", "$", "must be of type string or null");
    }

    [Fact]
    public void Validate_RequiredAndNested_ReportsEveryErrorWithPath()
    {
        const string schema = """
            {"type": "object", "required": ["user", "id"],
             "properties": {"id": {"type": "integer"},
                            "user": {"type": "object", "required": ["email", "name"],
                                     "properties": {"email": {"type": "string"}, "age": {"type": "integer", "minimum": 0}}}}}
            """;
        var errors = Validate(schema, """{"id": "7", "user": {"name": "Ada", "age": -1}}""");
        Assert.Equal(
            [new SchemaError("$.user.email", "is required"), new SchemaError("$.id", "must be of type integer"),
             new SchemaError("$.user.age", "must be at least 0")],
            errors.OrderBy(e => e.Message == "is required" ? 0 : 1).ThenBy(e => e.Path));
    }

    [Fact]
    public void Validate_ValidNestedInstance_HasNoErrors() =>
        Assert.Empty(Validate("""{"properties": {"a": {"properties": {"b": {"type": "string"}}}}}""", """{"a": {"b": "x"}, "c": 1}"""));

    [Fact]
    public void Validate_AdditionalPropertiesFalse_RejectsUnknownKeys()
    {
        var errors = Validate("""{"properties": {"a": {}}, "additionalProperties": false}""", """{"a": 1, "b": 2, "odd key": 3}""");
        Assert.Equal([new SchemaError("$.b", "is not allowed"), new SchemaError("$['odd key']", "is not allowed")], errors);
    }

    [Fact]
    public void Validate_AdditionalPropertiesSchema_ValidatesUnknownKeys() =>
        AssertSingle("""{"properties": {"a": {}}, "additionalProperties": {"type": "string"}}""", """{"a": 1, "b": "ok", "c": 2}""",
            "$.c", "must be of type string");

    [Fact]
    public void Validate_Items_ValidatesEachWithIndexPath()
    {
        var errors = Validate("""{"type": "array", "items": {"type": "object", "required": ["id"]}}""", """[{"id": 1}, {}, {"id": 2}, {}]""");
        Assert.Equal([new SchemaError("$[1].id", "is required"), new SchemaError("$[3].id", "is required")], errors);
    }

    [Theory]
    [InlineData("""{"enum": ["a", "b"]}""", "\"c\"", "must be one of [\"a\",\"b\"]")]
    [InlineData("""{"enum": [1, null]}""", "2", "must be one of [1,null]")]
    [InlineData("""{"const": {"x": 1}}""", """{"x": 2}""", "must be equal to {\"x\":1}")]
    [InlineData("""{"minimum": 5}""", "4.9", "must be at least 5")]
    [InlineData("""{"maximum": 5}""", "5.1", "must be at most 5")]
    [InlineData("""{"exclusiveMinimum": 5}""", "5", "must be greater than 5")]
    [InlineData("""{"exclusiveMaximum": 5}""", "5", "must be less than 5")]
    [InlineData("""{"minimum": 5, "exclusiveMinimum": true}""", "5", "must be greater than 5")]
    [InlineData("""{"minLength": 3}""", "\"ab\"", "must be at least 3 characters long")]
    [InlineData("""{"maxLength": 2}""", "\"abc\"", "must be at most 2 characters long")]
    [InlineData("""{"pattern": "^[a-z]+@[a-z]+$"}""", "\"Ada@x\"", "must match the pattern '^[a-z]+@[a-z]+$'")]
    [InlineData("""{"minItems": 2}""", "[1]", "must have at least 2 items")]
    [InlineData("""{"maxItems": 1}""", "[1, 2]", "must have at most 1 items")]
    public void Validate_Violation_ReportsMessage(string schema, string instance, string message) =>
        AssertSingle(schema, instance, "$", message);

    [Theory]
    [InlineData("""{"enum": ["a", 1]}""", "1.0")]
    [InlineData("""{"const": [1, {"a": null}]}""", """[1.0, {"a": null}]""")]
    [InlineData("""{"minimum": 5, "maximum": 5}""", "5")]
    [InlineData("""{"exclusiveMinimum": 5, "exclusiveMaximum": 6}""", "5.5")]
    [InlineData("""{"minLength": 2, "maxLength": 2}""", "\"😀😀\"")]
    [InlineData("""{"pattern": "\\d"}""", "\"a1b\"")]
    [InlineData("""{"minItems": 1, "maxItems": 1}""", "[0]")]
    [InlineData("""{"minLength": 5, "minimum": 3, "minItems": 4}""", "true")]
    [InlineData("""{"title": "T", "description": "D", "$schema": "https://json-schema.org/draft/2020-12/schema", "format": "email", "unknown": 1}""", "\"ada@example.com\"")]
    public void Validate_Satisfied_HasNoErrors(string schema, string instance) => Assert.Empty(Validate(schema, instance));

    [Fact]
    public void Validate_FalseSubschema_RejectsProperty() =>
        AssertSingle("""{"properties": {"legacy": false}}""", """{"legacy": 1}""", "$.legacy", "is not allowed");

    // A schema that does not build (only an old stored one can: saving checks it) refuses input instead of throwing.
    [Fact]
    public void Validate_BadKeywordShapes_RefuseInputNotThrow() =>
        Assert.StartsWith("cannot be checked: the schema is not a valid JSON Schema",
            Assert.Single(Validate("""{"type": 5, "required": "a", "minLength": "x", "properties": [], "pattern": "("}""", "{}")).Message);
}
