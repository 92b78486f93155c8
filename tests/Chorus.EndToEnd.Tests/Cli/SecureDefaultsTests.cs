using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary>A fresh install is secure without setup (issue 13): <c>chorus serve</c> with no key configured makes
/// its own key (owner-only), listens on 127.0.0.1 only, says how to get a token, and <c>chorus token</c> and the
/// CLI's server commands use that same key. Real processes, real files.</summary>
public sealed class SecureDefaultsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string KeyFile => Path.Combine(_dir.Path, "chorus.db.key");

    [Fact]
    public async Task FreshServe_CreatesAnOwnerOnlyKey_ListensOnLoopbackOnly_AndSaysHowToGetAToken()
    {
        Assert.False(File.Exists(KeyFile));

        await using var server = await ServeProcess.StartAsync(_dir.Path);

        Assert.True(File.Exists(KeyFile), $"no key file beside the database:\n{server.Output}");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(KeyFile));
        Assert.Contains($"listening on http://127.0.0.1:{server.Port}", server.Output);
        Assert.Contains("chorus token --tenant", server.Output);
        Assert.Contains("--role admin", server.Output);
        foreach (var address in OtherAddressesOfThisMachine())
            Assert.False(await AcceptsConnectionAsync(address, server.Port), $"the server also listens on {address}:{server.Port}");
    }

    [Fact]
    public async Task ServeOnAllAddresses_WithoutJwtSecret_ExitsTwoWithOneLineNamingJwtSecret()
    {
        var port = Crash.ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await CliProcess.RunInAsync(_dir.Path, new Dictionary<string, string> { ["HOST"] = "0.0.0.0", ["PORT"] = port }, "serve");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("JWT_SECRET", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(KeyFile), "a refused start should not leave a generated key behind");
    }

    [Fact]
    public async Task ServeOnAllAddresses_WithJwtSecret_StartsAndAcceptsTokensOfThatSecret()
    {
        await using var server = await ServeProcess.StartAsync(_dir.Path, new Dictionary<string, string>
        {
            ["HOST"] = "0.0.0.0",
            ["JWT_SECRET"] = TestTokens.Secret,
        });

        using var http = Client(server, TestTokens.For("acme"));
        using var response = await http.GetAsync("/api/workflows");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"listening on http://0.0.0.0:{server.Port}", server.Output);
    }

    [Fact]
    public async Task TokenCommand_OnTheServersDatabase_IsAcceptedForItsTenantOnly()
    {
        await using var server = await ServeProcess.StartAsync(_dir.Path);
        var token = await MintAsync("--tenant", "acme", "--role", "admin", "--db", Path.Combine(_dir.Path, "chorus.db"));

        using var http = Client(server, token);
        using var own = await http.GetAsync("/api/workflows");
        using var other = await SendAsync(http, "/api/workflows", tenant: "other");
        using var anonymous = await Client(server, null).GetAsync("/api/workflows");

        Assert.True(own.StatusCode == HttpStatusCode.OK, await own.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("permission_denied", await ErrorCodeAsync(other));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var body = JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())!;
        Assert.Equal("unauthorized", (string?)body["error"]?["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["error"]?["message"]), body.ToJsonString());
    }

    [Fact]
    public async Task TokenMintedBeforeTheFirstStart_WorksAndKeepsWorkingAfterARestart()
    {
        // chorus token creates the key the server will find: nothing has started here yet.
        var token = await MintAsync("--tenant", "acme", "--role", "viewer", "--ttl", "30m", "--db", Path.Combine(_dir.Path, "chorus.db"));
        var keyBefore = await File.ReadAllTextAsync(KeyFile);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(KeyFile));

        await using (var first = await ServeProcess.StartAsync(_dir.Path))
        {
            using var response = await Client(first, token).GetAsync("/api/workflows");
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
        await using var second = await ServeProcess.StartAsync(_dir.Path);
        using var again = await Client(second, token).GetAsync("/api/workflows");
        // Viewer: reading is allowed, creating a workflow is not. The role in the token is the one asked for.
        using var create = await Client(second, token).PostAsync("/api/workflows",
            new StringContent("""{"name": "x", "steps": [{"id": "o", "type": "output", "config": {"value": 1}}]}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.True(again.StatusCode == HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        Assert.Equal(keyBefore, await File.ReadAllTextAsync(KeyFile));
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal("permission_denied", await ErrorCodeAsync(create));
    }

    [Fact]
    public async Task WorkflowsList_AgainstALocalServer_WorksWithoutAToken_WithAToken_AndNotWithAGarbageOne()
    {
        await using var server = await ServeProcess.StartAsync(_dir.Path);
        var none = new Dictionary<string, string>();
        var token = await MintAsync("--tenant", "acme", "--role", "member", "--db", Path.Combine(_dir.Path, "chorus.db"));

        // In the server's directory the CLI finds chorus.db.key and mints itself a short admin token.
        var local = await CliProcess.RunInAsync(_dir.Path, none, "workflows", "list", "--server", server.Url);
        var localOtherTenant = await CliProcess.RunInAsync(_dir.Path, none, "workflows", "list", "--server", server.Url, "--tenant", "acme");
        var withToken = await CliProcess.RunAsync("workflows", "list", "--server", server.Url, "--tenant", "acme", "--token", token);
        var garbage = await CliProcess.RunInAsync(_dir.Path, none, "workflows", "list", "--server", server.Url, "--token", "not-a-jwt");
        // Elsewhere there is no key to mint with: nothing is sent, and the server's 401 comes with the hint.
        using var elsewhere = new TempDir();
        var noKey = await CliProcess.RunInAsync(elsewhere.Path, none, "workflows", "list", "--server", server.Url, "--tenant", "acme");

        Assert.True(local.ExitCode == 0, local.ToString());
        Assert.Contains("No workflows.", local.Stdout);
        Assert.True(localOtherTenant.ExitCode == 0, localOtherTenant.ToString());
        Assert.True(withToken.ExitCode == 0, withToken.ToString());
        Assert.Contains("No workflows.", withToken.Stdout);
        AssertUnauthorizedWithHint(garbage, "default");
        AssertUnauthorizedWithHint(noKey, "acme");
        Assert.False(File.Exists(Path.Combine(elsewhere.Path, "chorus.db.key")), "a server command must not create a key");
    }

    [Theory]
    [InlineData("--role", "owner")]
    [InlineData("--ttl", "0")]
    [InlineData("--ttl", "366d")]
    [InlineData("--ttl", "soon")]
    [InlineData("--tenant", "not a tenant")]
    public async Task TokenCommand_BadArguments_AreUsageErrorsWithoutAToken(string option, string value)
    {
        var args = new List<string> { "token", "--db", Path.Combine(_dir.Path, "chorus.db") };
        if (option != "--tenant")
            args.AddRange(["--tenant", "acme"]);
        if (option != "--role")
            args.AddRange(["--role", "admin"]);
        args.AddRange([option, value]);

        var result = await CliProcess.RunAsync([.. args]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(option, result.Stderr);
    }

    [Theory]
    [InlineData("CHORUS_SECRETS_KEY_FILE")]
    [InlineData("CHORUS_KEY_FILE")]
    public async Task ServeWithAKeyFileThatIsADirectory_ExitsTwoWithOneLineNamingTheSetting_NoStackTrace(string setting)
    {
        var keyPath = Path.Combine(_dir.Path, "keys");
        Directory.CreateDirectory(keyPath);
        var port = Crash.ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await CliProcess.RunInAsync(_dir.Path, new Dictionary<string, string> { [setting] = keyPath, ["PORT"] = port }, "serve");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"invalid configuration: {setting}: ", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task TokenCommand_WithOnlyAPublicKeyConfigured_RefusesAndPointsToTheIdentityProvider()
    {
        var result = await CliProcess.RunAsync(new Dictionary<string, string> { ["JWT_JWKS_FILE"] = Path.Combine(_dir.Path, "jwks.json") },
            "token", "--tenant", "acme", "--role", "admin", "--db", Path.Combine(_dir.Path, "chorus.db"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains("identity provider", result.Stderr);
        Assert.False(File.Exists(KeyFile));
    }

    [Fact]
    public async Task TokenCommand_WithJwtSecret_SignsWithItAndCarriesIssuerAudienceAndTenants()
    {
        var environment = new Dictionary<string, string> { ["JWT_SECRET"] = TestTokens.Secret, ["JWT_ISSUER"] = "https://issuer.test", ["JWT_AUDIENCE"] = "chorus-api" };

        var result = await CliProcess.RunInAsync(_dir.Path, environment, "token", "--tenant", "acme", "--tenant", "beta", "--role", "member", "--subject", "ci-bot", "--ttl", "90");

        Assert.True(result.ExitCode == 0, result.ToString());
        var token = result.Stdout.Trim();
        Assert.DoesNotContain('\n', token);
        var validation = new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            IssuerSigningKey = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(TestTokens.Key),
            ValidIssuer = "https://issuer.test",
            ValidAudience = "chorus-api",
        };
        var verified = await new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ValidateTokenAsync(token, validation);
        Assert.True(verified.IsValid, verified.Exception?.Message);
        var jwt = (Microsoft.IdentityModel.JsonWebTokens.JsonWebToken)verified.SecurityToken;
        Assert.Equal("ci-bot", jwt.Subject);
        Assert.Equal("acme", jwt.GetClaim("tenant_id").Value);
        Assert.Equal(["acme", "beta"], jwt.Claims.Where(c => c.Type == "tenants").Select(c => c.Value));
        Assert.Equal("member", jwt.GetClaim("role").Value);
        Assert.InRange((jwt.ValidTo - jwt.ValidFrom).TotalSeconds, 89, 91);
        Assert.False(File.Exists(KeyFile), "with JWT_SECRET no key file is needed");
    }

    /// <summary>The key file's permissions; Chorus's servers and these tests run on Linux.</summary>
    private static UnixFileMode ModeOf(string path)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("Unix file modes are checked on Unix only.");
        return File.GetUnixFileMode(path);
    }

    private static void AssertUnauthorizedWithHint(CliResult result, string tenant)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("unauthorized", result.Stderr);
        Assert.Contains($"`chorus token --tenant {tenant} --role admin`", result.Stderr);
        Assert.Contains("--token or CHORUS_TOKEN", result.Stderr);
    }

    private async Task<string> MintAsync(params string[] args)
    {
        var result = await CliProcess.RunInAsync(_dir.Path, new Dictionary<string, string>(), ["token", .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var token = result.Stdout.Trim();
        Assert.Equal(3, token.Split('.').Length);
        return token;
    }

    private static HttpClient Client(ServeProcess server, string? token)
    {
        var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(10) };
        if (token is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string tenant)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Tenant-ID", tenant);
        return http.SendAsync(request);
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response) =>
        (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["error"]?["code"];

    /// <summary>This machine's addresses other than loopback, where a server bound to 127.0.0.1 must not answer.</summary>
    private static List<IPAddress> OtherAddressesOfThisMachine() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();

    private static async Task<bool> AcceptsConnectionAsync(IPAddress address, int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await client.ConnectAsync(address, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
