using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests.Crash;

/// <summary>A server killed with SIGKILL while a migration moves executions batch by batch: after the restart each
/// execution is wholly on one version, moved exactly when the migration recorded its move, and running the migration
/// again moves the rest, which then finish on the new version.</summary>
[Collection(Cluster.ServerProcessCollection.Name)]
public sealed class MigrationCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Executions = 600;
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(90);
    // Every execution must hold a slot to wait for its event, so the limits are set above their number.
    private readonly RestartableServer _server = new(new Dictionary<string, string> { ["MAX_CONCURRENT_WORKFLOWS"] = "1000", ["TENANT_SLOT_SHARE"] = "1" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static JsonObject Waits(int version) => JsonNode.Parse("""
        {"name": "migrated", "description": "vN", "steps": [
          {"id": "hold", "type": "wait", "config": {"event": "go"}, "next": "done"},
          {"id": "done", "type": "output", "config": {"value": {"version": N}}}
        ]}
        """.Replace("N", version.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))!.AsObject();

    [Fact]
    public async Task SigkillDuringAMigration_EveryExecutionIsOnOneVersion_AsItsMoveWasRecorded_AndTheRestMoveOnARerun()
    {
        var server = await _server.StartAsync();
        using var api = new ChorusApi(_server.Port);
        var workflow = await api.CreateWorkflowAsync(Waits(1));
        var ids = new List<string>();
        for (var i = 0; i < Executions; i++)
            ids.Add(await api.StartAsync(workflow, new JsonObject { ["n"] = i }));
        var waiting = await api.WaitForStatusAsync(ids, Bounded, "waiting");
        Assert.All(waiting.Values, s => Assert.Equal("waiting", s));
        await api.PutAsync($"/api/workflows/{workflow}", Waits(2));

        // The migration request is not awaited: the server dies under it once its first batch has committed.
        using var migrator = TestHttp.Client(api.BaseAddress, "default");
        var request = migrator.PostAsJsonAsync($"/api/workflows/{workflow}/migrations", new JsonObject { ["to_version"] = 2 });
        string? migrationId = null;
        var moved = 0;
        while (moved == 0)
        {
            migrationId ??= (await api.GetAsync($"/api/workflows/{workflow}/migrations"))["items"]!.AsArray().FirstOrDefault()?["id"]?.GetValue<string>();
            if (migrationId is not null)
                moved = (await api.GetAsync($"/api/workflows/{workflow}/migrations/{migrationId}"))["executions"]!.AsArray().Count;
            Assert.False(request.IsCompleted && moved == 0, "The migration answered before any move was seen.");
        }
        await server.KillAsync();
        try { (await request).Dispose(); } catch (HttpRequestException) { } catch (TaskCanceledException) { }

        server = await _server.StartAsync();
        var recorded = (await api.GetAsync($"/api/workflows/{workflow}/migrations/{migrationId}"))["executions"]!.AsArray()
            .Select(e => e!["execution_id"]!.GetValue<string>()).ToHashSet();
        foreach (var id in ids)
        {
            var execution = await api.GetAsync($"/api/executions/{id}");
            var version = execution["workflow_version"]!.GetValue<int>();
            Assert.True(version == (recorded.Contains(id) ? 2 : 1), $"Execution {id} is on version {version}; its move was {(recorded.Contains(id) ? "" : "not ")}recorded.");
            Assert.Equal("waiting", execution["status"]!.GetValue<string>());
        }
        // Whole batches of 50: a move is committed with its batch or not at all.
        Assert.Equal(0, recorded.Count % 50);
        output.WriteLine($"The kill left {recorded.Count} of {Executions} executions moved.");

        var rerun = await api.PostAsync($"/api/workflows/{workflow}/migrations", new JsonObject { ["to_version"] = 2, ["filter"] = new JsonObject { ["version"] = 1 } });
        Assert.Equal(Executions - recorded.Count, rerun["moved"]!.GetValue<int>());
        foreach (var id in ids)
            await api.PostAsync($"/api/executions/{id}/events", new JsonObject { ["name"] = "go" });
        var ended = await api.WaitForStatusAsync(ids, Bounded, "completed", "failed", "cancelled");
        Assert.All(ended.Values, s => Assert.Equal("completed", s));
        foreach (var id in ids.Take(20).Concat(recorded.Take(20)))
            Assert.Equal(2, (await api.GetAsync($"/api/executions/{id}"))["output"]!["version"]!.GetValue<int>());
    }
}
