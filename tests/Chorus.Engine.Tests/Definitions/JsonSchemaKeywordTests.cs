using System.Text.Json.Nodes;
using Chorus.Engine.Tests.Runtime;

namespace Chorus.Engine.Tests.Definitions;

/// <summary>Draft 2020-12 keywords through the real start path: a workflow with the schema as its input_schema is
/// saved, then started once with input that passes and once with input that fails.</summary>
public sealed class JsonSchemaKeywordTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<string, string, string> Keywords => new()
    {
        { """{"format": "email"}""", "\"ada@example.com\"", "\"not an address\"" },
        { """{"format": "date-time"}""", "\"2030-01-01T08:00:00Z\"", "\"tomorrow\"" },
        { """{"format": "uuid"}""", "\"0b9a3f4e-2f43-4c55-9a1e-7f0c6f1d2e3a\"", "\"0b9a3f4e\"" },
        { """{"oneOf": [{"type": "string"}, {"type": "integer"}]}""", "\"x\"", "1.5" },
        { """{"oneOf": [{"minimum": 0}, {"maximum": 10}]}""", "-1", "5" },
        { """{"anyOf": [{"type": "string"}, {"type": "boolean"}]}""", "true", "1" },
        { """{"allOf": [{"minimum": 0}, {"maximum": 10}]}""", "5", "11" },
        { """{"not": {"type": "string"}}""", "1", "\"x\"" },
        { """{"$defs": {"id": {"type": "string", "minLength": 3}}, "properties": {"id": {"$ref": "#/$defs/id"}}}""", """{"id": "abc"}""", """{"id": "a"}""" },
        { """{"const": "fixed"}""", "\"fixed\"", "\"other\"" },
        { """{"enum": ["red", "green"]}""", "\"green\"", "\"blue\"" },
        { """{"if": {"properties": {"kind": {"const": "card"}}}, "then": {"required": ["number"]}, "else": {"required": ["iban"]}}""",
            """{"kind": "card", "number": "4111"}""", """{"kind": "card", "iban": "DE00"}""" },
        { """{"dependentRequired": {"card": ["expiry"]}}""", """{"card": "4111", "expiry": "12/30"}""", """{"card": "4111"}""" },
        { """{"patternProperties": {"^x_": {"type": "integer"}}, "additionalProperties": false}""", """{"x_a": 1}""", """{"x_a": "1"}""" },
        { """{"patternProperties": {"^x_": {"type": "integer"}}, "additionalProperties": false}""", """{"x_b": 2}""", """{"y": 1}""" },
        { """{"properties": {"a": {}}, "additionalProperties": false}""", """{"a": 1}""", """{"a": 1, "b": 2}""" },
        { """{"minItems": 2, "uniqueItems": true}""", "[1, 2]", "[1, 1]" },
        { """{"minItems": 2}""", "[1, 2]", "[1]" },
        { """{"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false}""", """["a", 1]""", """["a", 1, true]""" },
        { """{"contains": {"type": "integer"}, "maxContains": 1}""", """["a", 1]""", """["a", 1, 2]""" },
        { """{"propertyNames": {"pattern": "^[a-z]+$"}}""", """{"abc": 1}""", """{"ABC": 1}""" },
        { """{"multipleOf": 5}""", "10", "12" },
        { """{"minProperties": 1}""", """{"a": 1}""", "{}" },
        { """{"dependentSchemas": {"a": {"required": ["b"]}}}""", """{"a": 1, "b": 2}""", """{"a": 1}""" },
    };

    [Theory]
    [MemberData(nameof(Keywords))]
    public async Task Start_InputMatchingTheSchema_StartsAndInputBreakingIt_IsRefused(string schema, string passing, string failing)
    {
        var workflow = await _h.CreateWorkflowAsync($$"""
            {"name": "schema-keyword", "input_schema": {{schema}}, "steps": [{"id": "a", "name": "A", "type": "count"}]}
            """);

        await _h.StartAsync(workflow, JsonNode.Parse(passing));
        var refused = await Assert.ThrowsAsync<ChorusException>(() => _h.StartAsync(workflow, JsonNode.Parse(failing)));

        Assert.Equal(ErrorCodes.InvalidInput, refused.Code);
        Assert.StartsWith("The input does not match the workflow's input_schema: $", refused.Message);
    }

    [Fact]
    public async Task Start_FailingFormat_NamesThePathAndTheFormat()
    {
        var workflow = await _h.CreateWorkflowAsync("""
            {"name": "email", "input_schema": {"properties": {"to": {"format": "email"}}}, "steps": [{"id": "a", "name": "A", "type": "count"}]}
            """);

        var refused = await Assert.ThrowsAsync<ChorusException>(() => _h.StartAsync(workflow, JsonNode.Parse("""{"to": "nobody"}""")));

        Assert.Contains("$.to", refused.Message);
        Assert.Contains("email", refused.Message);
    }

    [Fact]
    public async Task Start_CatastrophicPattern_IsRefusedInTimeInsteadOfHanging()
    {
        var workflow = await _h.CreateWorkflowAsync("""
            {"name": "regex", "input_schema": {"properties": {"s": {"pattern": "^(a|aa)+\\1$"}}}, "steps": [{"id": "a", "name": "A", "type": "count"}]}
            """);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var refused = await Assert.ThrowsAsync<ChorusException>(() =>
            _h.StartAsync(workflow, new JsonObject { ["s"] = new string('a', 5000) + "b" }));

        Assert.Equal(ErrorCodes.InvalidInput, refused.Code);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");
    }
}
