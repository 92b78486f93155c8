using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Migrations;

/// <summary>The migration scenarios on a server over a real PostgreSQL database.</summary>
public sealed class WorkflowMigrationsOnPostgresTests() : ThrowawayPostgresDatabase("chorus_migrations")
{
    [Fact]
    public async Task DryRunThenApply_MovesWaitingExecutions_WhichFinishOnTheNewVersion_OnPostgres()
    {
        await using var server = await ChorusTestServer.StartAsync(postgresUrl: Url);
        await MigrationScenarios.DryRunThenApply_MovesWaitingExecutions_WhichFinishOnTheNewVersion(server.Client);
    }

    [Fact]
    public async Task Rollback_MovesBackOnlyExecutionsNothingRanOn_OnPostgres()
    {
        await using var server = await ChorusTestServer.StartAsync(postgresUrl: Url);
        await MigrationScenarios.Rollback_MovesBackOnlyExecutionsNothingRanOn(server.Client);
    }
}
