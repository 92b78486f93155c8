using System.Text.Json.Nodes;
using Chorus.Engine.Runtime;

namespace Chorus.Engine.Tests.Runtime;

public sealed class OutputMatchTests
{
    private static List<TestDifference> Compare(string expected, string actual) =>
        OutputMatch.Differences(JsonNode.Parse(expected), JsonNode.Parse(actual));

    [Fact]
    public void Differences_ExpectedObjectIsASubset_None() =>
        Assert.Empty(Compare("""{"a": 1, "b": {"c": "x"}}""", """{"a": 1, "b": {"c": "x", "d": 2}, "e": true}"""));

    [Fact]
    public void Differences_NestedValueDiffers_NamesItsPathWithBothValues()
    {
        var difference = Assert.Single(Compare("""{"b": {"c": "x"}}""", """{"b": {"c": "y"}}"""));

        Assert.Equal("output.b.c", difference.Field);
        Assert.Equal("x", difference.Expected!.GetValue<string>());
        Assert.Equal("y", difference.Actual!.GetValue<string>());
    }

    [Fact]
    public void Differences_FieldMissing_SaysSo()
    {
        var difference = Assert.Single(Compare("""{"a": null}""", """{}"""));

        Assert.Equal("output.a", difference.Field);
        Assert.Contains("missing", difference.Message);
    }

    [Fact]
    public void Differences_ArraysMatchItemByItemAndByLength()
    {
        Assert.Empty(Compare("""[{"id": 1}, {"id": 2}]""", """[{"id": 1, "n": "a"}, {"id": 2}]"""));
        Assert.Equal("output[1].id", Assert.Single(Compare("""[{"id": 1}, {"id": 3}]""", """[{"id": 1}, {"id": 2}]""")).Field);
        Assert.Equal("output", Assert.Single(Compare("""[1]""", """[1, 2]""")).Field);
    }

    [Fact]
    public void Differences_NumberAgainstString_Differs() =>
        Assert.Single(Compare("""{"n": 42}""", """{"n": "42"}"""));
}
