using Chorus.Engine;
using Chorus.Engine.Storage;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>The instances (executions) table: one mapping for reads inside and outside the engine's transaction.</summary>
internal static class ExecutionRows
{
    private const string Columns =
        "tenant_id, id, workflow_id, workflow_version, status, mode, input, context, state, output, error, current_step, " +
        "parent_id, parent_step, is_test, total_steps, created_at, started_at, completed_at, deadline_at";

    public const string Insert = $"INSERT INTO workflow.instances ({Columns}) VALUES (@tenant, @id, @workflow, @version, @status, @mode, @input, " +
        "@context, @state, @output, @error, @current, @parent, @parent_step, @test, @total, @created, @started, @completed, @deadline)";

    public const string Update = "UPDATE workflow.instances SET status = @status, context = @context, state = @state, output = @output, " +
        "error = @error, current_step = @current, started_at = @started, completed_at = @completed, deadline_at = @deadline " +
        "WHERE tenant_id = @tenant AND id = @id";

    public const string Select = $"SELECT {Columns} FROM workflow.instances";

    public static NpgsqlBatchCommand Bind(NpgsqlBatchCommand cmd, ExecutionRecord e) =>
        cmd.With("@tenant", e.Tenant).With("@id", e.Id).With("@workflow", e.WorkflowId).With("@version", e.WorkflowVersion)
            .With("@status", e.Status.ToWire()).With("@mode", e.Mode.ToString().ToLowerInvariant()).WithJson("@input", e.Input?.ToJsonString())
            .WithJson("@context", e.Context.ToJsonString()).WithJson("@state", e.State.ToJson()).WithJson("@output", e.Output?.ToJsonString())
            .WithJson("@error", e.Error?.ToJsonString()).With("@current", e.CurrentStep).With("@parent", e.ParentExecutionId)
            .With("@parent_step", e.ParentStepId).With("@test", e.IsTest).With("@total", e.TotalSteps).With("@created", e.CreatedAt)
            .With("@started", e.StartedAt).With("@completed", e.CompletedAt).With("@deadline", e.DeadlineAt);

    public static ExecutionRecord Map(NpgsqlDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        Id = r.Id("id"),
        WorkflowId = r.Id("workflow_id"),
        WorkflowVersion = r.Int("workflow_version"),
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
        IsTest = r.Bool("is_test"),
        TotalSteps = r.Int("total_steps"),
        CreatedAt = r.Time("created_at"),
        StartedAt = r.OptionalTime("started_at"),
        CompletedAt = r.OptionalTime("completed_at"),
        DeadlineAt = r.OptionalTime("deadline_at"),
    };
}
