using System.Net;
using System.Text.Json.Nodes;
using Chorus.Client;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Client;

/// <summary>The typed client against a real server: every call goes over HTTP on 127.0.0.1.</summary>
public sealed class ChorusClientTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly List<HttpClient> _http = [];

    private ChorusClient For(string tenant, Role role = Role.Admin, string? token = null)
    {
        var http = new HttpClient { BaseAddress = server.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _http.Add(http);
        return new ChorusClient(http, new ChorusClientOptions { Token = token ?? TestTokens.For(tenant, role), TenantId = tenant });
    }

    private static CancellationToken Soon() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task Execute_GreetingWorkflow_CompletesWithOutputAndStepRuns()
    {
        var chorus = For(ApiCalls.NewTenant());
        var workflow = await chorus.Workflows.CreateAsync(Definitions.Greeting());

        var started = await chorus.Workflows.ExecuteAsync(workflow.Id, new JsonObject { ["name"] = "Ada" });
        var done = await chorus.Executions.WaitAsync(started.Id, cancellationToken: Soon());
        var steps = await chorus.Executions.StepsAsync(done.Id);

        Assert.Equal("greeting", workflow.Name);
        Assert.Equal(1, workflow.CurrentVersion);
        Assert.Equal(workflow.Id, workflow.Json["id"]!.GetValue<string>());
        Assert.Equal("completed", done.Status);
        Assert.Equal(workflow.Id, done.WorkflowId);
        Assert.Equal("hello Ada", done.Output?["greeting"]?.GetValue<string>());
        Assert.Equal(100, done.Progress?.Percentage);
        Assert.Equal(["greet", "done"], steps.Items.Select(s => s.StepId));
        Assert.Equal("completed", steps.Items[0].Json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_FilterByWorkflowStatusAndSearchAttribute_ReturnsOnlyMatches()
    {
        var chorus = For(ApiCalls.NewTenant());
        var greeting = Definitions.Greeting();
        greeting["search_attributes"] = new JsonObject { ["customer"] = "$.input.customer" };
        var greetingId = (await chorus.Workflows.CreateAsync(greeting)).Id;
        var waitingId = (await chorus.Workflows.CreateAsync(Definitions.WaitForEvent("never"))).Id;
        var acme = await chorus.Workflows.ExecuteAsync(greetingId, new JsonObject { ["name"] = "a", ["customer"] = "acme" });
        var globex = await chorus.Workflows.ExecuteAsync(greetingId, new JsonObject { ["name"] = "b", ["customer"] = "globex" });
        var held = await chorus.Executions.StartAsync(waitingId);
        await chorus.Executions.WaitAsync(acme.Id, cancellationToken: Soon());
        await chorus.Executions.WaitAsync(globex.Id, cancellationToken: Soon());
        await chorus.Executions.WaitAsync(held.Id, orWaiting: true, cancellationToken: Soon());

        var byWorkflow = await chorus.Executions.ListAsync(new ExecutionFilter { WorkflowId = greetingId });
        var byStatus = await chorus.Executions.ListAsync(new ExecutionFilter { Status = "waiting" });
        var bySearch = await chorus.Executions.ListAsync(new ExecutionFilter { Search = new Dictionary<string, string> { ["customer"] = "acme" } });
        var paged = await chorus.Executions.ListAsync(new ExecutionFilter { PageSize = 1, Page = 2 });

        Assert.Equal(new[] { acme.Id, globex.Id }.Order(), byWorkflow.Items.Select(e => e.Id).Order());
        Assert.Equal([held.Id], byStatus.Items.Select(e => e.Id));
        Assert.Equal([acme.Id], bySearch.Items.Select(e => e.Id));
        Assert.Equal("acme", bySearch.Items[0].SearchAttributes?["customer"]);
        Assert.Equal(3, paged.Total);
        Assert.Equal(2, paged.Page);
        Assert.Single(paged.Items);
    }

    [Fact]
    public async Task Cancel_WaitingExecution_EndsCancelled()
    {
        var chorus = For(ApiCalls.NewTenant());
        var workflow = await chorus.Workflows.CreateAsync(Definitions.WaitForEvent("approval"));
        var started = await chorus.Workflows.ExecuteAsync(workflow.Id);
        await chorus.Executions.WaitAsync(started.Id, orWaiting: true, cancellationToken: Soon());

        var cancelled = await chorus.Executions.CancelAsync(started.Id);

        Assert.Equal("cancelled", cancelled.Status);
        Assert.True((await chorus.Executions.GetAsync(started.Id)).IsEnded);
    }

    [Fact]
    public async Task SendEvent_WaitingExecution_CompletesWithTheEventsData()
    {
        var chorus = For(ApiCalls.NewTenant());
        var workflow = await chorus.Workflows.CreateAsync(Definitions.WaitForEvent("approval"));
        var started = await chorus.Workflows.ExecuteAsync(workflow.Id);
        await chorus.Executions.WaitAsync(started.Id, orWaiting: true, cancellationToken: Soon());

        await chorus.Executions.SendEventAsync(started.Id, "approval", new JsonObject { ["approved"] = true });
        var done = await chorus.Executions.WaitAsync(started.Id, cancellationToken: Soon());

        Assert.Equal("completed", done.Status);
        Assert.Equal("True", done.Output?["got"]?.ToString(), ignoreCase: true);
    }

    [Fact]
    public async Task Get_UnknownExecution_ThrowsApiExceptionWithCodeStatusAndRequestId()
    {
        var chorus = For(ApiCalls.NewTenant());

        var ex = await Assert.ThrowsAsync<ChorusApiException>(() => chorus.Executions.GetAsync(Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("execution_not_found", ex.Code);
        Assert.False(string.IsNullOrEmpty(ex.RequestId));
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public async Task Create_InvalidDefinition_ThrowsApiExceptionWithTheErrorsInDetails()
    {
        var chorus = For(ApiCalls.NewTenant());
        var definition = Definitions.Parse("""{"name": "broken", "steps": [{"id": "a", "type": "no_such_type"}]}""");

        var ex = await Assert.ThrowsAsync<ChorusApiException>(() => chorus.Workflows.CreateAsync(definition));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("invalid_workflow_definition", ex.Code);
        Assert.NotEmpty(ex.Details?["errors"]?.AsArray() ?? []);
    }

    [Fact]
    public async Task List_WrongToken_ThrowsUnauthorized()
    {
        var chorus = For(ApiCalls.NewTenant(), token: "not-a-token");

        var ex = await Assert.ThrowsAsync<ChorusApiException>(() => chorus.Workflows.ListAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("unauthorized", ex.Code);
    }

    [Fact]
    public async Task Get_AnotherTenantsWorkflowAndExecution_IsNotFound()
    {
        var owner = For(ApiCalls.NewTenant());
        var stranger = For(ApiCalls.NewTenant());
        var workflow = await owner.Workflows.CreateAsync(Definitions.Greeting());
        var execution = await owner.Workflows.ExecuteAsync(workflow.Id, new JsonObject { ["name"] = "x" });

        var workflowError = await Assert.ThrowsAsync<ChorusApiException>(() => stranger.Workflows.GetAsync(workflow.Id));
        var executionError = await Assert.ThrowsAsync<ChorusApiException>(() => stranger.Executions.GetAsync(execution.Id));

        Assert.Equal("workflow_not_found", workflowError.Code);
        Assert.Equal(HttpStatusCode.NotFound, executionError.StatusCode);
        Assert.Equal("execution_not_found", executionError.Code);
    }

    [Fact]
    public async Task Update_SameDefinitionTwice_SecondMakesNoVersion()
    {
        var chorus = For(ApiCalls.NewTenant());
        var workflow = await chorus.Workflows.CreateAsync(Definitions.Greeting());
        var changed = Definitions.Greeting();
        changed["description"] = "says hello twice";

        var first = await chorus.Workflows.UpdateAsync(workflow.Id, changed);
        var second = await chorus.Workflows.UpdateAsync(workflow.Id, changed);
        var versions = await chorus.Workflows.VersionsAsync(workflow.Id);

        Assert.True(first.VersionCreated);
        Assert.False(second.VersionCreated);
        Assert.Equal(2, second.CurrentVersion);
        Assert.Equal([1, 2], versions.Items.Select(v => v.Number).Order());
    }

    [Fact]
    public async Task SchedulesWebhooksSecretsAndApiKeys_RoundTrip()
    {
        var chorus = For(ApiCalls.NewTenant());
        var workflow = await chorus.Workflows.CreateAsync(Definitions.Greeting());

        var schedule = await chorus.Schedules.CreateAsync(workflow.Id, new ScheduleSettings { Cron = "0 3 * * *", Enabled = false });
        var enabled = await chorus.Schedules.UpdateAsync(workflow.Id, schedule.Id, new ScheduleSettings { Enabled = true });
        var webhook = await chorus.Webhooks.CreateAsync(workflow.Id, new WebhookSettings { Name = "crm" });
        var rotated = await chorus.Webhooks.RotateAsync(workflow.Id, webhook.Id);
        var shown = await chorus.Webhooks.GetAsync(workflow.Id, webhook.Id);
        await chorus.Secrets.SetAsync("CRM_KEY", "s3cret");
        var key = await chorus.ApiKeys.CreateAsync("deployer", "viewer");
        var withKey = new ChorusClient(server.Client, new ChorusClientOptions { ApiKey = key.Key });

        Assert.Equal("0 3 * * *", enabled.Cron);
        Assert.True(enabled.Enabled);
        Assert.NotNull(enabled.NextRunAt);
        Assert.False(string.IsNullOrEmpty(webhook.Secret));
        Assert.NotEqual(webhook.Secret, rotated.Secret);
        Assert.Null(shown.Secret);
        Assert.Equal("crm", shown.Name);
        Assert.Equal(["CRM_KEY"], (await chorus.Secrets.ListAsync()).Items.Select(s => s.Name));
        Assert.Equal([workflow.Id], (await withKey.Workflows.ListAsync()).Items.Select(w => w.Id));

        await chorus.ApiKeys.RevokeAsync(key.Id);
        await chorus.Webhooks.DeleteAsync(workflow.Id, webhook.Id);
        await chorus.Schedules.DeleteAsync(workflow.Id, schedule.Id);
        await chorus.Secrets.DeleteAsync("CRM_KEY");

        Assert.Equal("unauthorized", (await Assert.ThrowsAsync<ChorusApiException>(() => withKey.Workflows.ListAsync())).Code);
        Assert.NotNull((await chorus.ApiKeys.GetAsync(key.Id)).RevokedAt);
        Assert.Empty((await chorus.Webhooks.ListAsync(workflow.Id)).Items);
        Assert.Empty((await chorus.Schedules.ListAsync(workflow.Id)).Items);
        Assert.Empty((await chorus.Secrets.ListAsync()).Items);
    }

    [Fact]
    public async Task Health_WithoutCredential_IsOkAndReady()
    {
        using var chorus = new ChorusClient(server.Client.BaseAddress!);

        Assert.Equal("ok", (await chorus.HealthAsync()).Status);
        var ready = await chorus.ReadyAsync();
        Assert.Equal("ready", ready.Status);
        Assert.Equal("ok", ready.Checks?["database"]);
    }

    [Fact]
    public async Task Get_UnreachableServer_ThrowsConnectionException()
    {
        using var chorus = new ChorusClient(new Uri("http://127.0.0.1:1"));

        var ex = await Assert.ThrowsAsync<ChorusConnectionException>(() => chorus.Workflows.ListAsync());

        Assert.StartsWith("cannot reach the Chorus server at http://127.0.0.1:1/", ex.Message);
    }

    [Fact]
    public async Task Get_AnswerThatIsNotJson_ThrowsConnectionException()
    {
        using var http = new HttpClient(new HtmlHandler()) { BaseAddress = new Uri("http://example.invalid/") };
        var chorus = new ChorusClient(http);

        var ex = await Assert.ThrowsAsync<ChorusConnectionException>(() => chorus.Workflows.ListAsync());

        Assert.Contains("is it a Chorus server?", ex.Message);
    }

    [Fact]
    public async Task Get_CancelledToken_ThrowsOperationCanceled()
    {
        var chorus = For(ApiCalls.NewTenant());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => chorus.Workflows.ListAsync(cancellationToken: new CancellationToken(true)));
    }

    [Fact]
    public async Task ReadmeExample_RunsAgainstARealServer()
    {
        var tenant = ApiCalls.NewTenant();
        var definition = Definitions.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "examples", "greet.json")));

        await ReadmeExample(server.Client.BaseAddress!, TestTokens.For(tenant), tenant, definition);
    }

    /// <summary>The example of src/Chorus.Client/README.md, as it stands there (but for where its values come from).</summary>
    private static async Task ReadmeExample(Uri server, string? token, string tenant, JsonObject definition)
    {
        using var chorus = new ChorusClient(server, new ChorusClientOptions { Token = token, TenantId = tenant });

        var workflow = await chorus.Workflows.CreateAsync(definition);
        var started = await chorus.Workflows.ExecuteAsync(workflow.Id, new JsonObject { ["name"] = "Ada", ["email"] = "ada@example.org" });
        var done = await chorus.Executions.WaitAsync(started.Id);
        Console.WriteLine($"{done.Status}: {done.Output}");

        var failed = await chorus.Executions.ListAsync(new ExecutionFilter { WorkflowId = workflow.Id, Status = "failed" });
        Console.WriteLine($"{failed.Total} failed");
        try
        {
            await chorus.Executions.GetAsync("00000000-0000-0000-0000-000000000000");
        }
        catch (ChorusApiException ex) when (ex.Code == "execution_not_found")
        {
            Console.WriteLine($"{(int)ex.StatusCode} {ex.Code}: {ex.Message} (request {ex.RequestId})");
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Chorus.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Chorus.slnx not found above the test binaries.");
    }

    public void Dispose()
    {
        foreach (var http in _http)
            http.Dispose();
    }

    /// <summary>A web server that is not Chorus: an HTML page for every request.</summary>
    private sealed class HtmlHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>hello</html>", System.Text.Encoding.UTF8, "text/html") });
    }
}
