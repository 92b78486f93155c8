using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary><c>chorus secrets</c> and <c>chorus schedules</c> against a real server, each checked through the API.</summary>
public sealed class SecretsAndSchedulesCommandsTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    private static readonly string Token = TestTokens.For("default");

    private Task<CliResult> Chorus(params string[] args) => CliProcess.RunAsync([.. args, "--server", server.Url, "--token", Token]);

    [Fact]
    public async Task Secrets_SetFromStandardInput_Listed_NeverShown_AndDeleted()
    {
        var name = "cli_" + Guid.NewGuid().ToString("N")[..8];
        using (var process = CliProcess.Start(new Dictionary<string, string>(), "secrets", "set", name, "--server", server.Url, "--token", Token))
        {
            await process.StandardInput.WriteLineAsync("value-typed-not-in-history");
            process.StandardInput.Close();
            var stdout = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, stdout + await process.StandardError.ReadToEndAsync());
            Assert.Equal($"saved secret {name}", stdout.Trim());
        }

        var list = await Chorus("secrets", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(JsonNode.Parse(list.Stdout)!["items"]!.AsArray(), s => (string?)s!["name"] == name);
        Assert.DoesNotContain("value-typed-not-in-history", list.Stdout);

        Assert.Equal($"deleted secret {name}", (await Chorus("secrets", "delete", name)).Stdout.Trim());
        Assert.DoesNotContain(name, (await Chorus("secrets", "list")).Stdout);
        var again = await Chorus("secrets", "delete", name);
        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith("chorus: not_found", again.Stderr);
    }

    [Fact]
    public async Task Schedules_CreatedDisabledEnabledAndDeleted_AsTheApiShows()
    {
        using var http = TestHttp.Client(new Uri(server.Url), "default");
        using var created = await http.PostAsJsonAsync("/api/workflows", JsonNode.Parse("""
            {"name": "scheduled by the cli", "status": "active", "steps": [{"id": "out", "type": "output", "config": {"value": 1}}]}
            """));
        var workflow = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        var create = await Chorus("schedules", "create", workflow, "--cron", "0 3 * * *", "--time-zone", "Europe/Paris", "--input", """{"night": true}""", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        var schedule = JsonNode.Parse(create.Stdout)!;
        var id = schedule["id"]!.GetValue<string>();
        Assert.Equal("Europe/Paris", (string?)schedule["time_zone"]);

        Assert.Equal($"schedule {id}: disabled", (await Chorus("schedules", "disable", workflow, id)).Stdout.Trim());
        Assert.False((await http.GetFromJsonAsync<JsonObject>($"/api/workflows/{workflow}/schedules/{id}"))!["enabled"]!.GetValue<bool>());
        Assert.Equal($"schedule {id}: enabled", (await Chorus("schedules", "enable", workflow, id)).Stdout.Trim());
        var list = await Chorus("schedules", "list", workflow);
        Assert.Contains("0 3 * * *", list.Stdout);

        Assert.Equal($"deleted schedule {id}", (await Chorus("schedules", "delete", workflow, id)).Stdout.Trim());
        Assert.Contains("No schedules.", (await Chorus("schedules", "list", workflow)).Stdout);
        var badCron = await Chorus("schedules", "create", workflow, "--cron", "not a cron");
        Assert.Equal(1, badCron.ExitCode);
        Assert.StartsWith("chorus: invalid_input", badCron.Stderr);
    }
}
