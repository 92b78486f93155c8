using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Server.Tests.Email;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Files;

/// <summary>The pages docs/steps/excelInput.md, pdfInput.md, csvOutput.md and xlsxOutput.md: each example runs on a real
/// server with the file and input the page states, and gives the output (and file) the page shows. Values the page
/// writes as "…" (a new file's id, a workbook's size) are the ones a run cannot repeat; only their presence is checked.</summary>
public sealed partial class FileStepDocsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Client;

    [GeneratedRegex(@"^```(json|csv)\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Block();

    [GeneratedRegex(@"With the input `([^`]+)`")]
    private static partial Regex StatedInput();

    private static async Task<(string Page, List<(string Kind, string Text)> Blocks)> PageAsync(string type)
    {
        var page = (await File.ReadAllTextAsync(Path.Combine(Telemetry.DashboardTests.RepositoryRoot(), "docs", "steps", type + ".md"))).ReplaceLineEndings("\n");
        return (page, [.. Block().Matches(page).Select(m => (m.Groups[1].Value, m.Groups[2].Value))]);
    }

    private async Task<Run> RunExampleAsync(string tenant, string stepJson, JsonNode? input) =>
        await EmailTestSupport.RunAsync(Client, tenant, new JsonObject { ["name"] = "documented", ["steps"] = new JsonArray(JsonNode.Parse(stepJson)) }, input);

    /// <summary>The stated output, with every "…" value checked for presence and then taken from the actual one.</summary>
    private static void AssertOutput(string stated, JsonNode? actual)
    {
        var expected = JsonNode.Parse(stated)!.AsObject();
        foreach (var (name, value) in expected.ToList())
            if (value is JsonValue v && v.TryGetValue<string>(out var text) && text == "…")
            {
                Assert.NotNull(actual?[name]);
                expected[name] = actual![name]!.DeepClone();
            }
        Assert.True(JsonNode.DeepEquals(expected, actual), $"the page states {stated}, the step gave {actual?.ToJsonString()}");
    }

    [Fact]
    public async Task ExcelInput_ReadsThePagesCsv_IntoThePagesOutput()
    {
        var (_, blocks) = await PageAsync("excelInput");
        var tenant = ApiCalls.NewTenant();
        var file = await Client.UploadOk(tenant, Encoding.UTF8.GetBytes(blocks[1].Text), "text/csv", "people.csv");

        var run = await RunExampleAsync(tenant, blocks[0].Text, new JsonObject { ["file"] = file });

        Assert.Equal(("json", "csv", "json"), (blocks[0].Kind, blocks[1].Kind, blocks[2].Kind));
        AssertOutput(blocks[2].Text, run.Output("people"));
    }

    [Fact]
    public async Task PdfInput_ReadsThePagesTwoPageDocument_IntoThePagesOutput()
    {
        var (page, blocks) = await PageAsync("pdfInput");
        Assert.Contains("whose pages read `Invoice 42` and `Total due: 99.50 EUR`", page.ReplaceLineEndings(" ").Replace("  ", " "), StringComparison.Ordinal);
        var tenant = ApiCalls.NewTenant();
        var file = await Client.UploadOk(tenant, SampleFiles.Pdf("Invoice 42", "Total due: 99.50 EUR"), "application/pdf", "invoice.pdf");

        var run = await RunExampleAsync(tenant, blocks[0].Text, new JsonObject { ["file"] = file });

        AssertOutput(blocks[1].Text, run.Output("invoice"));
    }

    [Fact]
    public async Task CsvOutput_WritesThePagesFile_AndGivesThePagesOutput()
    {
        var (page, blocks) = await PageAsync("csvOutput");
        var tenant = ApiCalls.NewTenant();

        var run = await RunExampleAsync(tenant, blocks[0].Text, JsonNode.Parse(StatedInput().Match(page).Groups[1].Value));

        AssertOutput(blocks[1].Text, run.Output("export"));
        var (_, bytes) = await Client.Download(tenant, (string)run.Output("export")!["file_id"]!);
        Assert.Equal(blocks[2].Text, Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task XlsxOutput_WritesAWorkbook_ThatExcelInputReadsBackAsTheInput()
    {
        var (page, blocks) = await PageAsync("xlsxOutput");
        var tenant = ApiCalls.NewTenant();
        var input = JsonNode.Parse(StatedInput().Match(page).Groups[1].Value)!;

        var run = await RunExampleAsync(tenant, blocks[0].Text, input);
        var read = await RunExampleAsync(tenant, new JsonObject
        {
            ["id"] = "read", ["type"] = "excelInput", ["config"] = new JsonObject { ["file_id"] = run.Output("report")!["file_id"]!.DeepClone() },
        }.ToJsonString(), null);

        AssertOutput(blocks[1].Text, run.Output("report"));
        Assert.True(JsonNode.DeepEquals(input["rows"], read.Output("read")!["records"]), read.Output("read")!.ToJsonString());
    }
}
