using Chorus.Engine.Hosting;
using Chorus.Engine.Runtime;
using Chorus.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Options built in code get the checks the server's environment reader applies: the host refuses to
/// start, naming the option, with a value the engine cannot work with (a commit batch of 0 used to spin for ever).</summary>
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
    public async Task Start_OptionTheEngineCannotWorkWith_IsRefusedNamingIt(string option, Func<EngineOptions, EngineOptions> change)
    {
        var path = Path.Combine(Path.GetTempPath(), $"chorus-options-{Guid.NewGuid():N}.db");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddChorus(change).UseSqlite(path, fullSync: false);
        using var host = builder.Build();
        try
        {
            var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
            Assert.StartsWith("Invalid engine options: ", ex.Message, StringComparison.Ordinal);
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
