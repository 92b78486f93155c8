using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests.Containers;

/// <summary>The Dockerfile's images, built for real and run by a real Docker daemon: the server answers its health
/// checks as a non-root user, keeps its SQLite database in the /data volume and refuses to listen without a token
/// key; the steps service answers beside it. Docker not running here fails these tests, it does not skip them.</summary>
public sealed class DockerImageTests(ContainerImages images, ITestOutputHelper output) : IClassFixture<ContainerImages>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] TokenKey = ["-e", $"JWT_SECRET={TestTokens.Secret}"];

    [Fact]
    public async Task Server_AnswersHealthAsANonRootUser()
    {
        output.WriteLine($"images ready in {images.Elapsed.TotalSeconds:F0} s");
        await using var server = await RunningContainer.StartAsync(ContainerImages.Server, 8000, TokenKey);

        var health = await server.WaitForOkAsync("/health", StartTimeout);

        Assert.Equal("ok", JsonNode.Parse(health)?["status"]?.GetValue<string>());
        Assert.NotEqual("0", await server.ExecAsync("id", "-u"));
        await server.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        await server.WaitForOkAsync("/health/ready", TimeSpan.FromSeconds(10));
        Assert.Equal("0", await server.ExecAsync("sh", "-c", "test -f /data/chorus.db; echo $?"));
    }

    /// <summary>As deploy/kubernetes runs it: a read-only root file system with /data and /tmp writable, another
    /// non-root uid, no capabilities, no privilege escalation.</summary>
    [Fact]
    public async Task Server_RunsOnAReadOnlyRootFileSystemWithoutCapabilities()
    {
        await using var server = await RunningContainer.StartAsync(ContainerImages.Server, 8000,
            [.. TokenKey, "--read-only", "--tmpfs", "/tmp", "--user", "1654:1654", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"]);

        await server.WaitForOkAsync("/health/ready", StartTimeout);

        using var http = Client(server, TestTokens.For("acme"));
        using var response = await http.GetAsync("/api/workflows");
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{await server.LogsAsync()}");
    }

    [Fact]
    public async Task Server_MintsTokensWithTheCliInsideTheImage()
    {
        await using var server = await RunningContainer.StartAsync(ContainerImages.Server, 8000, TokenKey);
        await server.WaitForOkAsync("/health", StartTimeout);

        var token = await server.ExecAsync("chorus", "token", "--tenant", "acme", "--role", "admin");

        using var http = Client(server, token);
        using var response = await http.GetAsync("/api/workflows");
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Server_KeepsItsDatabaseInTheVolumeWhenTheContainerIsReplaced()
    {
        var volume = "chorus-e2e-data-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            string workflowId;
            await using (var first = await RunningContainer.StartAsync(ContainerImages.Server, 8000, [.. TokenKey, "-v", $"{volume}:/data"]))
            {
                await first.WaitForOkAsync("/health", StartTimeout);
                var definition = await File.ReadAllTextAsync(Path.Combine(ContainerImages.RepositoryRoot(), "examples", "greet.json"));
                using var http = Client(first, TestTokens.For("acme"));
                using var created = await http.PostAsync("/api/workflows", new StringContent(definition, Encoding.UTF8, "application/json"));
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
                workflowId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.ToString();
            }

            await using var second = await RunningContainer.StartAsync(ContainerImages.Server, 8000, [.. TokenKey, "-v", $"{volume}:/data"]);
            await second.WaitForOkAsync("/health", StartTimeout);
            using var client = Client(second, TestTokens.For("acme"));
            using var read = await client.GetAsync($"/api/workflows/{workflowId}");
            Assert.True(read.IsSuccessStatusCode, $"{(int)read.StatusCode}: {await read.Content.ReadAsStringAsync()}");
        }
        finally
        {
            await DockerCli.DockerAsync(TimeSpan.FromMinutes(1), "volume", "rm", "-f", volume);
        }
    }

    [Fact]
    public async Task Server_WithoutATokenKey_StopsWithAOneLineReason()
    {
        await using var server = await RunningContainer.StartAsync(ContainerImages.Server, containerPort: null);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await server.StateAsync("{{.State.Running}}") == "true")
        {
            Assert.True(clock.Elapsed < StartTimeout, "The server kept running on 0.0.0.0 without a token key.");
            await Task.Delay(250);
        }

        Assert.Equal("2", await server.StateAsync("{{.State.ExitCode}}"));
        Assert.Contains("needs a configured token key (JWT_SECRET", await server.LogsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StepsService_AnswersHealthAndListsItsStepsAsANonRootUser()
    {
        await using var steps = await RunningContainer.StartAsync(ContainerImages.StepsService, 8001);

        await steps.WaitForOkAsync("/health", StartTimeout);
        var catalog = await steps.WaitForOkAsync("/steps", TimeSpan.FromSeconds(10));

        Assert.Contains("\"fetch_user\"", catalog, StringComparison.Ordinal);
        Assert.NotEqual("0", await steps.ExecAsync("id", "-u"));
        await steps.WaitHealthyAsync(TimeSpan.FromSeconds(30));
    }

    private static HttpClient Client(RunningContainer container, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(container.Url), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
