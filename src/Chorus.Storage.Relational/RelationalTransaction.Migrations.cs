using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

internal abstract partial class RelationalTransaction
{
    public Task SetExecutionVersionAsync(TenantId tenant, Guid executionId, int version) =>
        WriteAsync(Sql.Migrations.SetVersion(tenant, executionId, version));

    public async Task<int> CountLeasedWorkItemsAsync(TenantId tenant, Guid executionId) =>
        (await QueryAsync(Sql.Migrations.Leased(tenant, executionId), r => r.OptionalTime(0)).ConfigureAwait(false)).Count(expiry => expiry is not null);

    public Task RenameWorkItemStepAsync(TenantId tenant, Guid executionId, string from, string to) =>
        WriteAsync(Sql.Migrations.RenameStep(tenant, executionId, from, to));

    public Task InsertMigrationAsync(MigrationRecord migration) => WriteAsync(Sql.Migrations.Insert(migration));

    public Task<MigrationRecord?> GetMigrationAsync(TenantId tenant, Guid id) => FirstOrDefaultAsync(Sql.Migrations.ById(tenant, id), MigrationRows.Map);

    public async Task<IReadOnlyList<MigrationRecord>> ListMigrationsAsync(TenantId tenant, Guid workflowId, int max) =>
        await QueryAsync(Sql.Migrations.OfWorkflow(tenant, workflowId, max), MigrationRows.Map).ConfigureAwait(false);

    public Task MarkMigrationRolledBackAsync(TenantId tenant, Guid id, DateTimeOffset at) => WriteAsync(Sql.Migrations.RolledBack(tenant, id, at));

    public Task InsertMigrationMoveAsync(MigrationMove move) => WriteAsync(Sql.Migrations.InsertMove(move));

    public async Task<IReadOnlyList<MigrationMove>> GetMigrationMovesAsync(TenantId tenant, Guid migrationId) =>
        await QueryAsync(Sql.Migrations.Moves(tenant, migrationId), MigrationRows.MapMove).ConfigureAwait(false);

    public Task MarkMoveRolledBackAsync(TenantId tenant, Guid migrationId, Guid executionId, DateTimeOffset at) =>
        WriteAsync(Sql.Migrations.MoveRolledBack(tenant, migrationId, executionId, at));
}
