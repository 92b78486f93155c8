using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Postgres;

internal sealed partial class PostgresEngineTransaction
{
    public Task<IdempotencyRecord?> GetIdempotencyKeyAsync(TenantId tenant, string key, DateTimeOffset notBefore) =>
        FirstOrDefaultAsync(Statement(
                "SELECT * FROM workflow.idempotency_keys WHERE tenant_id = @tenant AND key = @key AND created_at >= @notBefore")
            .With("@tenant", tenant).With("@key", key).With("@notBefore", notBefore), r => new IdempotencyRecord
        {
            Tenant = tenant, Key = key, WorkflowId = r.Id("workflow_id"), RequestHash = r.Text("request_hash")!,
            ExecutionId = r.Id("execution_id"), CreatedAt = r.Time("created_at"),
        });

    /// <summary>A key another transaction inserted and has not committed yet makes this statement wait for it: when
    /// that one commits, nothing is written here (false); when it rolls back, this one writes.</summary>
    public async Task<bool> TryInsertIdempotencyKeyAsync(IdempotencyRecord record, DateTimeOffset notBefore) =>
        (await _pipeline.QueryAsync(Statement(
                    "INSERT INTO workflow.idempotency_keys (tenant_id, key, workflow_id, request_hash, execution_id, created_at) " +
                    "VALUES (@tenant, @key, @workflow, @hash, @execution, @at) " +
                    "ON CONFLICT (tenant_id, key) DO UPDATE SET workflow_id = excluded.workflow_id, request_hash = excluded.request_hash, " +
                    "execution_id = excluded.execution_id, created_at = excluded.created_at WHERE workflow.idempotency_keys.created_at < @notBefore " +
                    "RETURNING 1")
                .With("@tenant", record.Tenant).With("@key", record.Key).With("@workflow", record.WorkflowId).With("@hash", record.RequestHash)
                .With("@execution", record.ExecutionId).With("@at", record.CreatedAt).With("@notBefore", notBefore), _ => true)
            .ConfigureAwait(false)).Count == 1;

    public Task<int> PruneIdempotencyKeysAsync(DateTimeOffset before) =>
        _pipeline.ExecuteAsync(Statement("DELETE FROM workflow.idempotency_keys WHERE created_at < @before").With("@before", before));

    public Task ProbeWriteAsync(DateTimeOffset now) =>
        _pipeline.ExecuteAsync(Statement(
            "INSERT INTO workflow.storage_probe (id, at) VALUES (1, @at) ON CONFLICT (id) DO UPDATE SET at = excluded.at").With("@at", now));
}
