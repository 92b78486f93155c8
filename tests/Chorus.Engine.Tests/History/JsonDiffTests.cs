using System.Text.Json.Nodes;
using Chorus.Engine.History;

namespace Chorus.Engine.Tests.History;

public sealed class JsonDiffTests
{
    private static List<string> Paths(JsonObject diff, string kind) => diff[kind]!.AsArray().Select(c => c!["path"]!.GetValue<string>()).ToList();

    [Fact]
    public void Of_NestedObjectsAndArrays_NamesEachChangeByItsPath()
    {
        var from = JsonNode.Parse("""{"a": {"b": 1, "gone": true}, "list": [1, {"x": 1}], "same": [1, 2]}""");
        var to = JsonNode.Parse("""{"a": {"b": 2, "new": null}, "list": [1, {"x": 3}, 4], "same": [1, 2]}""");

        var diff = JsonDiff.Of(from, to);

        Assert.Equal(["$.a.new", "$.list[2]"], Paths(diff, "added"));
        Assert.Equal(["$.a.gone"], Paths(diff, "removed"));
        Assert.Equal(["$.a.b", "$.list[1].x"], Paths(diff, "changed"));
        Assert.Equal(1, diff["changed"]![0]!["from"]!.GetValue<int>());
        Assert.Equal(2, diff["changed"]![0]!["to"]!.GetValue<int>());
    }

    [Fact]
    public void Of_NamesThatAreNotPlainIdentifiers_AreQuoted()
    {
        var diff = JsonDiff.Of(new JsonObject(), JsonNode.Parse("""{"fetch-user": 1, "a.b": 2, "3d": 3, "ok_1": 4, "\"q\"": 5}"""));

        Assert.Equal(["$[\"fetch-user\"]", "$[\"a.b\"]", "$[\"3d\"]", "$.ok_1", "$[\"\\u0022q\\u0022\"]"], Paths(diff, "added"));
    }

    [Fact]
    public void Of_AValueThatChangesType_IsOneChange_AndEqualValuesNone()
    {
        Assert.Equal(["$.v"], Paths(JsonDiff.Of(JsonNode.Parse("""{"v": {"x": 1}}"""), JsonNode.Parse("""{"v": [1]}""")), "changed"));
        var same = JsonDiff.Of(JsonNode.Parse("""{"v": {"x": [1, {"y": null}]}}"""), JsonNode.Parse("""{"v": {"x": [1, {"y": null}]}}"""));
        Assert.Empty(same["added"]!.AsArray());
        Assert.Empty(same["removed"]!.AsArray());
        Assert.Empty(same["changed"]!.AsArray());
    }
}
