using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Engine.Definitions;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>Every step type the server offers describes its config and output with JSON Schemas (the editor builds its
/// forms from them) and has a page in docs/steps whose example fits the config schema.</summary>
public sealed partial class StepCatalogTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string Folder = Path.Combine(Telemetry.DashboardTests.RepositoryRoot(), "docs", "steps");

    private async Task<List<JsonObject>> OfferedSteps()
    {
        var answer = (await server.Client.Get("/api/available-steps", ApiCalls.NewTenant())).Expect(HttpStatusCode.OK);
        return [.. answer.Body["steps"]!.AsArray().OfType<JsonObject>()];
    }

    [Fact]
    public async Task EveryOfferedType_HasValidConfigAndOutputSchemas_AndADescription()
    {
        var steps = await OfferedSteps();

        Assert.Contains(steps, s => (string?)s["name"] == "sendEmail");
        foreach (var step in steps)
        {
            var name = (string)step["name"]!;
            var config = Assert.IsType<JsonObject>(step["config_schema"]);
            var output = Assert.IsType<JsonObject>(step["output_schema"]);
            Assert.True(JsonSchemas.ProblemsOf(config) is [], $"{name}: config schema: {string.Join("; ", JsonSchemas.ProblemsOf(config))}");
            Assert.True(JsonSchemas.ProblemsOf(output) is [], $"{name}: output schema: {string.Join("; ", JsonSchemas.ProblemsOf(output))}");
            Assert.True(output.Count > 0, $"{name} does not describe its output");
            Assert.False(string.IsNullOrWhiteSpace((string?)step["description"]), $"{name} has no description");
        }
    }

    [Fact]
    public async Task EveryOfferedType_HasALinkedPage_AndEveryPageIsAnOfferedType()
    {
        var names = (await OfferedSteps()).Select(s => (string)s["name"]!).ToList();
        var index = await File.ReadAllTextAsync(Path.Combine(Folder, "README.md"));
        var pages = Directory.GetFiles(Folder, "*.md").Select(Path.GetFileNameWithoutExtension).Where(n => n != "README").ToList();

        foreach (var name in names)
            Assert.True(index.Contains($"]({name}.md)", StringComparison.Ordinal), $"docs/steps/README.md does not link {name}.md");
        foreach (var page in pages)
            Assert.True(names.Contains(page!), $"docs/steps/{page}.md documents a type the server does not offer");
    }

    [Fact]
    public async Task EveryPagesExample_FitsItsTypesConfigSchema()
    {
        foreach (var step in await OfferedSteps())
        {
            var name = (string)step["name"]!;
            var path = Path.Combine(Folder, name + ".md");
            if (!File.Exists(path))
                continue; // the test above names the missing page
            var example = FirstJsonBlock(await File.ReadAllTextAsync(path));
            var documented = example["steps"] is JsonArray list ? list.OfType<JsonObject>().First(s => (string?)s["type"] == name) : example;
            var problems = JsonSchemas.Violations((JsonObject)step["config_schema"]!, documented["config"] ?? new JsonObject());
            Assert.True(problems is [], $"{name}.md: the example's config breaks the schema: {string.Join("; ", problems)}");
        }
    }

    [GeneratedRegex(@"^```json\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex JsonBlock();

    private static JsonObject FirstJsonBlock(string page) =>
        JsonNode.Parse(JsonBlock().Match(page.ReplaceLineEndings("\n")).Groups[1].Value)!.AsObject();
}
