using System.Data.Common;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>Broker triggers as rows of the triggers table, under their broker's kind ("rabbitmq"): the server's
/// settings live in <c>config</c>. Every statement names the kind, so a schedule or a webhook is never read,
/// changed or deleted as a broker trigger.</summary>
internal sealed class BrokerTriggerRows(SqlDialect d)
{
    private readonly string _insert = d.Sql($"INSERT INTO {d.Table("triggers")} (tenant_id, id, workflow_id, kind, config, enabled, " +
        "created_at, updated_at) VALUES (@tenant, @id, @workflow, @kind, @config, @enabled, @created, @updated)");

    public Statement Insert(BrokerTriggerRecord r) => new Statement(_insert)
        .With("@tenant", r.Tenant).With("@id", r.Id).With("@workflow", r.WorkflowId).With("@kind", r.Kind).With("@config", Config(r))
        .With("@enabled", r.Enabled).With("@created", r.CreatedAt).With("@updated", r.UpdatedAt);

    private readonly string _update = d.Sql($"UPDATE {d.Table("triggers")} SET config = @config, enabled = @enabled, updated_at = @updated " +
        "WHERE kind = @kind AND tenant_id = @tenant AND id = @id");

    public Statement Update(BrokerTriggerRecord r) => new Statement(_update)
        .With("@tenant", r.Tenant).With("@id", r.Id).With("@kind", r.Kind).With("@config", Config(r)).With("@enabled", r.Enabled)
        .With("@updated", r.UpdatedAt);

    private readonly string _byId = d.Sql($"SELECT * FROM {d.Table("triggers")} WHERE kind = @kind AND tenant_id = @tenant AND id = @id");

    public Statement ById(TenantId tenant, string kind, Guid id) => new Statement(_byId).With("@tenant", tenant).With("@kind", kind).With("@id", id);

    private readonly string _ofWorkflow = d.Sql($"SELECT * FROM {d.Table("triggers")} WHERE kind = @kind AND tenant_id = @tenant " +
        "AND workflow_id = @workflow ORDER BY created_at, id");

    public Statement OfWorkflow(TenantId tenant, Guid workflowId, string kind) =>
        new Statement(_ofWorkflow).With("@tenant", tenant).With("@workflow", workflowId).With("@kind", kind);

    // Served by the index on kind (migration "broker triggers"): every node reads it every few seconds.
    private readonly string _enabled = d.Sql($"SELECT * FROM {d.Table("triggers")} WHERE kind = @kind AND enabled = @enabled ORDER BY tenant_id, id");

    public Statement Enabled(string kind) => new Statement(_enabled).With("@kind", kind).With("@enabled", true);

    private readonly string _delete = d.Sql($"DELETE FROM {d.Table("triggers")} WHERE kind = @kind AND tenant_id = @tenant AND id = @id");

    public Statement Delete(TenantId tenant, string kind, Guid id) => new Statement(_delete).With("@tenant", tenant).With("@kind", kind).With("@id", id);

    private static JsonObject Config(BrokerTriggerRecord r) => new() { ["settings"] = r.Settings.DeepClone() };

    public static BrokerTriggerRecord Map(DbDataReader r)
    {
        var config = r.Json("config") as JsonObject ?? new JsonObject();
        return new BrokerTriggerRecord
        {
            Tenant = new TenantId(r.Text("tenant_id")!),
            Id = r.Id("id"),
            WorkflowId = r.Id("workflow_id"),
            Kind = r.Text("kind")!,
            Settings = config["settings"] as JsonObject is { } settings ? (JsonObject)settings.DeepClone() : new JsonObject(),
            Enabled = r.Bool("enabled"),
            CreatedAt = r.Time("created_at"),
            UpdatedAt = r.Time("updated_at"),
        };
    }
}
