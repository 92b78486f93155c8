using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Steps;

namespace Chorus.Engine.Tests.Steps;

/// <summary>Which names a config refers to, and the redaction of their values from what a step leaves behind.</summary>
public sealed class StepSecretsTests
{
    private sealed class Fixed(Dictionary<string, string> values) : ISecretResolver
    {
        public Task<string?> ResolveAsync(TenantId tenant, string name, CancellationToken ct) =>
            Task.FromResult(values.TryGetValue(name, out var v) ? v : null);
    }

    [Fact]
    public void Referenced_FindsSecretNamesInPlaceholdersOnly()
    {
        var config = JsonNode.Parse("""
            {"a": "{{ secrets.ONE }}", "b": ["x {{ $.secrets.TWO }} y", "secrets.NOT_IN_PLACEHOLDER"],
             "c": {"d": "{{ mysecrets.NO }} {{ steps.secrets.NO2 }} {{ secrets.ONE }}"}}
            """);

        Assert.Equal(["ONE", "TWO"], StepSecrets.Referenced(config));
    }

    [Fact]
    public async Task Resolve_UnknownName_FailsNamingIt()
    {
        var ex = await Assert.ThrowsAsync<StepConfigurationException>(() => StepSecrets.ResolveAsync(
            new Fixed(new() { ["ONE"] = "v1" }), new TenantId("t"), JsonNode.Parse("""{"a": "{{ secrets.ONE }}{{ secrets.MISSING }}"}"""), default));

        Assert.Contains("MISSING", ex.Message);
        Assert.DoesNotContain("v1", ex.Message);
    }

    [Fact]
    public async Task Redact_ReplacesValuesInOutputErrorsAndLogs()
    {
        var secrets = (await StepSecrets.ResolveAsync(new Fixed(new() { ["K"] = "abc123" }), new TenantId("t"),
            JsonNode.Parse("""{"h": "{{ secrets.K }}"}"""), default))!;

        var done = (StepResult.Completed)secrets.Redact(new StepResult.Completed(JsonNode.Parse("""{"echo": "key=abc123;", "n": 1, "abc123": true}""")));
        var failed = (StepResult.Failed)secrets.Redact(new StepResult.Failed("x", "sent abc123", JsonNode.Parse("""["abc123"]""")));
        var logs = secrets.Redact([new StepLogEntry("info", "abc123 went out", JsonNode.Parse("""{"v": "abc123"}"""))]);

        Assert.Equal("""{"echo":"key=[secret];","n":1,"[secret]":true}""", done.Output!.ToJsonString());
        Assert.Equal("sent [secret]", failed.Message);
        Assert.Equal("""["[secret]"]""", failed.Details!.ToJsonString());
        Assert.Equal("[secret] went out", logs[0].Message);
        Assert.Equal("""{"v":"[secret]"}""", logs[0].Data!.ToJsonString());
    }

    [Fact]
    public async Task NoResolver_AndASecretReferred_FailsTheStep()
    {
        await Assert.ThrowsAsync<StepConfigurationException>(() =>
            StepSecrets.ResolveAsync(null, new TenantId("t"), JsonNode.Parse("""{"a": "{{ secrets.ONE }}"}"""), default));
        Assert.Null(await StepSecrets.ResolveAsync(null, new TenantId("t"), JsonNode.Parse("""{"a": "{{ input.x }}"}"""), default));
    }
}
