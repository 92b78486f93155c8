using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Webhooks;

public sealed class WebhookCallTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    private async Task<Hook> EchoHook(JsonObject? settings = null) =>
        await _client.CreateHook(_tenant, await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho()), settings);

    private static string PathOf(Hook hook) => $"/api/hooks/{hook.Id}";

    [Fact]
    public async Task SignedCall_StartsTheWorkflowInTheTriggersTenant_WithTheBodyAsInputAndOnlyTheAllowedHeaders()
    {
        var hook = await EchoHook(new JsonObject { ["headers"] = new JsonArray("X-GitHub-Event") });
        var body = new JsonObject { ["email"] = "user@example.com", ["n"] = 3 };

        var answer = (await _client.CallSigned(PathOf(hook), hook.Secret, Hooks.Bytes(body), headers: [("X-GitHub-Event", "push"), ("X-Other", "secret-ish")]))
            .Expect(HttpStatusCode.Accepted);
        var execution = (await _client.WaitForCompletion(_tenant, answer.Str("execution_id")!)).Body;

        Assert.Equal(hook.WorkflowId, execution["workflow_id"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(body, execution["output"]!["input"]), execution.ToJsonString());
        var trigger = execution["output"]!["trigger"]!;
        Assert.Equal("webhook", trigger["type"]!.GetValue<string>());
        Assert.Equal(hook.Id, trigger["trigger_id"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["x-github-event"] = "push" }, trigger["headers"]), trigger.ToJsonString());
        Assert.DoesNotContain("secret-ish", execution.ToJsonString());
        Assert.DoesNotContain(hook.Secret, execution.ToJsonString());
    }

    [Fact]
    public async Task BadMissingOrStaleSignatures_Are401_AndStartNothing()
    {
        var hook = await EchoHook();
        var body = Hooks.Bytes(new JsonObject { ["a"] = 1 });
        var stale = DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var future = DateTimeOffset.UtcNow.AddMinutes(6).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var refused = new[]
        {
            await _client.CallSigned(PathOf(hook), "whsec_not-the-secret", body),
            await _client.CallSigned(PathOf(hook), hook.Secret, body, timestamp: stale),
            await _client.CallSigned(PathOf(hook), hook.Secret, body, timestamp: future),
            await _client.CallRaw(PathOf(hook), body, "application/json"),
            // Signed for another body: the signature covers every byte.
            await _client.CallRaw(PathOf(hook), body, "application/json", ("X-Chorus-Timestamp", Hooks.Now()),
                ("X-Chorus-Signature", Hooks.Signature(hook.Secret, Hooks.Now(), Hooks.Bytes(new JsonObject { ["a"] = 2 })))),
            await _client.CallRaw(PathOf(hook), body, "application/json", ("X-Chorus-Timestamp", Hooks.Now()), ("X-Chorus-Signature", "sha256=zz")),
            await _client.CallRaw(PathOf(hook), body, "application/json", ("X-Chorus-Timestamp", "yesterday"), ("X-Chorus-Signature", "sha256=00")),
            // An hmac trigger does not take the secret as a token.
            await _client.CallRaw(PathOf(hook), body, "application/json", ("Authorization", $"Bearer {hook.Secret}")),
        };

        Assert.All(refused, r => r.ExpectError(HttpStatusCode.Unauthorized, "unauthorized"));
        Assert.All(refused, r => Assert.NotNull(r.Str("error.request_id")));
        Assert.Empty(await _client.Executions(_tenant, hook.WorkflowId));
    }

    [Fact]
    public async Task ReplayedSignedCall_AnswersTheFirstExecution_AndStartsNoOther()
    {
        var hook = await EchoHook();
        var body = Hooks.Bytes(new JsonObject { ["order"] = 42 });
        var timestamp = Hooks.Now();

        var first = (await _client.CallSigned(PathOf(hook), hook.Secret, body, timestamp)).Expect(HttpStatusCode.Accepted);
        var replay = (await _client.CallSigned(PathOf(hook), hook.Secret, body, timestamp)).Expect(HttpStatusCode.OK);

        Assert.Equal(first.Str("execution_id"), replay.Str("execution_id"));
        Assert.True(replay.Node("replayed")!.GetValue<bool>());
        Assert.Equal("true", replay.Headers["Idempotent-Replayed"]);
        Assert.Single(await _client.Executions(_tenant, hook.WorkflowId));
    }

    [Fact]
    public async Task TokenMode_TakesTheSecretAsBearerOrHeader_AndRefusesAWrongOne()
    {
        var hook = await EchoHook(new JsonObject { ["auth_mode"] = "hmac_or_token" });
        var body = Hooks.Bytes(new JsonObject { ["x"] = 1 });

        var bearer = await _client.CallRaw(PathOf(hook), body, "application/json", ("Authorization", $"Bearer {hook.Secret}"));
        var header = await _client.CallRaw(PathOf(hook), body, "application/json", ("X-Chorus-Webhook-Secret", hook.Secret));
        var wrong = await _client.CallRaw(PathOf(hook), body, "application/json", ("X-Chorus-Webhook-Secret", hook.Secret + "x"));
        var shorter = await _client.CallRaw(PathOf(hook), body, "application/json", ("Authorization", "Bearer whsec_"));
        var signed = await _client.CallSigned(PathOf(hook), hook.Secret, body);

        bearer.Expect(HttpStatusCode.Accepted);
        header.Expect(HttpStatusCode.Accepted);
        signed.Expect(HttpStatusCode.Accepted);
        wrong.ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
        shorter.ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
        // Token calls without a delivery id are not deduplicated: three starts.
        Assert.Equal(3, (await _client.Executions(_tenant, hook.WorkflowId)).Count);
    }

    [Fact]
    public async Task NonJsonBody_BecomesAStringField_AndEnvelopeModeCarriesTheHeaders()
    {
        var plain = await EchoHook();
        var envelope = await EchoHook(new JsonObject { ["input"] = "envelope", ["headers"] = new JsonArray("x-event") });

        var text = (await _client.CallSigned(PathOf(plain), plain.Secret, Encoding.UTF8.GetBytes("a=1&b=two"), contentType: "application/x-www-form-urlencoded"))
            .Expect(HttpStatusCode.Accepted);
        var wrapped = (await _client.CallSigned(PathOf(envelope), envelope.Secret, Hooks.Bytes(new JsonObject { ["k"] = "v" }), headers: [("X-Event", "ping")]))
            .Expect(HttpStatusCode.Accepted);
        var badJson = await _client.CallSigned(PathOf(plain), plain.Secret, Encoding.UTF8.GetBytes("{not json"));

        var textInput = (await _client.WaitForCompletion(_tenant, text.Str("execution_id")!)).Node("input");
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["body"] = "a=1&b=two", ["content_type"] = "application/x-www-form-urlencoded" }, textInput), textInput?.ToJsonString());
        var wrappedInput = (await _client.WaitForCompletion(_tenant, wrapped.Str("execution_id")!)).Node("input");
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["body"] = new JsonObject { ["k"] = "v" }, ["headers"] = new JsonObject { ["x-event"] = "ping" } }, wrappedInput),
            wrappedInput?.ToJsonString());
        badJson.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Single(await _client.Executions(_tenant, plain.WorkflowId));
    }

    [Fact]
    public async Task BodyOverTheTriggersCap_Is413_AndStartsNothing()
    {
        var hook = await EchoHook(new JsonObject { ["max_body_bytes"] = 100 });
        var big = Encoding.UTF8.GetBytes(new JsonObject { ["pad"] = new string('x', 150) }.ToJsonString());
        var small = Encoding.UTF8.GetBytes(new JsonObject { ["pad"] = new string('x', 50) }.ToJsonString());

        var refused = await _client.CallSigned(PathOf(hook), hook.Secret, big);
        var accepted = await _client.CallSigned(PathOf(hook), hook.Secret, small);

        refused.ExpectError(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(100, refused.Node("error.details.allowed")!.GetValue<int>());
        accepted.Expect(HttpStatusCode.Accepted);
        Assert.Single(await _client.Executions(_tenant, hook.WorkflowId));
    }

    [Fact]
    public async Task IdempotencyKeyAndDeliveryHeader_DeduplicateRedeliveries_AndAnotherBodyIsAConflict()
    {
        var hook = await EchoHook(new JsonObject { ["auth_mode"] = "hmac_or_token" });
        var body = Hooks.Bytes(new JsonObject { ["event"] = "push" });
        var token = ("X-Chorus-Webhook-Secret", hook.Secret);

        var keyed = (await _client.CallRaw(PathOf(hook), body, "application/json", token, ("Idempotency-Key", "delivery-1"))).Expect(HttpStatusCode.Accepted);
        var keyedAgain = (await _client.CallRaw(PathOf(hook), body, "application/json", token, ("Idempotency-Key", "delivery-1"))).Expect(HttpStatusCode.OK);
        var github = (await _client.CallRaw(PathOf(hook), body, "application/json", token, ("X-GitHub-Delivery", "72d3162e"))).Expect(HttpStatusCode.Accepted);
        // GitHub re-signs a redelivery with a new timestamp: the delivery id, not the signature, makes it the same.
        var githubAgain = (await _client.CallSigned(PathOf(hook), hook.Secret, body, headers: [("X-GitHub-Delivery", "72d3162e")])).Expect(HttpStatusCode.OK);
        var otherBody = await _client.CallRaw(PathOf(hook), Hooks.Bytes(new JsonObject { ["event"] = "other" }), "application/json", token, ("Idempotency-Key", "delivery-1"));

        Assert.Equal(keyed.Str("execution_id"), keyedAgain.Str("execution_id"));
        Assert.Equal(github.Str("execution_id"), githubAgain.Str("execution_id"));
        Assert.NotEqual(keyed.Str("execution_id"), github.Str("execution_id"));
        otherBody.ExpectError(HttpStatusCode.Conflict, "conflict");
        Assert.Equal(2, (await _client.Executions(_tenant, hook.WorkflowId)).Count);
    }

    [Fact]
    public async Task WaitParameter_AnswersTheFinishedExecutionsOutput_AndABadWaitIs400()
    {
        var hook = await _client.CreateHook(_tenant, await _client.CreateWorkflow(_tenant, Definitions.Greeting()));
        var body = Hooks.Bytes(new JsonObject { ["name"] = "hooks" });

        var waited = (await _client.CallSigned(PathOf(hook) + "?wait=30s", hook.Secret, body)).Expect(HttpStatusCode.OK);
        var tooLong = await _client.CallSigned(PathOf(hook) + "?wait=61s", hook.Secret, Hooks.Bytes(new JsonObject { ["name"] = "x" }));
        var garbage = await _client.CallSigned(PathOf(hook) + "?wait=soon", hook.Secret, Hooks.Bytes(new JsonObject { ["name"] = "y" }));

        Assert.Equal("completed", waited.Str("status"));
        Assert.Equal("hello hooks", waited.Str("output.greeting"));
        tooLong.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        garbage.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Single(await _client.Executions(_tenant, hook.WorkflowId));
    }

    [Fact]
    public async Task WaitParameter_OnAnExecutionThatWaits_AnswersTheCurrentStatusWhenTimeRunsOut()
    {
        var hook = await _client.CreateHook(_tenant, await _client.CreateWorkflow(_tenant, Definitions.WaitForEvent("never")));

        var answer = (await _client.CallSigned(PathOf(hook) + "?wait=500ms", hook.Secret, Hooks.Bytes(new JsonObject()))).Expect(HttpStatusCode.Accepted);

        Assert.Contains(answer.Str("status"), new[] { "running", "waiting" });
        Assert.NotNull(answer.Str("execution_id"));
    }

    [Fact]
    public async Task UnknownDisabledAndMalformedTriggers_AreRefused_AndStartNothing()
    {
        var hook = await EchoHook();
        (await _client.Patch($"{Hooks.HooksOf(hook.WorkflowId)}/{hook.Id}", _tenant, new JsonObject { ["enabled"] = false })).Expect(HttpStatusCode.OK);
        var body = Hooks.Bytes(new JsonObject());

        var disabled = await _client.CallSigned(PathOf(hook), hook.Secret, body);
        var disabledUnsigned = await _client.CallRaw(PathOf(hook), body, "application/json");
        var unknown = await _client.CallSigned($"/api/hooks/{Guid.NewGuid()}", hook.Secret, body);
        var notAnId = await _client.CallSigned("/api/hooks/not-an-id", hook.Secret, body);

        disabled.ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        // Only the secret's holder learns that the trigger is disabled.
        disabledUnsigned.ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
        unknown.ExpectError(HttpStatusCode.NotFound, "not_found");
        notAnId.ExpectError(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await _client.Executions(_tenant, hook.WorkflowId));

        (await _client.Patch($"{Hooks.HooksOf(hook.WorkflowId)}/{hook.Id}", _tenant, new JsonObject { ["enabled"] = true })).Expect(HttpStatusCode.OK);
        (await _client.CallSigned(PathOf(hook), hook.Secret, body)).Expect(HttpStatusCode.Accepted);
    }
}
