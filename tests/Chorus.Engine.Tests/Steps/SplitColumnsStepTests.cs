using System.Text.Json.Nodes;
using Chorus.Engine.Storage;
using Chorus.Engine.Tests.Runtime;

namespace Chorus.Engine.Tests.Steps;

/// <summary>The splitColumns step on a real engine: splitting, renaming and dropping on records that do not all
/// look alike, the input left as it was, and what it refuses at save and at run time.</summary>
public sealed class SplitColumnsStepTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<ExecutionRecord> RunAsync(string config, string input)
    {
        var workflow = await _h.CreateWorkflowAsync($$"""{"name": "reshape", "steps": [{"id": "reshape", "name": "Reshape", "type": "splitColumns", "config": {{config}}}]}""");
        var id = await _h.StartAsync(workflow, JsonNode.Parse(input));
        return await _h.WaitAsync(id, e => e.IsTerminal, "the step to end");
    }

    [Fact]
    public async Task UnevenRecords_GetNullsWhereTheyLackAPart_AndTheInputIsUnchanged()
    {
        var done = await RunAsync(
            """{"records": "{{ $.input.rows }}", "split": [{"field": "date", "separator": "-", "into": ["year", "month", "day"]}], "rename": {"year": "y"}}""",
            """{"rows": [{"date": "2026-12-06"}, {"date": "2026-12"}, {"date": 20261206}, {"other": true}]}""");

        Assert.Equal(ExecutionStatus.Completed, done.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"records": [
              {"date": "2026-12-06", "month": "12", "day": "06", "y": "2026"},
              {"date": "2026-12", "month": "12", "day": null, "y": "2026"},
              {"date": 20261206, "month": null, "day": null, "y": null},
              {"other": true, "month": null, "day": null, "y": null}
            ], "count": 4}
            """), done.Context["reshape"]), done.Context["reshape"]!.ToJsonString());
        Assert.Equal("2026-12-06", (string?)done.Context["input"]!["rows"]![0]!["date"]);
        Assert.Null(done.Context["input"]!["rows"]![0]!["y"]);
    }

    [Theory]
    [InlineData("""{"rows": {"a": 1}}""", "not an object")]
    [InlineData("""{"rows": [{"a": 1}, "text"]}""", "records[1]")]
    public async Task RecordsThatAreNotAListOfObjects_FailTheStep_WithoutRetries(string input, string expected)
    {
        var done = await RunAsync("""{"records": "{{ $.input.rows }}", "drop": ["a"]}""", input);

        Assert.Equal(ExecutionStatus.Failed, done.Status);
        Assert.Equal("step_configuration_error", (string?)done.Error!["code"]);
        Assert.Contains(expected, (string?)done.Error["message"]);
        Assert.Single(await _h.RunsAsync(done.Id));
    }

    [Theory]
    [InlineData("""{"split": [{"field": "a", "into": ["b"]}]}""", "config.records")]
    [InlineData("""{"records": 5, "drop": ["a"]}""", "config.records")]
    [InlineData("""{"records": []}""", "config.split")]
    [InlineData("""{"records": [], "split": [{"field": "a", "into": ["b", "b"]}]}""", "config.split[0].into")]
    [InlineData("""{"records": [], "split": [{"into": ["b"]}]}""", "config.split[0].field")]
    [InlineData("""{"records": [], "split": [{"field": "a", "into": ["b"], "separator": ""}]}""", "config.split[0].separator")]
    [InlineData("""{"records": [], "rename": {"a": 1}}""", "config.rename")]
    [InlineData("""{"records": [], "drop": "a"}""", "config.drop")]
    public async Task BadConfig_IsRefusedAtSave(string config, string field)
    {
        var refused = await Assert.ThrowsAsync<ChorusException>(() =>
            _h.CreateWorkflowAsync($$"""{"name": "bad", "steps": [{"id": "reshape", "type": "splitColumns", "config": {{config}}}]}"""));

        Assert.Equal(ErrorCodes.InvalidWorkflowDefinition, refused.Code);
        Assert.Contains(field, refused.Details!.ToJsonString());
    }
}
