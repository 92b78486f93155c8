using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Engine.Tests.Steps;

public sealed class StepHelpersTests
{
    [Theory]
    [InlineData("30", 30)]
    [InlineData("1.5", 1.5)]
    [InlineData("\"250ms\"", 0.25)]
    [InlineData("\"30s\"", 30)]
    [InlineData("\"5m\"", 300)]
    [InlineData("\"2h\"", 7200)]
    [InlineData("\"1d\"", 86400)]
    [InlineData("\"PT5M\"", 300)]
    [InlineData("\"P1DT1S\"", 86401)]
    [InlineData("\"10\"", 10)]
    public void StepDurations_TryParse_ValidForms_Parse(string json, double seconds)
    {
        Assert.True(StepDurations.TryParse(JsonNode.Parse(json), out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("\"\"")]
    [InlineData("\"5 parsecs\"")]
    [InlineData("\"PT\"")]
    [InlineData("\"-PT5M\"")]
    [InlineData("true")]
    [InlineData("null")]
    public void StepDurations_TryParse_InvalidForms_Fail(string json)
    {
        Assert.False(StepDurations.TryParse(JsonNode.Parse(json), out _));
    }

    [Theory]
    [InlineData("a.b", "1")]
    [InlineData("$.a.b", "1")]
    [InlineData("list[1].x", "\"y\"")]
    [InlineData("list[0]", "null")]
    public void StepJson_Walk_FindsPaths(string path, string expected)
    {
        var root = JsonNode.Parse("""{"a": {"b": 1}, "list": [null, {"x": "y"}]}""");

        var value = StepJson.Walk(root, path, out var found);

        Assert.True(found);
        Assert.Equal(expected, value?.ToJsonString() ?? "null");
    }

    [Theory]
    [InlineData("a.c")]
    [InlineData("list[5]")]
    [InlineData("a.b.c")]
    public void StepJson_Walk_MissingPath_NotFound(string path)
    {
        StepJson.Walk(JsonNode.Parse("""{"a": {"b": 1}, "list": []}"""), path, out var found);

        Assert.False(found);
    }

    [Fact]
    public void BuiltInSteps_CreateRegistry_HasEveryBuiltInTypeButLlm()
    {
        string[] expected = ["action", "addField", "code", "comment", "condition", "foreach", "http", "join", "manualInput",
            "output", "parallel", "splitColumns", "subflow", "trigger", "wait", "webhook"];

        var registry = BuiltInSteps.CreateRegistry();

        Assert.Equal(expected.Order(StringComparer.Ordinal), registry.Types);
        Assert.All(expected, type => Assert.Equal(type, registry.TryGet(type, out var h) ? h.Type : null));
        Assert.False(registry.TryGet("llm", out _));
    }
}
