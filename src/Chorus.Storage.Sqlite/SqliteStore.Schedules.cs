using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Sqlite;

public sealed partial class SqliteStore
{
    public async Task<ScheduleRecord?> GetScheduleAsync(TenantId tenant, Guid id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = Sql.Command(connection, $"{ScheduleRows.Select} AND tenant_id = $tenant AND id = $id").With("$tenant", tenant).With("$id", id);
        return (await ScheduleRows.ReadAllAsync(cmd, ct).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(TenantId tenant, Guid workflowId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = Sql.Command(connection, $"{ScheduleRows.Select} AND tenant_id = $tenant AND workflow_id = $workflow ORDER BY created_at, id")
            .With("$tenant", tenant).With("$workflow", workflowId);
        return await ScheduleRows.ReadAllAsync(cmd, ct).ConfigureAwait(false);
    }
}
