using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary><c>chorus api-keys</c> against a real server: the key the CLI prints works as a credential of the CLI
/// itself until the CLI revokes it; only admins manage keys.</summary>
public sealed class ApiKeysCommandTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    private static readonly string Token = TestTokens.For("default");

    private Task<CliResult> Chorus(params string[] args) => CliProcess.RunAsync([.. args, "--server", server.Url, "--token", Token]);

    private Task<CliResult> WithKey(string key, params string[] args) => CliProcess.RunAsync([.. args, "--server", server.Url, "--api-key", key]);

    [Fact]
    public async Task Create_PrintsTheKeyOnce_ItWorks_UntilRevoked()
    {
        var name = "deployer-" + Guid.NewGuid().ToString("N")[..8];
        var create = await Chorus("api-keys", "create", name, "--role", "member", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        var created = JsonNode.Parse(create.Stdout)!;
        var id = (string)created["id"]!;
        var key = (string)created["key"]!;
        Assert.StartsWith($"chorus_{id}_", key);
        Assert.Equal("member", (string?)created["role"]);
        Assert.Equal("default", (string?)created["tenant_id"]);

        var used = await WithKey(key, "workflows", "list");
        Assert.True(used.ExitCode == 0, used.ToString());

        var list = await Chorus("api-keys", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(list.Stdout.Split('\n'), l => l.Contains(id) && l.Contains(name) && l.Contains("member"));
        var show = await Chorus("api-keys", "show", id);
        Assert.Contains("role: member", show.Stdout);
        Assert.DoesNotContain("revoked_at", show.Stdout);
        Assert.DoesNotContain(key, list.Stdout + show.Stdout);

        Assert.Equal($"revoked API key {id}", (await Chorus("api-keys", "revoke", id)).Stdout.Trim());
        var refused = await WithKey(key, "workflows", "list");
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("chorus: unauthorized", refused.Stderr);
        using (var http = new HttpClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{server.Url}/api/workflows");
            request.Headers.Add("X-API-Key", key);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // Still listed, now with when it was revoked; "delete" is the same command and answers the same.
        var revoked = JsonNode.Parse((await Chorus("api-keys", "show", id, "--json")).Stdout)!;
        Assert.NotNull((string?)revoked["revoked_at"]);
        var again = await Chorus("api-keys", "delete", id, "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(id, (string?)JsonNode.Parse(again.Stdout)!["id"]);
    }

    [Fact]
    public async Task OnlyAnAdmin_CreatesKeys_AndUnknownKeysAreNotFound()
    {
        // A member's token, minted by the CLI with the secret the test server verifies with.
        var mint = await CliProcess.RunAsync(new Dictionary<string, string> { ["JWT_SECRET"] = TestTokens.Secret },
            "token", "--tenant", "default", "--role", "member");
        Assert.True(mint.ExitCode == 0, mint.ToString());
        var name = "by-a-member-" + Guid.NewGuid().ToString("N")[..8];
        var denied = await CliProcess.RunAsync("api-keys", "create", name, "--role", "admin", "--server", server.Url, "--token", mint.Stdout.Trim());
        Assert.Equal(1, denied.ExitCode);
        Assert.StartsWith("chorus: permission_denied", denied.Stderr);
        Assert.Equal("", denied.Stdout);

        // Nor may a member's key make itself an admin's.
        var memberKey = (string)JsonNode.Parse((await Chorus("api-keys", "create", "member-key", "--role", "member", "--json")).Stdout)!["key"]!;
        var escalate = await WithKey(memberKey, "api-keys", "create", name, "--role", "admin");
        Assert.Equal(1, escalate.ExitCode);
        Assert.StartsWith("chorus: permission_denied", escalate.Stderr);
        Assert.DoesNotContain(name, (await Chorus("api-keys", "list")).Stdout);

        var badRole = await Chorus("api-keys", "create", name, "--role", "operator");
        Assert.Equal(1, badRole.ExitCode);
        Assert.StartsWith("chorus: invalid_input: 'role'", badRole.Stderr);
        var noRole = await Chorus("api-keys", "create", name);
        Assert.Equal(2, noRole.ExitCode);

        foreach (var verb in new[] { "show", "revoke" })
        {
            var unknown = await Chorus("api-keys", verb, "0123456789abcdef");
            Assert.Equal(1, unknown.ExitCode);
            Assert.Equal("chorus: not_found: API key '0123456789abcdef' does not exist.", unknown.Stderr.Trim());
        }
    }
}
