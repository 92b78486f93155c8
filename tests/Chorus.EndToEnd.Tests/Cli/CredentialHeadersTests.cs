using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary>Which credential the CLI's server commands send, seen on the wire by a stand-in server.</summary>
public sealed class CredentialHeadersTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ApiKey_FromTheOptionOrTheEnvironment_IsSentAsXApiKeyAndNoBearer()
    {
        await using var server = new HeaderRecorder(IPAddress.Loopback);
        var url = $"http://127.0.0.1:{server.Port}";

        var option = await CliProcess.RunAsync("workflows", "list", "--server", url, "--api-key", "chorus_from_option");
        var environment = await CliProcess.RunAsync(new Dictionary<string, string> { ["CHORUS_API_KEY"] = "chorus_from_env" }, "workflows", "list", "--server", url);

        Assert.True(option.ExitCode == 1, option.ToString());
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("X-API-Key: chorus_from_option\r\n", server.Requests[0]);
        Assert.Contains("X-API-Key: chorus_from_env\r\n", server.Requests[1]);
        Assert.All(server.Requests, r => Assert.DoesNotContain("Authorization:", r));
        Assert.Contains("--token or CHORUS_TOKEN", option.Stderr);
    }

    [Fact]
    public async Task Token_FromTheOption_WinsOverTheEnvironmentAndTheLocalKey()
    {
        await MintLocalKeyAsync();
        await using var server = new HeaderRecorder(IPAddress.Loopback);

        await CliProcess.RunInAsync(_dir.Path, new Dictionary<string, string> { ["CHORUS_TOKEN"] = "from-env" },
            "workflows", "list", "--server", $"http://127.0.0.1:{server.Port}", "--token", "from-option");
        await CliProcess.RunInAsync(_dir.Path, new Dictionary<string, string> { ["CHORUS_TOKEN"] = "from-env" },
            "workflows", "list", "--server", $"http://localhost:{server.Port}");

        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("Authorization: Bearer from-option\r\n", server.Requests[0]);
        Assert.Contains("Authorization: Bearer from-env\r\n", server.Requests[1]);
    }

    [Fact]
    public async Task NoCredential_ToALocalServer_SendsAShortAdminTokenForTheTenant()
    {
        await MintLocalKeyAsync();
        await using var server = new HeaderRecorder(IPAddress.Loopback);

        await CliProcess.RunInAsync(_dir.Path, new Dictionary<string, string>(), "workflows", "list", "--server", $"http://127.0.0.1:{server.Port}", "--tenant", "acme");

        var request = Assert.Single(server.Requests);
        var token = request.Split("\r\n").Single(l => l.StartsWith("Authorization: Bearer ", StringComparison.Ordinal))["Authorization: Bearer ".Length..];
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
        Assert.Equal("acme", jwt.GetClaim("tenant_id").Value);
        Assert.Equal("admin", jwt.GetClaim("role").Value);
        Assert.InRange((jwt.ValidTo - jwt.ValidFrom).TotalMinutes, 4.9, 5.1);
        Assert.Contains("X-Tenant-ID: acme\r\n", request);
    }

    [Fact]
    public async Task NoCredential_ToAServerOnAnotherAddress_SendsNone()
    {
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.True(address is not null, "this machine has no non-loopback IPv4 address to test with");
        await MintLocalKeyAsync();
        await using var server = new HeaderRecorder(address);

        var result = await CliProcess.RunInAsync(_dir.Path, new Dictionary<string, string>(), "workflows", "list", "--server", $"http://{address}:{server.Port}");

        var request = Assert.Single(server.Requests);
        Assert.DoesNotContain("Authorization:", request);
        Assert.DoesNotContain("X-API-Key:", request);
        Assert.True(result.ExitCode == 1, result.ToString());
    }

    [Fact]
    public async Task TokenAndApiKeyTogether_AreAUsageErrorAndNothingIsSent()
    {
        await using var server = new HeaderRecorder(IPAddress.Loopback);

        var result = await CliProcess.RunAsync("workflows", "list", "--server", $"http://127.0.0.1:{server.Port}", "--token", "t", "--api-key", "k");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--api-key", result.Stderr);
        Assert.Empty(server.Requests);
    }

    /// <summary>Creates the key a server in the test's directory would use (chorus.db.key), as <c>chorus token</c> does.</summary>
    private async Task MintLocalKeyAsync()
    {
        var result = await CliProcess.RunInAsync(_dir.Path, new Dictionary<string, string>(), "token", "--tenant", "default", "--role", "viewer");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(_dir.Path, "chorus.db.key")));
    }
}
