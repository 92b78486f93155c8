using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Email;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Files;

/// <summary>Payload offload end to end: an output over PAYLOAD_OFFLOAD_BYTES becomes a JSON file and the execution holds
/// a $file reference (in the step run, the context, the execution's output), file-taking steps accept the reference,
/// and the file goes with the execution.</summary>
public sealed class PayloadOffloadTests
{
    /// <summary>A code step whose output is about 5 KB of records, a csvOutput of them, and the execution's output.</summary>
    private static JsonObject Workflow() => Definitions.Parse($$$"""
        {"name": "offload-{{{Guid.NewGuid():N}}}", "steps": [
          {"id": "big", "type": "code", "config": {"code": "return {records: Array.from({length: 100}, (_, i) => ({n: i, text: 'row ' + i + ' ' + 'x'.repeat(30)}))};"}, "next": "write"},
          {"id": "write", "type": "csvOutput", "config": {"records": "{{ $.big }}"}, "next": "done"},
          {"id": "done", "type": "output", "config": {"value": "{{ $.big }}"}}
        ]}
        """);

    private static JsonArray ExpectedRecords() =>
        new([.. Enumerable.Range(0, 100).Select(i => (JsonNode)new JsonObject { ["n"] = i, ["text"] = $"row {i} {new string('x', 30)}" })]);

    [Fact]
    public async Task ALargeOutput_IsKeptAsAFile_TheExecutionHoldsAReference_AndTheFileGoesWithIt()
    {
        await using var server = await ChorusTestServer.StartAsync(configure: o => o with { Files = o.Files with { OffloadBytes = 2048 } });
        var tenant = ApiCalls.NewTenant();

        var run = await EmailTestSupport.RunAsync(server.Client, tenant, Workflow());

        Assert.True(run.Status == "completed", run.Ended.Text);
        var reference = run.Output("big")!["$file"]!;
        Assert.Equal(("big.output.json", "application/json"), ((string?)reference["name"], (string?)reference["content_type"]));
        Assert.True(JsonNode.DeepEquals(run.Output("big"), run.Ended.Node("output")), run.Ended.Text);
        var id = (string)reference["id"]!;
        var (response, bytes) = await server.Client.Download(tenant, id);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((long)reference["size"]!, bytes.LongLength);
        Assert.True(JsonNode.DeepEquals(ExpectedRecords(), JsonNode.Parse(bytes)!["records"]));
        var metadata = (await server.Client.Get($"/api/files/{id}", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal((run.Id, "big"), (metadata.Str("execution_id"), metadata.Str("step_id")));
        // The csvOutput step took the reference for its records; its own output is small and stays in the context.
        var written = run.Output("write")!;
        Assert.Equal(100, (int)written["rows"]!);
        Assert.DoesNotContain("$file", run.Output("write")!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", run.Everything, StringComparison.Ordinal);

        (await server.Client.Delete($"/api/executions/{run.Id}", tenant)).Expect(HttpStatusCode.NoContent);

        (await server.Client.Get($"/api/files/{id}", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await server.Client.Get($"/api/files/{written["file_id"]}", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, (await server.Client.Get("/api/files", tenant)).Body["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task WithOffloadOff_OrUnderTheThreshold_OutputsStayInTheContext()
    {
        await using var off = await ChorusTestServer.StartAsync(configure: o => o with { Files = o.Files with { OffloadBytes = 0 } });
        await using var high = await ChorusTestServer.StartAsync(configure: o => o with { Files = o.Files with { OffloadBytes = 64 * 1024 } });

        foreach (var server in new[] { off, high })
        {
            var tenant = ApiCalls.NewTenant();
            var run = await EmailTestSupport.RunAsync(server.Client, tenant, Workflow());

            Assert.True(JsonNode.DeepEquals(ExpectedRecords(), run.Output("big")!["records"]), run.Ended.Text);
            Assert.Equal(1, (await server.Client.Get("/api/files", tenant)).Body["total"]!.GetValue<int>()); // the CSV only
        }
    }
}
