using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Email;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Files;

/// <summary>csvOutput and xlsxOutput on a real server: the file they write, read back by excelInput (the round trip), the
/// file's link to its execution, and their refusals.</summary>
public sealed class FileOutputStepTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Client;

    /// <summary>Values whose text does not look like another type (type inference would read "-1" as a number).</summary>
    private static readonly JsonArray People = JsonNode.Parse("""
        [{"name": "Ada", "age": 36, "score": 9.5, "member": true, "note": null, "tags": "x, \"y\""},
         {"name": "Grace", "age": 85, "score": -0.25, "member": false, "note": "line\nbreak", "tags": "#1"}]
        """)!.AsArray();

    /// <summary>Writes the input's records with <paramref name="type"/>, then reads the file back with excelInput.</summary>
    private static JsonObject RoundTrip(string type, string extra = "") => Definitions.Parse($$$"""
        {"name": "round-trip-{{{Guid.NewGuid():N}}}", "steps": [
          {"id": "write", "type": "{{{type}}}", "config": {"records": "{{ $.input.people }}", "name": "people {{ $.input.day }}"{{{extra}}} }, "next": "read"},
          {"id": "read", "type": "excelInput", "config": {"file_id": "{{ $.write.file_id }}"}}
        ]}
        """);

    [Theory]
    [InlineData("csvOutput", "text/csv", ".csv")]
    [InlineData("xlsxOutput", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")]
    public async Task WrittenRecords_ReadBackTheSame(string type, string contentType, string extension)
    {
        var tenant = ApiCalls.NewTenant();

        var run = await EmailTestSupport.RunAsync(Client, tenant, RoundTrip(type), new JsonObject { ["people"] = People.DeepClone(), ["day"] = "2025-03-01" });

        Assert.True(run.Status == "completed", run.Ended.Text);
        var written = run.Output("write")!;
        Assert.Equal(($"people 2025-03-01{extension}", contentType, 2), ((string?)written["name"], (string?)written["content_type"], (int)written["rows"]!));
        Assert.True(JsonNode.DeepEquals(People, run.Output("read")!["records"]), run.Output("read")!["records"]!.ToJsonString());
        var file = (await Client.Get($"/api/files/{written["file_id"]}", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal((run.Id, "write", "execution", (long)written["size"]!), (file.Str("execution_id"), file.Str("step_id"), file.Str("created_by"), file.Node("size")!.GetValue<long>()));
    }

    [Fact]
    public async Task Csv_ColumnsChooseAndOrder_TheDelimiterAndHeaderAreTheStepsChoice()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = EmailTestSupport.OneStep("csvOutput", """{"records": "{{ $.input.people }}", "columns": ["score", "name", "missing"], "delimiter": ";", "header": false}""");

        var run = await EmailTestSupport.RunAsync(Client, tenant, workflow, new JsonObject { ["people"] = People.DeepClone() });

        var (_, bytes) = await Client.Download(tenant, (string)run.Output("mail")!["file_id"]!);
        Assert.Equal("9.5;Ada;\n-0.25;Grace;\n", Encoding.UTF8.GetString(bytes));
        Assert.Equal("records.csv", (string?)run.Output("mail")!["name"]);
    }

    [Fact]
    public async Task TheFileGoesWithItsExecution()
    {
        var tenant = ApiCalls.NewTenant();
        var run = await EmailTestSupport.RunAsync(Client, tenant, RoundTrip("xlsxOutput"), new JsonObject { ["people"] = People.DeepClone(), ["day"] = "d" });
        var fileId = (string)run.Output("write")!["file_id"]!;

        (await Client.Delete($"/api/executions/{run.Id}", tenant)).Expect(HttpStatusCode.NoContent);

        (await Client.Get($"/api/files/{fileId}", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("""{"records": "{{ $.input.text }}"}""", "a list")]
    [InlineData("""{"records": "{{ $.input.mixed }}"}""", "Record 1")]
    [InlineData("""{"records": "{{ $.input.people }}", "name": "a/b"}""", "config.name")]
    public async Task RecordsThatAreNotAListOfObjects_OrABadName_FailWithoutRetries(string config, string said)
    {
        var workflow = EmailTestSupport.OneStep("csvOutput", config, """{"max_attempts": 3, "initial_interval": "10ms"}""");

        var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), workflow,
            new JsonObject { ["text"] = "hello", ["mixed"] = JsonNode.Parse("""[{"a": 1}, 2]"""), ["people"] = People.DeepClone() });

        Assert.Equal(("step_configuration_error", 1), (run.Ended.Str("error.code"), run.Attempts("mail")));
        Assert.Contains(said, run.Ended.Str("error.message"));
    }

    [Theory]
    [InlineData("csvOutput", """{}""", "config.records")]
    [InlineData("csvOutput", """{"records": 5}""", "config.records")]
    [InlineData("csvOutput", """{"records": [1]}""", "config.records")]
    [InlineData("csvOutput", """{"records": [], "columns": []}""", "config.columns")]
    [InlineData("csvOutput", """{"records": [], "columns": ["a", "a"]}""", "config.columns")]
    [InlineData("csvOutput", """{"records": [], "delimiter": "ab"}""", "config.delimiter")]
    [InlineData("csvOutput", """{"records": [], "sheet": "S"}""", "config.sheet")]
    [InlineData("xlsxOutput", """{"records": [], "sheet": "a/b"}""", "config.sheet")]
    [InlineData("xlsxOutput", """{"records": [], "delimiter": ";"}""", "config.delimiter")]
    [InlineData("xlsxOutput", """{"records": [], "name": 3}""", "config.name")]
    public async Task BadConfig_IsRefusedAtSave(string type, string config, string field)
    {
        var answer = (await Client.Post("/api/workflows", ApiCalls.NewTenant(), EmailTestSupport.OneStep(type, config)))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");

        Assert.Contains(field, answer.Text);
    }
}
