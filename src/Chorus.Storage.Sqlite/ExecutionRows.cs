using Chorus.Engine;
using Chorus.Engine.Storage;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>The executions table: one mapping for reads inside and outside the engine's transaction.</summary>
internal static class ExecutionRows
{
    private const string Columns =
        "tenant_id, id, workflow_id, workflow_version, status, mode, input, context, state, output, error, current_step, " +
        "parent_id, parent_step, is_test, total_steps, created_at, started_at, completed_at, deadline_at";

    public const string Insert = $"INSERT INTO executions ({Columns}) VALUES ($tenant, $id, $workflow, $version, $status, $mode, $input, " +
        "$context, $state, $output, $error, $current, $parent, $parent_step, $test, $total, $created, $started, $completed, $deadline)";

    public const string Update = "UPDATE executions SET status = $status, context = $context, state = $state, output = $output, " +
        "error = $error, current_step = $current, started_at = $started, completed_at = $completed, deadline_at = $deadline " +
        "WHERE tenant_id = $tenant AND id = $id";

    public static SqliteCommand Bind(SqliteCommand cmd, ExecutionRecord e) =>
        cmd.With("$tenant", e.Tenant).With("$id", e.Id).With("$workflow", e.WorkflowId).With("$version", e.WorkflowVersion)
            .With("$status", e.Status.ToWire()).With("$mode", e.Mode.ToString().ToLowerInvariant()).With("$input", e.Input)
            .With("$context", e.Context).With("$state", e.State.ToJson()).With("$output", e.Output).With("$error", e.Error)
            .With("$current", e.CurrentStep).With("$parent", e.ParentExecutionId).With("$parent_step", e.ParentStepId)
            .With("$test", e.IsTest).With("$total", e.TotalSteps).With("$created", e.CreatedAt).With("$started", e.StartedAt)
            .With("$completed", e.CompletedAt).With("$deadline", e.DeadlineAt);

    public const string Select = "SELECT * FROM executions WHERE tenant_id = $tenant AND id = $id";

    public static async Task<ExecutionRecord?> ReadAsync(SqliteConnection connection, TenantId tenant, Guid id)
    {
        await using var cmd = Sql.Command(connection, Select)
            .With("$tenant", tenant).With("$id", id);
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        return await r.ReadAsync().ConfigureAwait(false) ? Map(r) : null;
    }

    public static ExecutionRecord Map(SqliteDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        Id = r.Id("id"),
        WorkflowId = r.Id("workflow_id"),
        WorkflowVersion = (int)r.Long("workflow_version"),
        Status = Enum.Parse<ExecutionStatus>(r.Text("status")!, ignoreCase: true),
        Mode = Enum.Parse<ExecutionMode>(r.Text("mode")!, ignoreCase: true),
        Input = r.Json("input"),
        Context = r.Json("context")!.AsObject(),
        State = ExecutionState.FromJson(r.Text("state")!),
        Output = r.Json("output"),
        Error = r.Json("error")?.AsObject(),
        CurrentStep = r.Text("current_step"),
        ParentExecutionId = r.OptionalId("parent_id"),
        ParentStepId = r.Text("parent_step"),
        IsTest = r.Long("is_test") != 0,
        TotalSteps = (int)r.Long("total_steps"),
        CreatedAt = r.Time("created_at"),
        StartedAt = r.OptionalTime("started_at"),
        CompletedAt = r.OptionalTime("completed_at"),
        DeadlineAt = r.OptionalTime("deadline_at"),
    };
}
