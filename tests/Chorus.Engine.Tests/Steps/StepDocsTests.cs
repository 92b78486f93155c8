using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Engine.Steps;
using Chorus.Engine.Tests.Runtime;

namespace Chorus.Engine.Tests.Steps;

/// <summary>docs/steps: a page per built-in type, linked from the index, whose example saves on a real engine and,
/// where it runs to its end without outside help, gives the output the page states.</summary>
public sealed partial class StepDocsTests : IAsyncLifetime
{
    /// <summary>The types whose example needs outside help to run (a server to call, time, an event, a person,
    /// another workflow): only their saving is checked.</summary>
    private static readonly string[] NotRun = ["http", "manualInput", "subflow", "wait", "webhook"];

    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Step types the server adds to the built-in ones; their pages are tested with the server.</summary>
    private static readonly string[] ServerTypes = ["llm", "sendSMS", "saveRecords", "fetchData", "mysql"];

    public static TheoryData<string> Types => [.. BuiltInSteps.CreateRegistry().Types];

    public static TheoryData<string> RunnableTypes => [.. BuiltInSteps.CreateRegistry().Types.Except(NotRun)];

    private static string Folder => Path.Combine(Definitions.DefinitionFieldsTests.RepositoryRoot(), "docs", "steps");

    private static string Page(string type)
    {
        var path = Path.Combine(Folder, type + ".md");
        Assert.True(File.Exists(path), $"docs/steps/{type}.md is missing");
        return File.ReadAllText(path).ReplaceLineEndings("\n");
    }

    [GeneratedRegex(@"^```json\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex JsonBlock();

    [GeneratedRegex(@"With the input `([^`]+)`")]
    private static partial Regex StatedInput();

    private static List<string> JsonBlocks(string page) => JsonBlock().Matches(page).Select(m => m.Groups[1].Value).ToList();

    /// <summary>The page's first json block as a workflow, and the id of the step it documents: a block with
    /// <c>steps</c> is a whole workflow (its first step of the type is the one documented), any other is one step.</summary>
    private static (JsonObject Workflow, string StepId) Example(string type)
    {
        var blocks = JsonBlocks(Page(type));
        Assert.NotEmpty(blocks);
        var example = JsonNode.Parse(blocks[0])!.AsObject();
        if (example["steps"] is JsonArray steps)
        {
            var step = steps.OfType<JsonObject>().FirstOrDefault(s => (string?)s["type"] == type);
            Assert.True(step is not null, $"{type}.md: the example workflow has no step of type '{type}'");
            return (example, (string)step["id"]!);
        }
        Assert.Equal(type, (string?)example["type"]);
        return (new JsonObject { ["name"] = $"{type} example", ["steps"] = new JsonArray(example) }, (string)example["id"]!);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task EveryType_HasAPage_WhoseExampleSaves(string type)
    {
        var (workflow, _) = Example(type);

        var id = await _h.CreateWorkflowAsync(workflow.ToJsonString()); // throws invalid_workflow_definition with the fields

        Assert.NotEqual(Guid.Empty, id);
    }

    [Theory]
    [MemberData(nameof(RunnableTypes))]
    public async Task TheExample_GivesTheOutputThePageStates(string type)
    {
        var page = Page(type);
        var (workflow, stepId) = Example(type);
        var blocks = JsonBlocks(page);
        Assert.True(blocks.Count >= 2, $"{type}.md has no second json block with the example's output");
        var expected = JsonNode.Parse(blocks[1]);
        var input = StatedInput().Match(page) is { Success: true } stated ? JsonNode.Parse(stated.Groups[1].Value) : null;

        var id = await _h.CreateWorkflowAsync(workflow.ToJsonString());
        var done = await _h.WaitAsync(await _h.StartAsync(id, input), e => e.IsTerminal, $"the {type} example to end");

        Assert.True(done.Status == ExecutionStatus.Completed, $"{type}: {done.Status} {done.Error?.ToJsonString()}");
        Assert.True(done.Context.ContainsKey(stepId), $"{type}: no output under '{stepId}' in {done.Context.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(expected, done.Context[stepId]),
            $"{type}: the page states {expected?.ToJsonString() ?? "null"}, the engine gave {done.Context[stepId]?.ToJsonString() ?? "null"}");
    }

    [Fact]
    public void TheTypesNotRun_AreBuiltInTypes()
    {
        Assert.Empty(NotRun.Except(BuiltInSteps.CreateRegistry().Types));
    }

    [Fact]
    public void TheIndex_LinksEveryPage_AndEveryPageIsAType()
    {
        var index = File.ReadAllText(Path.Combine(Folder, "README.md"));
        var types = BuiltInSteps.CreateRegistry().Types;
        var pages = Directory.GetFiles(Folder, "*.md").Select(Path.GetFileNameWithoutExtension).Where(n => n != "README").ToList();

        foreach (var type in types)
            Assert.Contains($"]({type}.md)", index, StringComparison.Ordinal);
        foreach (var page in pages)
        {
            Assert.Contains($"]({page}.md)", index, StringComparison.Ordinal);
            Assert.Contains(page, types.Concat(ServerTypes));
        }
        var readme = File.ReadAllText(Path.Combine(Definitions.DefinitionFieldsTests.RepositoryRoot(), "README.md"));
        Assert.Contains("(docs/steps/README.md)", readme, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Pages_DoNotMentionInternalDocuments(string type)
    {
        var page = Page(type);

        foreach (var word in new[] { "seed", "SPEC", "issue", "src/", "tests/" })
            Assert.DoesNotContain(word, page, StringComparison.OrdinalIgnoreCase);
    }
}
