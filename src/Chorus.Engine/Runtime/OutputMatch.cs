using System.Text.Json.Nodes;

namespace Chorus.Engine.Runtime;

/// <summary>Compares an expected output with the actual one: an expected object is a subset (each of its fields must
/// match, others are free), an array must have as many items each matching, anything else must be equal.</summary>
internal static class OutputMatch
{
    public static List<TestDifference> Differences(JsonNode? expected, JsonNode? actual, string at = "output")
    {
        var differences = new List<TestDifference>();
        Compare(expected, actual, at, differences);
        return differences;
    }

    private static void Compare(JsonNode? expected, JsonNode? actual, string at, List<TestDifference> differences)
    {
        switch (expected)
        {
            case JsonObject want when actual is JsonObject got:
                foreach (var (key, value) in want)
                {
                    if (!got.ContainsKey(key))
                        differences.Add(new TestDifference($"{at}.{key}", value?.DeepClone(), null, $"{at}.{key} is missing."));
                    else
                        Compare(value, got[key], $"{at}.{key}", differences);
                }
                break;
            case JsonArray want when actual is JsonArray got && want.Count == got.Count:
                for (var i = 0; i < want.Count; i++)
                    Compare(want[i], got[i], $"{at}[{i}]", differences);
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                    differences.Add(new TestDifference(at, expected?.DeepClone(), actual?.DeepClone(),
                        $"{at} is {actual?.ToJsonString() ?? "null"}, expected {expected?.ToJsonString() ?? "null"}."));
                break;
        }
    }
}
