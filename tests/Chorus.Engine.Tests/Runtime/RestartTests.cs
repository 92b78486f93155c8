using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>A restart with many executions waiting on timers: the new engine serves at once and reads none of
/// them until their timers come due (the worker claims due work only, in pages of its free capacity).</summary>
public sealed class RestartTests
{
    private const int Waiting = 40;

    [Fact]
    public async Task Restart_WithExecutionsWaitingOnTimers_RunsNewWorkWithoutReadingThem()
    {
        var h = await EngineHarness.StartAsync();
        try
        {
            var timers = await h.CreateWorkflowAsync("""
                {"name": "timers", "steps": [
                  {"id": "pause", "name": "Pause", "type": "wait", "config": {"duration": "1h"}, "next": "after"},
                  {"id": "after", "name": "After", "type": "count"}
                ]}
                """);
            var quick = await h.CreateWorkflowAsync("""{"name": "quick", "steps": [{"id": "only", "name": "Only", "type": "count"}]}""");
            var waiting = new List<Guid>();
            for (var i = 0; i < Waiting; i++)
                waiting.Add(await h.StartAsync(timers));
            foreach (var id in waiting)
                await h.WaitForStatusAsync(id, ExecutionStatus.Waiting, nudge: false);

            InstrumentedEngineStore watched = null!;
            h = await h.RestartAsync(store => watched = new InstrumentedEngineStore(store));
            var fresh = await h.StartAsync(quick);
            await h.WaitForStatusAsync(fresh, ExecutionStatus.Completed, nudge: false);

            Assert.DoesNotContain(waiting, watched.ExecutionsRead.ContainsKey);

            // Their timers still fire after the restart, and then each is read as its timer comes due (which also
            // shows the watch sees the engine's reads).
            h.Clock.Advance(TimeSpan.FromHours(1));
            foreach (var id in waiting)
                await h.WaitForStatusAsync(id, ExecutionStatus.Completed);
            Assert.All(waiting, id => Assert.True(watched.ExecutionsRead.ContainsKey(id)));
        }
        finally
        {
            await h.DisposeAsync();
        }
    }
}
