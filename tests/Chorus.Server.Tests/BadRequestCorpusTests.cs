using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>A tenant with one workflow and one completed execution, and what its lists looked like before the
/// corpus ran.</summary>
public sealed class CorpusFixture : IAsyncLifetime
{
    private ChorusTestServer? _server;

    public HttpClient Client => _server!.Client;
    public string Tenant { get; } = ApiCalls.NewTenant();
    public string WorkflowId { get; private set; } = "";
    public string ExecutionId { get; private set; } = "";
    public string Snapshot { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // With an audience, so the corpus's wrong-audience tokens are refused for that reason.
        _server = await ChorusTestServer.StartAsync(configure: o => o with { Auth = o.Auth with { Audience = TestTokens.Audience } });
        WorkflowId = await Client.CreateWorkflow(Tenant, Definitions.Greeting("corpus"));
        ExecutionId = await Client.Execute(Tenant, WorkflowId, new JsonObject { ["name"] = "corpus" });
        await Client.WaitForCompletion(Tenant, ExecutionId);
        Snapshot = await TakeSnapshot();
    }

    /// <summary>Everything the tenant can list, test runs and version history included.</summary>
    public async Task<string> TakeSnapshot()
    {
        var parts = new[]
        {
            await Client.Get("/api/workflows", Tenant),
            await Client.Get($"/api/workflows/{WorkflowId}", Tenant),
            await Client.Get($"/api/workflows/{WorkflowId}/versions", Tenant),
            await Client.Get("/api/executions?include_tests=true", Tenant),
            await Client.Get($"/api/executions/{ExecutionId}", Tenant),
            await Client.Get($"/api/executions/{ExecutionId}/steps", Tenant),
            await Client.Get($"/api/workflows/{WorkflowId}/schedules", Tenant),
        };
        return string.Join("\n", parts.Select(p => p.Expect(HttpStatusCode.OK).Text));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}

public sealed class BadRequestCorpusTests(CorpusFixture corpus) : IClassFixture<CorpusFixture>
{
    [Theory]
    [MemberData(nameof(BadRequestCases.Names), MemberType = typeof(BadRequestCases))]
    public async Task BadRequest_AnswersCleanErrorShapeAndChangesNothing(string name)
    {
        var bad = BadRequestCases.All[name];
        var path = bad.Path.Replace("{wf}", corpus.WorkflowId).Replace("{ex}", corpus.ExecutionId);
        var content = bad.Bytes is { } bytes ? ApiCalls.Raw(bytes, bad.ContentType) : null;

        // A body over the limit is announced with Expect: 100-continue, so the server can refuse it before it is
        // sent instead of resetting a connection the client is still writing to.
        var response = await corpus.Client.Send(new HttpMethod(bad.Method), path, corpus.Tenant, content,
            expectContinue: bad.Bytes?.Length > 1024 * 1024, headers: bad.Headers);

        var status = (int)response.Status;
        Assert.True(status is >= 400 and < 500, $"{name}: HTTP {status}: {Trim(response.Text)}");
        Assert.True(bad.Status == response.Status, $"{name}: expected {(int)bad.Status}, got {status}: {Trim(response.Text)}");
        var error = response.Node("error") as JsonObject;
        Assert.True(error is not null, $"{name}: no error object in {Trim(response.Text)}");
        Assert.True(bad.Code == error["code"]?.GetValue<string>(), $"{name}: expected {bad.Code}: {Trim(response.Text)}");
        Assert.False(string.IsNullOrWhiteSpace(error["message"]?.GetValue<string>()), name);
        Assert.IsType<JsonObject>(error["details"]);
        Assert.False(string.IsNullOrWhiteSpace(error["request_id"]?.GetValue<string>()), name);
        Assert.True(response.RequestId == error["request_id"]!.GetValue<string>(), $"{name}: X-Request-ID header '{response.RequestId}'");
        Assert.DoesNotContain("   at ", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", response.Text, StringComparison.Ordinal);
        Assert.Equal(corpus.Snapshot, await corpus.TakeSnapshot());
    }

    [Fact]
    public async Task Validate_JsonSentAsTextPlain_IsAcceptedAsJson()
    {
        // The server reads every body as JSON whatever its declared type; a client sending text/plain still works.
        var body = System.Text.Encoding.UTF8.GetBytes(Definitions.Greeting().ToJsonString());

        var plain = await corpus.Client.Send(HttpMethod.Post, "/api/workflows/validate", corpus.Tenant, ApiCalls.Raw(body, "text/plain"));
        var untyped = await corpus.Client.Send(HttpMethod.Post, "/api/workflows/validate", corpus.Tenant, ApiCalls.Raw(body, null));

        Assert.True(plain.Expect(HttpStatusCode.OK).Node("valid")!.GetValue<bool>(), plain.Text);
        Assert.True(untyped.Expect(HttpStatusCode.OK).Node("valid")!.GetValue<bool>(), untyped.Text);
        Assert.Equal(corpus.Snapshot, await corpus.TakeSnapshot());
    }

    [Fact]
    public async Task Create_JsonSentAsTextPlain_Returns201()
    {
        var tenant = ApiCalls.NewTenant();
        var body = System.Text.Encoding.UTF8.GetBytes(Definitions.Greeting("plain").ToJsonString());

        var created = await corpus.Client.Send(HttpMethod.Post, "/api/workflows", tenant, ApiCalls.Raw(body, "text/plain; charset=utf-8"));

        Assert.Equal("plain", created.Expect(HttpStatusCode.Created).Str("name"));
    }

    private static string Trim(string text) => text.Length > 500 ? text[..500] + "..." : text;
}
