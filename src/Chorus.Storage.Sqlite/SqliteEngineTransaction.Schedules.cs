using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Sqlite;

internal sealed partial class SqliteEngineTransaction
{
    public Task InsertScheduleAsync(ScheduleRecord schedule) => ExecuteAsync(ScheduleRows.Bind(Command(ScheduleRows.Insert), schedule));

    public async Task<ScheduleRecord?> GetScheduleAsync(TenantId tenant, Guid id) =>
        (await ScheduleRows.ReadAllAsync(Command($"{ScheduleRows.Select} AND tenant_id = $tenant AND id = $id").With("$tenant", tenant).With("$id", id))
            .ConfigureAwait(false)).FirstOrDefault();

    public Task UpdateScheduleAsync(ScheduleRecord schedule) => ExecuteAsync(ScheduleRows.Bind(Command(ScheduleRows.Update), schedule));

    public Task DeleteScheduleAsync(TenantId tenant, Guid id) =>
        ExecuteAsync(Command("DELETE FROM triggers WHERE tenant_id = $tenant AND id = $id").With("$tenant", tenant).With("$id", id));
}
