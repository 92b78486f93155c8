using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Tests.Definitions;

public class DurationsTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("PT5M", 300_000)]
    [InlineData("PT1H30M", 5_400_000)]
    [InlineData("P1D", 86_400_000)]
    [InlineData("P1DT2H", 93_600_000)]
    [InlineData("PT0.5S", 500)]
    [InlineData("-5s", -5_000)]
    public void TryParse_String_ReturnsDuration(string text, long expectedMs)
    {
        Assert.True(Durations.TryParse(JsonValue.Create(text), out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), duration);
    }

    [Fact]
    public void TryParse_Number_IsSeconds()
    {
        Assert.True(Durations.TryParse(JsonNode.Parse("90"), out var parsed));
        Assert.True(Durations.TryParse(JsonValue.Create(2.5), out var built));

        Assert.Equal(TimeSpan.FromSeconds(90), parsed);
        Assert.Equal(TimeSpan.FromSeconds(2.5), built);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5x")]
    [InlineData("m")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1M")]
    [InlineData("P1Y")]
    [InlineData("PT5M1H")]
    [InlineData("1e400s")]
    public void TryParse_Malformed_ReturnsFalse(string text) =>
        Assert.False(Durations.TryParse(JsonValue.Create(text), out _));

    [Fact]
    public void TryParse_WrongJsonTypes_ReturnFalse()
    {
        Assert.False(Durations.TryParse((JsonNode?)null, out _));
        Assert.False(Durations.TryParse(new JsonArray(1), out _));
        Assert.False(Durations.TryParse(new JsonObject { ["s"] = 1 }, out _));
        Assert.False(Durations.TryParse(JsonValue.Create(true), out _));
    }

    [Fact]
    public void TryParse_NumberBeyondTimeSpan_ReturnsFalse() =>
        Assert.False(Durations.TryParse(JsonNode.Parse("1e300"), out _));
}
