using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Storage.Sqlite;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Options built in code get the checks the server's environment reader applies: the engine refuses,
/// at construction and naming the option, a value it cannot work with (a commit batch of 0 used to spin for ever).</summary>
public sealed class EngineOptionsValidationTests
{
    public static TheoryData<string, Func<EngineOptions, EngineOptions>> Invalid => new()
    {
        { "CommitBatchSize", o => o with { CommitBatchSize = 0 } },
        { "CommitLanes", o => o with { CommitLanes = 0 } },
        { "WorkerConcurrency", o => o with { WorkerConcurrency = -1 } },
        { "MaxConcurrentWorkflows", o => o with { MaxConcurrentWorkflows = 0 } },
        { "StepRetryLimit", o => o with { StepRetryLimit = 0 } },
        { "LeaseDuration", o => o with { LeaseDuration = TimeSpan.Zero } },
        { "CheckInterval", o => o with { CheckInterval = TimeSpan.FromSeconds(-1) } },
        { "StepTimeout", o => o with { StepTimeout = TimeSpan.FromDays(50) } },
        { "ExecutionTimeout", o => o with { ExecutionTimeout = TimeSpan.Zero } },
        { "NodeId", o => o with { NodeId = " " } },
        { "Limits.TenantSlotShare", o => o with { Limits = o.Limits with { TenantSlotShare = 0 } } },
        { "Limits.MaxCommitFailures", o => o with { Limits = o.Limits with { MaxCommitFailures = 0 } } },
        { "Limits.MaxJsonDepth", o => o with { Limits = o.Limits with { MaxJsonDepth = 0 } } },
        { "OutboundHttp.Timeout", o => o with { OutboundHttp = o.OutboundHttp with { Timeout = TimeSpan.Zero } } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Construct_OptionTheEngineCannotWorkWith_IsRefusedNamingIt(string option, Func<EngineOptions, EngineOptions> change)
    {
        var path = Path.Combine(Path.GetTempPath(), $"chorus-options-{Guid.NewGuid():N}.db");
        await using var store = await SqliteStore.OpenAsync(path, fullSync: false);
        try
        {
            var ex = Assert.Throws<ArgumentException>(() =>
                new ChorusEngine(store, store, store, BuiltInSteps.CreateRegistry(), change(new EngineOptions())));
            Assert.Contains(option + " must", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
                File.Delete(path + suffix);
        }
    }
}
