using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Sqlite;

internal sealed partial class SqliteEngineTransaction
{
    public async Task<IdempotencyRecord?> GetIdempotencyKeyAsync(TenantId tenant, string key, DateTimeOffset notBefore)
    {
        var cmd = Command("SELECT * FROM idempotency_keys WHERE tenant_id = $tenant AND key = $key AND created_at >= $notBefore")
            .With("$tenant", tenant).With("$key", key).With("$notBefore", notBefore);
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await r.ReadAsync().ConfigureAwait(false))
            return null;
        return new IdempotencyRecord
        {
            Tenant = tenant, Key = key, WorkflowId = r.Id("workflow_id"), RequestHash = r.Text("request_hash")!,
            ExecutionId = r.Id("execution_id"), CreatedAt = r.Time("created_at"),
        };
    }

    public async Task<bool> TryInsertIdempotencyKeyAsync(IdempotencyRecord record, DateTimeOffset notBefore) =>
        await ExecuteAsync(Command(
                "INSERT INTO idempotency_keys (tenant_id, key, workflow_id, request_hash, execution_id, created_at) " +
                "VALUES ($tenant, $key, $workflow, $hash, $execution, $at) " +
                "ON CONFLICT (tenant_id, key) DO UPDATE SET workflow_id = excluded.workflow_id, request_hash = excluded.request_hash, " +
                "execution_id = excluded.execution_id, created_at = excluded.created_at WHERE idempotency_keys.created_at < $notBefore")
            .With("$tenant", record.Tenant).With("$key", record.Key).With("$workflow", record.WorkflowId).With("$hash", record.RequestHash)
            .With("$execution", record.ExecutionId).With("$at", record.CreatedAt).With("$notBefore", notBefore)).ConfigureAwait(false) == 1;

    public Task<int> PruneIdempotencyKeysAsync(DateTimeOffset before) =>
        ExecuteAsync(Command("DELETE FROM idempotency_keys WHERE created_at < $before").With("$before", before));

    public Task ProbeWriteAsync(DateTimeOffset now) =>
        ExecuteAsync(Command("INSERT INTO storage_probe (id, at) VALUES (1, $at) ON CONFLICT (id) DO UPDATE SET at = excluded.at").With("$at", now));
}
