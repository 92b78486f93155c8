using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Chorus.EndToEnd.Tests.Cluster;

/// <summary>A cron schedule on a cluster: every node may claim its next occurrence, one does, and a node killed
/// mid-run leaves the others firing.</summary>
[Collection(ServerProcessCollection.Name)]
public sealed class ClusterScheduleTests
{
    private const string OccurrencesSql =
        "SELECT context->'trigger'->>'scheduled_for' FROM workflow.instances WHERE context->'trigger'->>'type' = 'schedule'";

    [Fact]
    public async Task EverySecondScheduleOnThreeNodes_OneKilled_EachOccurrenceStartsExactlyOneExecution()
    {
        await using var database = await ClusterDatabase.CreateAsync();
        await using var cluster = await ClusterNodes.StartAsync(database.Url, 3);
        var api = cluster.Apis[0];
        var workflow = await api.CreateWorkflowAsync(new JsonObject
        {
            ["name"] = "cluster-schedule",
            ["steps"] = new JsonArray
            {
                new JsonObject { ["id"] = "stamp", ["name"] = "stamp", ["type"] = "output", ["config"] = new JsonObject { ["value"] = "{{ $.trigger.scheduled_for }}" } },
            },
        });
        var schedule = await cluster.Apis[1].PostAsync($"/api/workflows/{workflow}/schedules",
            new JsonObject { ["cron"] = "* * * * * *", ["input"] = new JsonObject { ["source"] = "cron" } });
        var scheduleId = schedule["id"]!.GetValue<string>();

        await WaitForOccurrencesAsync(database, 4, cluster);
        await cluster.Processes[2].KillAsync();
        var afterKill = Stopwatch.StartNew();
        var atKill = (await database.TextsAsync(OccurrencesSql)).Count;
        // Past two lease periods, so a firing the victim held has been taken over, then a few more occurrences.
        await WaitForOccurrencesAsync(database, atKill + 4, cluster, notBefore: TimeSpan.FromSeconds(2 * ClusterNodes.LeaseSeconds));
        var stopped = await cluster.Apis[0].PatchAsync($"/api/workflows/{workflow}/schedules/{scheduleId}", new JsonObject { ["enabled"] = false });
        Assert.False(stopped["enabled"]!.GetValue<bool>());
        Assert.Null(stopped["next_run_at"]);
        var afterDisable = (await database.TextsAsync(OccurrencesSql)).Count;
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var occurrences = (await database.TextsAsync(OccurrencesSql))
            .Select(s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture)).Order().ToList();
        var repeated = occurrences.GroupBy(o => o).Where(g => g.Count() > 1).Select(g => $"{g.Key:O} x{g.Count()}").ToList();
        Assert.True(repeated.Count == 0, $"Occurrences started more than one execution: {string.Join(", ", repeated)}\n{cluster.Tails}");
        Assert.Equal(afterDisable, occurrences.Count);
        Assert.All(occurrences, o => Assert.Equal(0, o.Millisecond));
        // Survivors fired on after the kill: occurrences after it are consecutive seconds but for at most the
        // lease of a firing the victim held (missed occurrences then fire once, not in a burst).
        var gaps = occurrences.Zip(occurrences.Skip(1), (a, b) => b - a).ToList();
        Assert.True(gaps.Max() <= TimeSpan.FromSeconds(2 * ClusterNodes.LeaseSeconds + 2), $"Largest gap between occurrences: {gaps.Max()}");
        Assert.True(gaps.Count(g => g > TimeSpan.FromSeconds(1)) <= 2, $"Occurrences were skipped more than around the kill: {string.Join(", ", occurrences.Select(o => o.ToString("HH:mm:ss", CultureInfo.InvariantCulture)))}");
        Assert.True(afterKill.Elapsed > TimeSpan.FromSeconds(2 * ClusterNodes.LeaseSeconds));

        await WaitUntilAsync(async () => await database.ScalarAsync(
            "SELECT count(*) FROM workflow.instances WHERE status NOT IN ('completed', 'failed', 'cancelled')") == 0, "every execution to finish", cluster);
        Assert.Equal(occurrences.Count, await database.ScalarAsync("SELECT count(*) FROM workflow.instances WHERE status = 'completed'"));
        var outputs = await database.TextsAsync("SELECT output #>> '{}' FROM workflow.instances");
        Assert.Equal(occurrences.Select(o => o.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Order(), outputs.Order());
        Assert.Equal(occurrences.Count, await database.ScalarAsync("SELECT count(*) FROM workflow.instances WHERE input->>'source' = 'cron'"));
        // Disabled: no occurrence is queued any more.
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM workflow.work_items"));
        var last = await api.GetAsync($"/api/workflows/{workflow}/schedules/{scheduleId}");
        Assert.Equal(
            await database.TextsAsync("SELECT id::text FROM workflow.instances ORDER BY context->'trigger'->>'scheduled_for' DESC LIMIT 1"),
            [last["last_execution_id"]!.GetValue<string>()]);
    }

    private static async Task WaitForOccurrencesAsync(ClusterDatabase database, int count, ClusterNodes cluster, TimeSpan notBefore = default)
    {
        var clock = Stopwatch.StartNew();
        await WaitUntilAsync(async () => clock.Elapsed >= notBefore && (await database.TextsAsync(OccurrencesSql)).Count >= count,
            $"{count} occurrences", cluster);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, ClusterNodes cluster)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"Timed out waiting for {what}.\n{cluster.Tails}");
            await Task.Delay(100);
        }
    }
}
