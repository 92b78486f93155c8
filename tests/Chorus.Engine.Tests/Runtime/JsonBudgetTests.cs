using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine.Runtime;

namespace Chorus.Engine.Tests.Runtime;

public sealed class JsonBudgetTests
{
    [Fact]
    public void Of_ValueWithinLimits_CountsItsCompactUtf8Bytes()
    {
        var value = JsonNode.Parse("""{"a": [1, 2.5, "ünï", null, true], "b": {"c": "\"q\""}}""");

        var measure = JsonBudget.Of(value, 1000, 64);

        Assert.True(measure.Fits);
        Assert.Equal(Encoding.UTF8.GetByteCount(value!.ToJsonString()), measure.Bytes);
    }

    [Fact]
    public void Of_ValueLargerThanTheLimit_StopsSoonAfterTheLimit()
    {
        var value = new JsonArray(Enumerable.Range(0, 100_000).Select(i => (JsonNode?)new string('x', 100)).ToArray());

        var measure = JsonBudget.Of(value, 10_000, 64);

        Assert.Equal(JsonBudget.Verdict.TooLarge, measure.Verdict);
        Assert.True(measure.Bytes < 1_000_000, $"measured {measure.Bytes} bytes of a 10 MB value");
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void Of_NestedContainers_AreHeldToTheDepth(int depth, bool fits)
    {
        var expected = fits ? JsonBudget.Verdict.Fits : JsonBudget.Verdict.TooDeep;
        JsonNode value = 1;
        for (var i = 0; i < depth; i++)
            value = i % 2 == 0 ? new JsonObject { ["d"] = value } : new JsonArray(value);

        Assert.Equal(expected, JsonBudget.Of(value, long.MaxValue, 64).Verdict);
    }
}
