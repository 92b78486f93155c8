using System.Data.Common;
using System.Text.Json;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>Migrations of running executions onto another version, each with the executions it moved; and the
/// statements that move one execution (its version, its work items' step ids).</summary>
internal sealed class MigrationRows(SqlDialect d)
{
    private const string ColumnList = "tenant_id, id, workflow_id, to_version, mapping, created_by, created_at, rolled_back_at";
    private const string MoveColumns = "tenant_id, migration_id, execution_id, from_version, renamed, progress, moved_at, rolled_back_at";

    private readonly string _insert = d.Sql($"INSERT INTO {d.Table("execution_migrations")} ({ColumnList}) " +
        "VALUES (@tenant, @id, @workflow, @to, @mapping, @by, @at, NULL)");

    public Statement Insert(MigrationRecord m) => new Statement(_insert).With("@tenant", m.Tenant).With("@id", m.Id)
        .With("@workflow", m.WorkflowId).With("@to", m.ToVersion).With("@mapping", Write(m.Mapping)).With("@by", m.CreatedBy).With("@at", m.CreatedAt);

    private readonly string _byId = d.Sql($"SELECT {ColumnList} FROM {d.Table("execution_migrations")} WHERE tenant_id = @tenant AND id = @id");

    public Statement ById(TenantId tenant, Guid id) => new Statement(_byId).With("@tenant", tenant).With("@id", id);

    private readonly string _ofWorkflow = d.Sql($"SELECT {ColumnList} FROM {d.Table("execution_migrations")} " +
        "WHERE tenant_id = @tenant AND workflow_id = @workflow ORDER BY created_at DESC, id DESC LIMIT @max");

    public Statement OfWorkflow(TenantId tenant, Guid workflowId, int max) =>
        new Statement(_ofWorkflow).With("@tenant", tenant).With("@workflow", workflowId).With("@max", max);

    private readonly string _rolledBack = d.Sql($"UPDATE {d.Table("execution_migrations")} SET rolled_back_at = @at WHERE tenant_id = @tenant AND id = @id");

    public Statement RolledBack(TenantId tenant, Guid id, DateTimeOffset at) => new Statement(_rolledBack).With("@tenant", tenant).With("@id", id).With("@at", at);

    private readonly string _insertMove = d.Sql($"INSERT INTO {d.Table("execution_migration_moves")} ({MoveColumns}) " +
        "VALUES (@tenant, @migration, @execution, @from, @renamed, @progress, @at, NULL)");

    public Statement InsertMove(MigrationMove m) => new Statement(_insertMove).With("@tenant", m.Tenant).With("@migration", m.MigrationId)
        .With("@execution", m.ExecutionId).With("@from", m.FromVersion).With("@renamed", Write(m.Renamed)).With("@progress", m.Progress).With("@at", m.MovedAt);

    private readonly string _moves = d.Sql($"SELECT {MoveColumns} FROM {d.Table("execution_migration_moves")} " +
        "WHERE tenant_id = @tenant AND migration_id = @migration ORDER BY moved_at, execution_id");

    public Statement Moves(TenantId tenant, Guid migrationId) => new Statement(_moves).With("@tenant", tenant).With("@migration", migrationId);

    private readonly string _moveRolledBack = d.Sql($"UPDATE {d.Table("execution_migration_moves")} SET rolled_back_at = @at " +
        "WHERE tenant_id = @tenant AND migration_id = @migration AND execution_id = @execution");

    public Statement MoveRolledBack(TenantId tenant, Guid migrationId, Guid executionId, DateTimeOffset at) => new Statement(_moveRolledBack)
        .With("@tenant", tenant).With("@migration", migrationId).With("@execution", executionId).With("@at", at);

    private readonly string _setVersion = d.Sql($"UPDATE {d.Table("executions")} SET workflow_version = @version WHERE tenant_id = @tenant AND id = @id");

    public Statement SetVersion(TenantId tenant, Guid executionId, int version) =>
        new Statement(_setVersion).With("@tenant", tenant).With("@id", executionId).With("@version", version);

    // Any lease counts, expired or not: a worker whose lease ran out may still be about to commit until another
    // claim bumps the fence, and a lease released at start has no expiry. Every item of the execution is read for
    // change, so a claim on another node (which skips locked rows) cannot lease one until the move has committed.
    private readonly string _leased = d.Sql($"SELECT lease_expires_at FROM {d.Table("work_items")} " +
        $"WHERE execution_id = @execution AND tenant_id = @tenant{d.ForUpdate}");

    public Statement Leased(TenantId tenant, Guid executionId) => new Statement(_leased).With("@execution", executionId).With("@tenant", tenant);

    private readonly string _renameStep = d.Sql($"UPDATE {d.Table("work_items")} SET step_id = @to " +
        "WHERE execution_id = @execution AND tenant_id = @tenant AND step_id = @from AND kind IN ('run', 'resume')");

    public Statement RenameStep(TenantId tenant, Guid executionId, string from, string to) => new Statement(_renameStep)
        .With("@execution", executionId).With("@tenant", tenant).With("@from", from).With("@to", to);

    public static MigrationRecord Map(DbDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!), Id = r.Id("id"), WorkflowId = r.Id("workflow_id"), ToVersion = r.Int("to_version"),
        Mapping = Read(r.Text("mapping")), CreatedBy = r.Text("created_by"), CreatedAt = r.Time("created_at"), RolledBackAt = r.OptionalTime("rolled_back_at"),
    };

    public static MigrationMove MapMove(DbDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!), MigrationId = r.Id("migration_id"), ExecutionId = r.Id("execution_id"),
        FromVersion = r.Int("from_version"), Renamed = Read(r.Text("renamed")), Progress = r.Text("progress") ?? "",
        MovedAt = r.Time("moved_at"), RolledBackAt = r.OptionalTime("rolled_back_at"),
    };

    private static string Write(IReadOnlyDictionary<string, string> map) => JsonSerializer.Serialize(map);

    private static Dictionary<string, string> Read(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
}
