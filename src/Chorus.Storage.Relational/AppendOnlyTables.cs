using System.Data.Common;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>The append-only tables (step runs, logs, events): their columns, which each store writes in bulk its
/// own way just before a commit, and the reads of them.</summary>
internal sealed class AppendOnlyTables(SqlDialect d)
{
    public static readonly string[] StepRunColumns =
        ["tenant_id", "execution_id", "step_id", "attempt", "step_name", "step_type", "status", "input", "output", "error", "started_at", "finished_at",
            "seq", "variables", "next_steps", "status_after"];

    public static readonly string[] LogColumns = ["tenant_id", "execution_id", "step_id", "level", "message", "data", "at"];

    public static readonly string[] EventColumns = ["id", "tenant_id", "type", "execution_id", "workflow_id", "payload", "at"];

    public string StepRuns { get; } = d.Table("step_runs");
    public string Logs { get; } = d.Table("execution_logs");
    public string Events { get; } = d.Table("events");

    /// <summary>By start, then in byte order of the step id, the same on both stores whatever the database's locale.</summary>
    public Statement StepRunsOf(TenantId tenant, Guid executionId) => new Statement(d.Sql(
            $"SELECT * FROM {StepRuns} WHERE tenant_id = @tenant AND execution_id = @id ORDER BY started_at, {d.WrittenOrderFirst}step_id COLLATE {d.ByteOrder}, attempt"))
        .With("@tenant", tenant).With("@id", executionId);

    public Statement LogsOf(TenantId tenant, Guid executionId) =>
        new Statement(d.Sql($"SELECT * FROM {Logs} WHERE tenant_id = @tenant AND execution_id = @id ORDER BY id")).With("@tenant", tenant).With("@id", executionId);

    public Statement EventsOf(TenantId tenant, Guid executionId) =>
        new Statement(d.Sql($"SELECT {string.Join(", ", EventColumns)} FROM {Events} WHERE tenant_id = @tenant AND execution_id = @id ORDER BY id"))
            .With("@tenant", tenant).With("@id", executionId);

    public static StepRunRecord MapStepRun(DbDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        ExecutionId = r.Id("execution_id"),
        StepId = r.Text("step_id")!,
        StepName = r.Text("step_name")!,
        StepType = r.Text("step_type")!,
        Attempt = r.Int("attempt"),
        Status = r.Text("status")!,
        Input = r.Json("input"),
        Output = r.Json("output"),
        Error = r.Json("error") as JsonObject,
        StartedAt = r.Time("started_at"),
        FinishedAt = r.OptionalTime("finished_at"),
        Sequence = r.OptionalLong("seq"),
        Variables = r.Json("variables") as JsonObject,
        Next = r.Json("next_steps") as JsonArray,
        StatusAfter = r.Text("status_after"),
    };

    public static LogRecord MapLog(DbDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        ExecutionId = r.Id("execution_id"),
        StepId = r.Text("step_id"),
        Level = r.Text("level")!,
        Message = r.Text("message")!,
        Data = r.Json("data"),
        At = r.Time("at"),
    };

    public static EventRecord MapEvent(DbDataReader r) => new()
    {
        Id = r.Long("id"),
        Tenant = new TenantId(r.Text("tenant_id")!),
        Type = r.Text("type")!,
        ExecutionId = r.OptionalId("execution_id"),
        WorkflowId = r.OptionalId("workflow_id"),
        Payload = r.Json("payload")!.AsObject(),
        At = r.Time("at"),
    };
}
