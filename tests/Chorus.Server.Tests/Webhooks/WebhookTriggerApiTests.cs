using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;
using Chorus.Server.Tests.Security;

namespace Chorus.Server.Tests.Webhooks;

public sealed class WebhookTriggerApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    [Fact]
    public async Task Secret_IsShownOnceOnCreate_NeverListedOrRead_AndRotationRefusesTheOldOne()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        var created = (await _client.Post(Hooks.HooksOf(workflowId), _tenant, new JsonObject { ["name"] = "github" })).Expect(HttpStatusCode.Created);
        var hook = new Hook(created.Str("id")!, created.Str("secret")!, created.Str("url")!, workflowId);

        Assert.StartsWith("whsec_", hook.Secret);
        Assert.EndsWith($"/api/hooks/{hook.Id}", hook.Url);
        Assert.Equal($"/api/workflows/{workflowId}/webhooks/{hook.Id}", created.Location);
        Assert.Equal("hmac", created.Str("auth_mode"));
        Assert.Equal(256 * 1024, created.Node("max_body_bytes")!.GetValue<int>());
        var read = (await _client.Get($"{Hooks.HooksOf(workflowId)}/{hook.Id}", _tenant)).Expect(HttpStatusCode.OK);
        var list = (await _client.Get(Hooks.HooksOf(workflowId), _tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal("github", read.Str("name"));
        Assert.Null(read.Node("secret"));
        Assert.DoesNotContain(hook.Secret, read.Text);
        Assert.DoesNotContain(hook.Secret, list.Text);
        Assert.Equal(hook.Id, list.Str("items.0.id"));

        var rotated = (await _client.Post($"{Hooks.HooksOf(workflowId)}/{hook.Id}/rotate", _tenant)).Expect(HttpStatusCode.OK);
        var newSecret = rotated.Str("secret")!;
        var body = Hooks.Bytes(new JsonObject { ["v"] = 1 });

        Assert.NotEqual(hook.Secret, newSecret);
        (await _client.CallSigned($"/api/hooks/{hook.Id}", hook.Secret, body)).ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
        (await _client.CallSigned($"/api/hooks/{hook.Id}", newSecret, body)).Expect(HttpStatusCode.Accepted);
        Assert.DoesNotContain(newSecret, (await _client.Get($"{Hooks.HooksOf(workflowId)}/{hook.Id}", _tenant)).Text);
    }

    [Fact]
    public async Task AnotherTenant_CannotSeeChangeRotateOrDeleteATrigger()
    {
        var hook = await _client.CreateHook(_tenant, await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho()));
        var other = ApiCalls.NewTenant();
        var path = $"{Hooks.HooksOf(hook.WorkflowId)}/{hook.Id}";

        var attempts = new[]
        {
            await _client.Get(path, other),
            await _client.Get(Hooks.HooksOf(hook.WorkflowId), other),
            await _client.Patch(path, other, new JsonObject { ["enabled"] = false }),
            await _client.Post($"{path}/rotate", other),
            await _client.Delete(path, other),
            await _client.Post(Hooks.HooksOf(hook.WorkflowId), other),
        };

        Assert.All(attempts, a => Assert.Equal(HttpStatusCode.NotFound, a.Status));
        Assert.All(attempts, a => Assert.NotNull(a.Str("error.code")));
        var still = (await _client.Get(path, _tenant)).Expect(HttpStatusCode.OK);
        Assert.True(still.Node("enabled")!.GetValue<bool>());
        (await _client.CallSigned($"/api/hooks/{hook.Id}", hook.Secret, Hooks.Bytes(new JsonObject()))).Expect(HttpStatusCode.Accepted);
        // The execution runs in the trigger's tenant, not in any other.
        Assert.Single(await _client.Executions(_tenant, hook.WorkflowId));
    }

    [Fact]
    public async Task BadSettings_Are400_AndCreateNothing()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());

        var bad = new[]
        {
            new JsonObject { ["auth_mode"] = "none" },
            new JsonObject { ["max_body_bytes"] = 0 },
            new JsonObject { ["max_body_bytes"] = 2 * 1024 * 1024 },
            new JsonObject { ["headers"] = new JsonArray("Authorization") },
            new JsonObject { ["headers"] = new JsonArray("bad header") },
            new JsonObject { ["headers"] = "x-one" },
            new JsonObject { ["input"] = "everything" },
            new JsonObject { ["secret"] = "mine" },
        };
        foreach (var body in bad)
            (await _client.Post(Hooks.HooksOf(workflowId), _tenant, body)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");

        Assert.Equal(0, (await _client.Get(Hooks.HooksOf(workflowId), _tenant)).Expect(HttpStatusCode.OK).Node("total")!.GetValue<int>());
        (await _client.Post(Hooks.HooksOf(Guid.NewGuid().ToString()), _tenant)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
    }

    [Fact]
    public async Task Roles_ViewersRead_MembersCannotManage()
    {
        var hook = await _client.CreateHook(_tenant, await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho()));
        var viewer = TestTokens.For(_tenant, Role.Viewer);
        var member = TestTokens.For(_tenant, Role.Member);

        (await _client.SendAs(HttpMethod.Get, Hooks.HooksOf(hook.WorkflowId), viewer, _tenant)).Expect(HttpStatusCode.OK);
        (await _client.SendAs(HttpMethod.Post, Hooks.HooksOf(hook.WorkflowId), member, _tenant, new JsonObject())).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await _client.SendAs(HttpMethod.Post, $"{Hooks.HooksOf(hook.WorkflowId)}/{hook.Id}/rotate", member, _tenant, new JsonObject()))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
    }

    [Fact]
    public async Task TriggerOfADeletedWorkflow_IsNotFound_ForReadsAndCalls_AndStartsNothing()
    {
        var hook = await _client.CreateHook(_tenant, await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho()));

        (await _client.Delete($"/api/workflows/{hook.WorkflowId}", _tenant)).Expect(HttpStatusCode.NoContent);

        (await _client.Get($"{Hooks.HooksOf(hook.WorkflowId)}/{hook.Id}", _tenant)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await _client.CallSigned($"/api/hooks/{hook.Id}", hook.Secret, Hooks.Bytes(new JsonObject()))).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
    }

    [Fact]
    public async Task DeletedTrigger_IsNotFound_ForCallsAndReads()
    {
        var hook = await _client.CreateHook(_tenant, await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho()));

        (await _client.Delete($"{Hooks.HooksOf(hook.WorkflowId)}/{hook.Id}", _tenant)).Expect(HttpStatusCode.NoContent);

        (await _client.Get($"{Hooks.HooksOf(hook.WorkflowId)}/{hook.Id}", _tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await _client.CallSigned($"/api/hooks/{hook.Id}", hook.Secret, Hooks.Bytes(new JsonObject()))).ExpectError(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await _client.Executions(_tenant, hook.WorkflowId));
    }
}
