using System.Net;
using System.Text.Json.Nodes;
using Chorus.Engine.Outbound;
using Chorus.Server.Email;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Email;

/// <summary>What the email tests share: a server whose SMTP settings point at a sink, and reads of a run.</summary>
internal static class EmailTestSupport
{
    public const string Sender = "Chorus <noreply@chorus.test>";

    /// <summary>A server sending through <paramref name="smtp"/>; steps that name their own server may reach
    /// 127.0.0.1 only when <paramref name="allowPrivate"/> (the outbound policy applies to them).</summary>
    public static Task<ChorusTestServer> StartServerAsync(SmtpSettings? smtp, bool allowPrivate = false) =>
        ChorusTestServer.StartAsync(configure: o => o with
        {
            Smtp = smtp,
            Engine = o.Engine with { OutboundHttp = new OutboundHttpOptions { AllowPrivate = allowPrivate } },
        });

    public static SmtpSettings Plain(int port) => new() { Host = "127.0.0.1", Port = port, Tls = SmtpTls.None, From = Sender };

    /// <summary>Runs the workflow to its end; returns the execution, its step runs and everything the API shows of it.</summary>
    public static async Task<Run> RunAsync(HttpClient client, string tenant, JsonObject workflow, JsonNode? input = null)
    {
        var workflowId = await client.CreateWorkflow(tenant, workflow);
        return await RunExistingAsync(client, tenant, workflowId, input);
    }

    public static async Task<Run> RunExistingAsync(HttpClient client, string tenant, string workflowId, JsonNode? input = null)
    {
        var id = await client.Execute(tenant, workflowId, input);
        var ended = await client.WaitForStatus(tenant, id, "completed", "failed");
        return await ReadAsync(client, tenant, id, ended);
    }

    public static async Task<Run> ReadAsync(HttpClient client, string tenant, string id, ApiResponse ended)
    {
        var steps = (await client.Get($"/api/executions/{id}/steps", tenant)).Expect(HttpStatusCode.OK);
        var logs = (await client.Get($"/api/executions/{id}/logs", tenant)).Expect(HttpStatusCode.OK);
        return new Run(id, ended, steps.Body["items"]!.AsArray(), ended.Text + steps.Text + logs.Text);
    }

    public static JsonObject OneStep(string type, string config, string retry = """{"max_attempts": 1}""") => Definitions.Parse($$"""
        {"name": "mail-{{Guid.NewGuid():N}}", "steps": [
          {"id": "mail", "type": "{{type}}", "retry": {{retry}}, "config": {{config}}}
        ]}
        """);
}

internal sealed record Run(string Id, ApiResponse Ended, JsonArray StepRuns, string Everything)
{
    public string? Status => Ended.Str("status");

    public JsonNode? Output(string stepId) => StepRuns.LastOrDefault(r => (string?)r!["step_id"] == stepId && (string?)r["status"] == "completed")?["output"];

    public int Attempts(string stepId) => StepRuns.Count(r => (string?)r!["step_id"] == stepId);
}
