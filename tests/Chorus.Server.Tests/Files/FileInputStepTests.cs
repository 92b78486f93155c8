using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine.Outbound;
using Chorus.Server.Tests.Email;
using Chorus.Server.Tests.Infrastructure;
using Reply = Chorus.Server.Tests.Infrastructure.ScriptedHttpServer.Reply;

namespace Chorus.Server.Tests.Files;

/// <summary>excelInput and pdfInput on a real server, with files made here: what they read and type, where from (the
/// file store, a local HTTP server), and how they fail (corrupt, wrong type, too large, refused URL, another tenant's
/// file, bad config at save).</summary>
public sealed class FileInputStepTests : IAsyncLifetime
{
    private const long MaxFileBytes = 64 * 1024;
    private readonly ScriptedHttpServer _web = new();
    private ChorusTestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await ChorusTestServer.StartAsync(configure: o => o with
    {
        Files = o.Files with { MaxBytes = MaxFileBytes },
        // The local file server is on 127.0.0.1, which the policy refuses unless told.
        Engine = o.Engine with { OutboundHttp = new OutboundHttpOptions { AllowPrivate = true } },
    });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _web.DisposeAsync();
    }

    private static JsonObject Workflow(string type, string config, int attempts = 1) => EmailTestSupport.OneStep(type, config,
        $$"""{"max_attempts": {{attempts}}, "initial_interval": "10ms"}""");

    private async Task<Run> RunAsync(string tenant, string type, string config, JsonNode? input = null, int attempts = 1) =>
        await EmailTestSupport.RunAsync(Client, tenant, Workflow(type, config, attempts), input);

    private async Task<(string Tenant, string Id)> UploadAsync(byte[] bytes, string type, string name)
    {
        var tenant = ApiCalls.NewTenant();
        return (tenant, await Client.UploadOk(tenant, bytes, type, name));
    }

    [Fact]
    public async Task Csv_IsReadIntoRecords_WithTheDocumentedTypeInference()
    {
        var (tenant, id) = await UploadAsync(SampleFiles.Csv("name,age,score,active,zip,note,big\nAda,36,9.5,TRUE,007,,1e5\n\"Hopper, G\",-85,0.25,false,10,\"a \"\"quote\"\"\",\n"),
            "text/csv", "people.csv");

        var run = await RunAsync(tenant, "excelInput", """{"file_id": "{{input.file}}"}""", new JsonObject { ["file"] = id });

        Assert.Equal("completed", run.Status);
        var expected = JsonNode.Parse("""
            {"records": [
              {"name": "Ada", "age": 36, "score": 9.5, "active": true, "zip": "007", "note": null, "big": "1e5"},
              {"name": "Hopper, G", "age": -85, "score": 0.25, "active": false, "zip": 10, "note": "a \"quote\"", "big": null}],
             "count": 2, "columns": ["name", "age", "score", "active", "zip", "note", "big"]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, run.Output("mail")), run.Output("mail")!.ToJsonString());
    }

    [Fact]
    public async Task Csv_WithoutHeader_OrWithAnotherDelimiter_OrUntyped()
    {
        var (tenant, id) = await UploadAsync(SampleFiles.Csv("\uFEFF1;x\n2;y;extra\n"), "text/csv", "plain.csv");
        var input = new JsonObject { ["file"] = id };

        var run = await RunAsync(tenant, "excelInput", """{"file_id": "{{input.file}}", "header": false, "delimiter": ";"}""", input);
        var untyped = await RunAsync(tenant, "excelInput", """{"file_id": "{{input.file}}", "header": false, "delimiter": ";", "infer_types": false}""", input);

        Assert.Equal("""[{"column_1":1,"column_2":"x","column_3":null},{"column_1":2,"column_2":"y","column_3":"extra"}]""", run.Output("mail")!["records"]!.ToJsonString());
        Assert.Equal("1", (string?)untyped.Output("mail")!["records"]![0]!["column_1"]);
    }

    [Fact]
    public async Task Xlsx_ReadsTheNamedSheet_WithCellTypes_AndColumnsPickAndRename()
    {
        var workbook = SampleFiles.Workbook(
            ("Summary", [new() { ["total"] = 2 }]),
            ("Orders", [new() { ["Order No"] = "A-1", ["Amount"] = 12.5, ["Paid"] = true, ["Qty"] = 3 }, new() { ["Order No"] = "A-2", ["Amount"] = 7, ["Paid"] = false, ["Qty"] = null }]));
        var (tenant, id) = await UploadAsync(workbook, SampleFiles.XlsxType, "orders.xlsx");

        var run = await RunAsync(tenant, "excelInput", """{"file_id": "{{input.file}}", "sheet": "Orders", "columns": {"Order No": "order", "Amount": "amount", "Qty": "qty"}}""",
            new JsonObject { ["file"] = id });
        var first = await RunAsync(tenant, "excelInput", """{"file_id": "{{input.file}}"}""", new JsonObject { ["file"] = id });

        Assert.Equal("""{"records":[{"order":"A-1","amount":12.5,"qty":3},{"order":"A-2","amount":7,"qty":null}],"count":2,"columns":["order","amount","qty"]}""",
            run.Output("mail")!.ToJsonString());
        Assert.Equal("""[{"total":2}]""", first.Output("mail")!["records"]!.ToJsonString());
    }

    [Fact]
    public async Task Xlsx_MissingSheetOrColumn_FailsSayingWhatThereIs()
    {
        var (tenant, id) = await UploadAsync(SampleFiles.Xlsx([new() { ["a"] = 1 }]), SampleFiles.XlsxType, "a.xlsx");
        var input = new JsonObject { ["file"] = id };

        var sheet = await RunAsync(tenant, "excelInput", """{"file_id": "{{input.file}}", "sheet": "Nope"}""", input, attempts: 3);
        var column = await RunAsync(tenant, "excelInput", """{"file_id": "{{input.file}}", "columns": {"b": "bee"}}""", input);

        Assert.Equal("step_configuration_error", sheet.Ended.Str("error.code"));
        Assert.Contains("'Sheet1'", sheet.Ended.Str("error.message"));
        Assert.Equal(1, sheet.Attempts("mail"));
        Assert.Contains("'a'", column.Ended.Str("error.message"));
    }

    [Fact]
    public async Task MoreRowsThanMaxRows_FailsWithoutRetries()
    {
        var (tenant, id) = await UploadAsync(SampleFiles.Csv("n\n1\n2\n3\n"), "text/csv", "n.csv");

        var run = await RunAsync(tenant, "excelInput", """{"file_id": "{{input.file}}", "max_rows": 2}""", new JsonObject { ["file"] = id }, attempts: 3);
        var fits = await RunAsync(tenant, "excelInput", """{"file_id": "{{input.file}}", "max_rows": 3}""", new JsonObject { ["file"] = id });

        Assert.Equal(("failed", "too_many_rows", 1), (run.Status, run.Ended.Str("error.code"), run.Attempts("mail")));
        Assert.Equal(3, fits.Output("mail")!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task UnreadableFiles_FailClearly_WithoutRetries()
    {
        var tenant = ApiCalls.NewTenant();
        var fakeZip = await Client.UploadOk(tenant, [.. "PK\u0003\u0004"u8, .. Encoding.ASCII.GetBytes(new string('x', 200))], SampleFiles.XlsxType, "broken.xlsx");
        var pdf = await Client.UploadOk(tenant, SampleFiles.Pdf("x"), "application/pdf", "a.pdf");
        var csv = await Client.UploadOk(tenant, SampleFiles.Csv("a\n1\n"), "text/csv", "a.csv");
        var brokenPdf = await Client.UploadOk(tenant, Encoding.ASCII.GetBytes("%PDF-1.7\nthis is not a document\n"), "application/pdf", "broken.pdf");
        var badQuotes = await Client.UploadOk(tenant, SampleFiles.Csv("a,b\n\"open,1\n"), "text/csv", "quotes.csv");

        var cases = new (string Type, string Id, string Extra)[]
        {
            ("excelInput", fakeZip, ""), ("excelInput", pdf, ""), ("excelInput", badQuotes, ""), ("pdfInput", csv, ""), ("pdfInput", brokenPdf, ""),
            ("excelInput", csv, """, "format": "xlsx" """),
        };
        foreach (var (type, id, extra) in cases)
        {
            var run = await RunAsync(tenant, type, $$"""{"file_id": "{{id}}"{{extra}}}""", attempts: 3);
            Assert.True(("failed", "file_unreadable", 1) == (run.Status, run.Ended.Str("error.code"), run.Attempts("mail")), $"{type} {id}{extra}: {run.Ended.Text}");
        }
    }

    [Fact]
    public async Task AFileOfAnotherTenant_OrNoFile_IsNotFound()
    {
        var (_, othersFile) = await UploadAsync(SampleFiles.Csv("a\n1\n"), "text/csv", "theirs.csv");
        var tenant = ApiCalls.NewTenant();

        foreach (var id in new[] { othersFile, Guid.NewGuid().ToString() })
        {
            var run = await RunAsync(tenant, "excelInput", $$"""{"file_id": "{{id}}"}""", attempts: 3);
            Assert.Equal(("file_not_found", 1), (run.Ended.Str("error.code"), run.Attempts("mail")));
        }
    }

    [Fact]
    public async Task Pdf_TextPerPage_AndMaxPagesReadsTheFirstOnes()
    {
        var (tenant, id) = await UploadAsync(SampleFiles.Pdf("First page text", "Second page", "Third"), "application/pdf", "report.pdf");

        var all = await RunAsync(tenant, "pdfInput", """{"file_id": "{{input.file}}"}""", new JsonObject { ["file"] = id });
        var one = await RunAsync(tenant, "pdfInput", """{"file_id": "{{input.file}}", "max_pages": 1}""", new JsonObject { ["file"] = id });

        Assert.Equal("""{"pages":[{"number":1,"text":"First page text"},{"number":2,"text":"Second page"},{"number":3,"text":"Third"}],"text":"First page text\n\nSecond page\n\nThird","page_count":3}""",
            all.Output("mail")!.ToJsonString());
        Assert.Equal("""{"pages":[{"number":1,"text":"First page text"}],"text":"First page text","page_count":3}""", one.Output("mail")!.ToJsonString());
    }

    [Fact]
    public async Task Url_IsFetchedUnderThePolicy_AndItsFailuresAreTold()
    {
        var tenant = ApiCalls.NewTenant();
        _web.Enqueue(new Reply(200, "", SampleFiles.XlsxType, Bytes: SampleFiles.Xlsx([new() { ["sku"] = "X1", ["qty"] = 4 }])));
        _web.Enqueue(new Reply(200, "", "application/pdf", Bytes: SampleFiles.Pdf("From the web")));
        _web.Enqueue(new Reply(404, "gone", "text/plain"));
        _web.Enqueue(new Reply(200, "a\n" + new string('x', (int)MaxFileBytes) + "\n", "text/csv"));

        var xlsx = await RunAsync(tenant, "excelInput", $$"""{"url": "{{_web.Origin}}/stock.xlsx"}""");
        var pdf = await RunAsync(tenant, "pdfInput", $$"""{"url": "{{_web.Origin}}/doc"}""");
        var missing = await RunAsync(tenant, "excelInput", $$"""{"url": "{{_web.Origin}}/gone.csv"}""", attempts: 3);
        var large = await RunAsync(tenant, "excelInput", $$"""{"url": "{{_web.Origin}}/large.csv"}""", attempts: 3);
        var down = await RunAsync(tenant, "excelInput", $$"""{"url": "{{_web.Origin}}/down.csv"}""", attempts: 2); // nothing scripted: 500

        Assert.Equal("""[{"sku":"X1","qty":4}]""", xlsx.Output("mail")!["records"]!.ToJsonString());
        Assert.Equal("From the web", (string?)pdf.Output("mail")!["text"]);
        Assert.Equal(("file_fetch_failed", 1), (missing.Ended.Str("error.code"), missing.Attempts("mail")));
        Assert.Equal(("file_too_large", 1), (large.Ended.Str("error.code"), large.Attempts("mail")));
        Assert.Equal(("file_fetch_failed", 2), (down.Ended.Str("error.code"), down.Attempts("mail")));
        Assert.Contains(_web.Requests, r => r.Path == "/stock.xlsx" && r.Method == "GET");
    }

    [Fact]
    public async Task Url_WithASecret_SendsIt_ButNoAnswerShowsIt()
    {
        var tenant = ApiCalls.NewTenant();
        const string value = "s3cr3t-file-key-9f2c";
        (await Client.Post("/api/secrets", tenant, new JsonObject { ["name"] = "filekey", ["value"] = value })).Expect(HttpStatusCode.Created);
        _web.Enqueue(new Reply(404, "no such export", "text/plain"));

        var run = await RunAsync(tenant, "excelInput", $$$"""{"url": "{{{_web.Origin}}}/export.csv?key={{secrets.filekey}}"}""");

        Assert.Equal("file_fetch_failed", run.Ended.Str("error.code"));
        Assert.Contains(_web.Requests, r => r.Path.Contains(value, StringComparison.Ordinal));
        Assert.DoesNotContain(value, run.Everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_OfAPrivateAddress_IsRefusedByTheDefaultPolicy()
    {
        await using var strict = await ChorusTestServer.StartAsync();
        var tenant = ApiCalls.NewTenant();

        var run = await EmailTestSupport.RunAsync(strict.Client, tenant, Workflow("pdfInput", $$"""{"url": "{{_web.Origin}}/doc.pdf"}""", attempts: 3));

        Assert.Equal(("http_target_refused", 1), (run.Ended.Str("error.code"), run.Attempts("mail")));
        Assert.Empty(_web.Requests);
    }

    [Fact]
    public async Task Url_ThatNeverAnswers_EndsAtTheStepsTimeout()
    {
        // Accepts connections and says nothing.
        var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            var workflow = Definitions.Parse($$"""
                {"name": "slow-{{Guid.NewGuid():N}}", "steps": [
                  {"id": "mail", "type": "pdfInput", "timeout": "1s", "retry": {"max_attempts": 1}, "config": {"url": "http://127.0.0.1:{{port}}/slow.pdf"} }
                ]}
                """);

            var run = await EmailTestSupport.RunAsync(Client, ApiCalls.NewTenant(), workflow);

            Assert.Equal(("failed", "timeout"), (run.Status, run.Ended.Str("error.code")));
        }
        finally
        {
            silent.Stop();
        }
    }

    [Theory]
    [InlineData("excelInput", """{}""", "config.file_id")]
    [InlineData("excelInput", """{"file_id": "f7f3c2a0-1111-4a4a-9c9c-000000000001", "url": "https://example.org/a.csv"}""", "config.file_id")]
    [InlineData("excelInput", """{"file_id": "not-an-id"}""", "config.file_id")]
    [InlineData("excelInput", """{"url": "ftp://example.org/a.csv"}""", "config.url")]
    [InlineData("excelInput", """{"url": "https://example.org/a.csv", "format": "xls"}""", "config.format")]
    [InlineData("excelInput", """{"url": "https://example.org/a.csv", "delimiter": ";;"}""", "config.delimiter")]
    [InlineData("excelInput", """{"url": "https://example.org/a.csv", "columns": {"a": "x", "b": "x"}}""", "config.columns")]
    [InlineData("excelInput", """{"url": "https://example.org/a.csv", "max_rows": 0}""", "config.max_rows")]
    [InlineData("excelInput", """{"url": "https://example.org/a.csv", "header": "yes"}""", "config.header")]
    [InlineData("excelInput", """{"url": "https://example.org/a.csv", "sheet": 2}""", "config.sheet")]
    [InlineData("excelInput", """{"url": "https://example.org/a.csv", "rows": 5}""", "config.rows")]
    [InlineData("pdfInput", """{"url": "https://example.org/a.pdf", "max_pages": 100000}""", "config.max_pages")]
    [InlineData("pdfInput", """{"file_id": {"$file": {"id": "nope"}}}""", "config.file_id")]
    public async Task BadConfig_IsRefusedAtSave(string type, string config, string field)
    {
        var answer = (await Client.Post("/api/workflows", ApiCalls.NewTenant(), Workflow(type, config))).ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");

        Assert.Contains(field, answer.Text);
    }

    [Fact]
    public async Task TheStepsDescribeTheirConfigAndOutput()
    {
        var steps = (await Client.Get("/api/available-steps", ApiCalls.NewTenant())).Expect(HttpStatusCode.OK).Body["steps"]!.AsArray();

        foreach (var name in new[] { "excelInput", "pdfInput", "csvOutput", "xlsxOutput" })
        {
            var step = steps.Single(s => (string?)s!["name"] == name)!;
            Assert.Equal("object", (string?)step["config_schema"]!["type"]);
            Assert.NotEmpty(step["config_schema"]!["properties"]!.AsObject());
            Assert.NotEmpty(step["output_schema"]!["properties"]!.AsObject());
        }
    }
}
