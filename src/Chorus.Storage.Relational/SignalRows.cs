using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>Signals waiting for a step to take them, oldest first.</summary>
internal sealed class SignalRows(SqlDialect d)
{
    private readonly string _insert =
        d.Sql($"INSERT INTO {d.Table("signals")} (tenant_id, execution_id, name, data, at) VALUES (@tenant, @execution, @name, @data, @at)");

    public Statement Insert(SignalRecord s) => new Statement(_insert).With("@tenant", s.Tenant).With("@execution", s.ExecutionId).With("@name", s.Name).With("@data", s.Data).With("@at", s.At);

    /// <summary>SKIP LOCKED where transactions run side by side: a signal another one is taking is left to it.</summary>
    private readonly string _take = d.Sql($"DELETE FROM {d.Table("signals")} WHERE id = (SELECT id FROM {d.Table("signals")} WHERE " +
        $"execution_id = @execution AND tenant_id = @tenant AND name = @name ORDER BY id LIMIT 1{d.ForUpdateSkipLocked}) RETURNING data, at");

    public Statement Take(TenantId tenant, Guid executionId, string name) => new Statement(_take).With("@execution", executionId).With("@tenant", tenant).With("@name", name);
}

/// <summary>The idempotency keys of starts, and the probe row a readiness check rewrites.</summary>
internal sealed class IdempotencyRows(SqlDialect d)
{
    private readonly string _get = d.Sql($"SELECT * FROM {d.Table("idempotency_keys")} WHERE tenant_id = @tenant AND key = @key AND created_at >= @notBefore");

    public Statement Get(TenantId tenant, string key, DateTimeOffset notBefore) => new Statement(_get)
        .With("@tenant", tenant).With("@key", key).With("@notBefore", notBefore);

    private readonly string _tryInsert = d.Sql($"INSERT INTO {d.Table("idempotency_keys")} (tenant_id, key, workflow_id, request_hash, " +
        "execution_id, created_at) VALUES (@tenant, @key, @workflow, @hash, @execution, @at) ON CONFLICT (tenant_id, key) DO UPDATE SET " +
        "workflow_id = excluded.workflow_id, request_hash = excluded.request_hash, execution_id = excluded.execution_id, " +
        $"created_at = excluded.created_at WHERE {d.Table("idempotency_keys")}.created_at < @notBefore");

    /// <summary>Replaces only an expired key. On PostgreSQL a key another transaction inserted and has not committed
    /// yet makes this statement wait for it: when that one commits, nothing is written here; when it rolls back,
    /// this one writes.</summary>
    public Statement TryInsert(IdempotencyRecord r, DateTimeOffset notBefore) => new Statement(_tryInsert)
        .With("@tenant", r.Tenant).With("@key", r.Key).With("@workflow", r.WorkflowId).With("@hash", r.RequestHash)
        .With("@execution", r.ExecutionId).With("@at", r.CreatedAt).With("@notBefore", notBefore);

    public Statement Prune(DateTimeOffset before) => new Statement(d.Sql($"DELETE FROM {d.Table("idempotency_keys")} WHERE created_at < @before")).With("@before", before);

    private readonly string _probe = d.Sql($"INSERT INTO {d.Table("storage_probe")} (id, at) VALUES (1, @at) ON CONFLICT (id) DO UPDATE SET at = excluded.at");

    public Statement Probe(DateTimeOffset now) => new Statement(_probe).With("@at", now);
}
