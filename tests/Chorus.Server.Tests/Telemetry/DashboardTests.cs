using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Telemetry;

/// <summary>The shipped Prometheus configuration scrapes a real server under load, and every query of every panel of
/// the shipped Grafana dashboard returns data from it.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class DashboardTests
{
    private readonly string _tenant = ApiCalls.NewTenant();

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Chorus.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("The repository root (Chorus.slnx) was not found above the test binaries.");
    }

    /// <summary>The shipped prometheus.yml pointed at this server and token, scraping every second.</summary>
    private static string ScrapeConfig(Uri server, string tokenFile)
    {
        var shipped = File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "prometheus", "prometheus.yml"));
        var replacements = new (string From, string To)[]
        {
            ("scrape_interval: 15s", "scrape_interval: 1s"),
            ("credentials_file: chorus-operator.token", $"credentials_file: {tokenFile}"),
            ("\"127.0.0.1:8000\"", $"\"{server.Authority}\""),
        };
        foreach (var (from, to) in replacements)
        {
            Assert.Contains(from, shipped);
            shipped = shipped.Replace(from, to);
        }
        return shipped;
    }

    private static IEnumerable<(string Panel, string Expression)> PanelQueries()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "grafana", "chorus.json")))!;
        foreach (var panel in dashboard["panels"]!.AsArray())
            foreach (var target in panel!["targets"]!.AsArray())
                yield return (panel["title"]!.GetValue<string>(), target!["expr"]!.GetValue<string>());
    }

    [Fact]
    public async Task EveryPanelQuery_ReturnsData_FromAServerUnderLoad()
    {
        await using var service = await FakeStepsService.StartAsync(FakeStep.Returning("fetch_user", _ => new JsonObject { ["name"] = "Ada" }));
        await using var server = await RemoteSteps.RemoteStepServer.StartAsync([service.Url]);
        var client = server.Client;
        var tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(tokenFile, TestTokens.For(_tenant, Role.Operator));
        try
        {
            await using var prometheus = await PrometheusProcess.StartAsync(ScrapeConfig(client.BaseAddress!, tokenFile));
            await using var watcher = await RealtimeClient.ConnectAsync(client, _tenant);
            var greeting = await client.CreateWorkflow(_tenant, Definitions.Greeting());
            var remote = await client.CreateWorkflow(_tenant, Definitions.Parse("""
                {"name": "remote", "status": "active", "steps": [{"id": "fetch", "type": "fetch_user", "config": {}}]}
                """));
            var failing = await client.CreateWorkflow(_tenant, Definitions.Parse("""
                {"name": "refused", "status": "active", "steps": [
                  {"id": "call", "type": "http", "config": {"url": "http://127.0.0.1:9/", "method": "GET"}, "retry": {"max_attempts": 1}}
                ]}
                """));

            // Load while Prometheus scrapes every second; then each query gets its chance to see it.
            var queries = PanelQueries().ToList();
            Assert.True(queries.Count >= 15, $"the dashboard has {queries.Count} queries");
            var load = Task.Run(async () =>
            {
                for (var round = 0; round < 40; round++)
                {
                    await Task.WhenAll(
                        client.Execute(_tenant, greeting, new JsonObject { ["name"] = $"n{round}" }),
                        client.Execute(_tenant, remote),
                        client.Execute(_tenant, failing));
                    await Task.Delay(250);
                }
            });
            var empty = new List<string>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            foreach (var (panel, expression) in queries)
            {
                while (true)
                {
                    var data = await prometheus.QueryAsync(expression);
                    if (data["result"]!.AsArray().Count > 0)
                        break;
                    if (DateTime.UtcNow > deadline)
                    {
                        empty.Add($"{panel}: {expression}");
                        break;
                    }
                    await Task.Delay(500);
                }
            }
            await load;

            var target = Assert.Single(await prometheus.ActiveTargetsAsync());
            Assert.True(target!["health"]!.GetValue<string>() == "up", target.ToJsonString());
            Assert.True(empty.Count == 0, "panels without data:\n" + string.Join("\n", empty) + "\n" + prometheus.Output);
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }
}
