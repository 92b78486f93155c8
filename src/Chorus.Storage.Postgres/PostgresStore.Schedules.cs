using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Postgres;

public sealed partial class PostgresStore
{
    public async Task<ScheduleRecord?> GetScheduleAsync(TenantId tenant, Guid id, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
            return await Pg.Command(connection, $"{ScheduleRows.Select} AND tenant_id = @tenant AND id = @id").With("@tenant", tenant).With("@id", id)
                .FirstOrDefaultAsync(ScheduleRows.Map, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(TenantId tenant, Guid workflowId, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
            return await Pg.Command(connection, $"{ScheduleRows.Select} AND tenant_id = @tenant AND workflow_id = @workflow ORDER BY created_at, id")
                .With("@tenant", tenant).With("@workflow", workflowId).ListAsync(ScheduleRows.Map, ct).ConfigureAwait(false);
    }
}
