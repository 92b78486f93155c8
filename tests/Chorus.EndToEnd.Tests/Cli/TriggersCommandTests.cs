using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary><c>chorus triggers</c> against a real server: what the CLI creates is called the way an outside sender
/// calls it, signed with the secret the CLI printed, and starts the workflow.</summary>
public sealed class TriggersCommandTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    private static readonly string Token = TestTokens.For("default");

    private Task<CliResult> Chorus(params string[] args) => CliProcess.RunAsync([.. args, "--server", server.Url, "--token", Token]);

    [Fact]
    public async Task Create_PrintsUrlAndSecret_AndASignedCallStartsTheWorkflow()
    {
        var workflow = await CreateWorkflowAsync();

        var create = await Chorus("triggers", "create", workflow, "--name", "signup form", "--header", "X-Source", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        var trigger = JsonNode.Parse(create.Stdout)!;
        var id = (string)trigger["id"]!;
        var url = (string)trigger["url"]!;
        var secret = (string)trigger["secret"]!;
        Assert.Equal($"{server.Url}/api/hooks/{id}", url);
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(["x-source"], trigger["headers"]!.AsArray().Select(h => (string)h!));

        using var call = await CallAsync(url, secret, """{"name": "Ada"}""", ("X-Source", "signup-form"));
        var answer = JsonNode.Parse(await call.Content.ReadAsStringAsync())!;
        Assert.True(call.StatusCode == HttpStatusCode.OK, answer.ToJsonString());
        Assert.True((string?)answer["status"] == "completed", answer.ToJsonString());
        Assert.Equal("Hello Ada!", (string?)answer["output"]!["greeting"]);
        Assert.Equal("signup-form", (string?)answer["output"]!["source"]);
        using var http = TestHttp.Client(new Uri(server.Url), "default");
        var execution = await http.GetFromJsonAsync<JsonObject>($"/api/executions/{answer["execution_id"]}");
        Assert.Equal(workflow, (string?)execution!["workflow_id"]);

        // Listed and shown with the URL, never with the secret.
        var list = await Chorus("triggers", "list", workflow);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Stdout);
        Assert.Contains("signup form", list.Stdout);
        var show = await Chorus("triggers", "show", workflow, id);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains($"url: {url}", show.Stdout.Split('\n').Select(l => l.TrimEnd()));
        Assert.DoesNotContain(secret, list.Stdout + show.Stdout);
    }

    [Fact]
    public async Task DisableEnableUpdateRotateDelete_AsTheSenderSeesIt()
    {
        var workflow = await CreateWorkflowAsync();
        var created = JsonNode.Parse((await Chorus("triggers", "create", workflow, "--json")).Stdout)!;
        var (id, url, secret) = ((string)created["id"]!, (string)created["url"]!, (string)created["secret"]!);

        Assert.Equal($"webhook trigger {id}: disabled", (await Chorus("triggers", "disable", workflow, id)).Stdout.Trim());
        using (var refused = await CallAsync(url, secret, """{"name": "Bo"}"""))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal($"webhook trigger {id}: enabled", (await Chorus("triggers", "enable", workflow, id)).Stdout.Trim());

        var update = await Chorus("triggers", "update", workflow, id, "--name", "renamed", "--auth-mode", "hmac_or_token", "--json");
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Equal("renamed", (string?)JsonNode.Parse(update.Stdout)!["name"]);
        Assert.Equal("hmac_or_token", (string?)JsonNode.Parse(update.Stdout)!["auth_mode"]);
        Assert.DoesNotContain("\"secret\"", update.Stdout);

        // The human form prints the new secret on its own line; calls signed with the old one are refused from then on.
        var rotate = await Chorus("triggers", "rotate", workflow, id);
        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        var rotated = rotate.Stdout.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();
        Assert.NotEqual(secret, rotated);
        Assert.Contains($"url: {url}", rotate.Stdout);
        using (var old = await CallAsync(url, secret, """{"name": "Cy"}"""))
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        using (var fresh = await CallAsync(url, rotated, """{"name": "Cy"}"""))
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);

        var delete = await Chorus("triggers", "delete", workflow, id, "--json");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.True((bool)JsonNode.Parse(delete.Stdout)!["deleted"]!);
        Assert.Contains("No webhook triggers.", (await Chorus("triggers", "list", workflow)).Stdout);
        using (var gone = await CallAsync(url, rotated, """{"name": "Di"}"""))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task UnknownWorkflowOrTrigger_AndBadSettings_ExitWithTheServersError()
    {
        var missingWorkflow = Guid.NewGuid().ToString();
        foreach (var args in new[] { new[] { "list", missingWorkflow }, ["create", missingWorkflow], ["show", missingWorkflow, Guid.NewGuid().ToString()] })
        {
            var result = await Chorus(["triggers", .. args]);
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal($"chorus: workflow_not_found: Workflow {missingWorkflow} does not exist.", result.Stderr.Trim());
            Assert.Equal("", result.Stdout);
        }

        var workflow = await CreateWorkflowAsync();
        var missingTrigger = Guid.NewGuid().ToString();
        foreach (var verb in new[] { "show", "disable", "rotate", "delete" })
        {
            var result = await Chorus("triggers", verb, workflow, missingTrigger);
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal($"chorus: not_found: Webhook trigger {missingTrigger} does not exist.", result.Stderr.Trim());
        }

        var badMode = await Chorus("triggers", "create", workflow, "--auth-mode", "password");
        Assert.Equal(1, badMode.ExitCode);
        Assert.StartsWith("chorus: invalid_input: 'auth_mode'", badMode.Stderr);
        var nothing = await Chorus("triggers", "update", workflow, missingTrigger);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("give at least one setting", nothing.Stderr);
        Assert.Contains("No webhook triggers.", (await Chorus("triggers", "list", workflow)).Stdout);
    }

    private async Task<string> CreateWorkflowAsync()
    {
        using var http = TestHttp.Client(new Uri(server.Url), "default");
        using var created = await http.PostAsJsonAsync("/api/workflows", JsonNode.Parse("""
            {"name": "triggered by a webhook", "status": "active", "steps": [
              {"id": "out", "type": "output", "config": {"value": {"greeting": "Hello {{input.name}}!", "source": "{{trigger.headers['x-source']}}"}}}
            ]}
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;
    }

    /// <summary>A call as an outside sender makes it: no Chorus credential, signed here independently of the server's
    /// code (HMAC-SHA256 of "{timestamp}.{body}" keyed with the secret), waiting for the execution to end.</summary>
    private static async Task<HttpResponseMessage> CallAsync(string url, string secret, string body, params (string Name, string Value)[] headers)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        using var request = new HttpRequestMessage(HttpMethod.Post, url + "?wait=30s") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Chorus-Timestamp", timestamp);
        request.Headers.Add("X-Chorus-Signature", "sha256=" + signature);
        foreach (var (name, value) in headers)
            request.Headers.Add(name, value);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(40) };
        return await http.SendAsync(request);
    }
}
