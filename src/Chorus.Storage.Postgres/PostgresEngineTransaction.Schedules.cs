using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Postgres;

internal sealed partial class PostgresEngineTransaction
{
    public Task InsertScheduleAsync(ScheduleRecord schedule)
    {
        _pipeline.Queue(ScheduleRows.Bind(Statement(ScheduleRows.Insert), schedule));
        return Task.CompletedTask;
    }

    /// <summary>FOR UPDATE: a change and a firing of one schedule, on any nodes, take turns.</summary>
    public Task<ScheduleRecord?> GetScheduleAsync(TenantId tenant, Guid id) =>
        FirstOrDefaultAsync(Statement($"{ScheduleRows.Select} AND tenant_id = @tenant AND id = @id FOR UPDATE").With("@tenant", tenant).With("@id", id),
            ScheduleRows.Map);

    public Task UpdateScheduleAsync(ScheduleRecord schedule)
    {
        _pipeline.Queue(ScheduleRows.Bind(Statement(ScheduleRows.Update), schedule));
        return Task.CompletedTask;
    }

    public Task DeleteScheduleAsync(TenantId tenant, Guid id)
    {
        _pipeline.Queue(Statement("DELETE FROM workflow.triggers WHERE tenant_id = @tenant AND id = @id").With("@tenant", tenant).With("@id", id));
        return Task.CompletedTask;
    }
}
