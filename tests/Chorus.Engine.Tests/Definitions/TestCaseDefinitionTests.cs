using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Tests.Definitions;

/// <summary>The <c>tests</c> of a definition: read into test cases, each bad part refused with its field.</summary>
public sealed class TestCaseDefinitionTests
{
    private static WorkflowDefinition? Parse(string tests, out IReadOnlyList<DefinitionError> errors) =>
        DefinitionParser.Parse(JsonNode.Parse($$"""{"name": "w", "steps": [{"id": "a", "type": "output"}], "tests": {{tests}}}"""), out errors);

    [Fact]
    public void Parse_FullTestCase_ReadsEveryPart()
    {
        var definition = Parse("""
            [{"name": "t", "input": {"x": 1}, "events": [{"name": "go", "data": {"y": 2}}], "inputs": {"a": {"z": 3}},
              "expect": {"status": "completed", "output": null, "path": ["a"]}}]
            """, out var errors);

        Assert.Empty(errors);
        var test = Assert.Single(definition!.Tests);
        Assert.Equal("t", test.Name);
        Assert.Equal(1, test.Input!["x"]!.GetValue<int>());
        Assert.Equal(("go", 2), (test.Events[0].Name, test.Events[0].Payload!["y"]!.GetValue<int>()));
        Assert.Equal(3, test.Inputs["a"]!["z"]!.GetValue<int>());
        Assert.Equal("completed", test.Expect.Status);
        Assert.True(test.Expect.ChecksOutput);
        Assert.Null(test.Expect.Output);
        Assert.Equal(["a"], test.Expect.Path!);
    }

    [Theory]
    [InlineData("""[{"name": "t", "expect": {}}]""", "tests[0].expect")]
    [InlineData("""[{"expect": {"status": "completed"}}]""", "tests[0].name")]
    [InlineData("""[{"name": "t", "expect": {"status": "completed", "path": "a"}}]""", "tests[0].expect.path")]
    [InlineData("""[{"name": "t", "events": [{"data": 1}], "expect": {"status": "failed"}}]""", "tests[0].events[0].name")]
    [InlineData("""[{"name": "t", "inputs": [1], "expect": {"status": "failed"}}]""", "tests[0].inputs")]
    [InlineData("""[{"name": "t", "expect": {"status": "failed", "outptu": 1}}]""", "tests[0].expect.outptu")]
    public void Parse_BadTestCase_RefusedWithItsField(string tests, string field)
    {
        Assert.Null(Parse(tests, out var errors));
        Assert.Contains(errors, e => e.Field == field);
    }
}
