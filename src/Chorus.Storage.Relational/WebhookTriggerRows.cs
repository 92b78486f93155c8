using System.Data.Common;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>Webhook triggers as rows of the triggers table (kind "webhook"): the server's settings and the encrypted
/// secret (base64) live in <c>config</c>. Every statement names the kind, so a schedule is never read or deleted
/// as a webhook, nor the other way round.</summary>
internal sealed class WebhookTriggerRows(SqlDialect d)
{
    public const string Kind = "webhook";

    private readonly string _insert = d.Sql($"INSERT INTO {d.Table("triggers")} (tenant_id, id, workflow_id, kind, config, enabled, " +
        $"created_at, updated_at) VALUES (@tenant, @id, @workflow, '{Kind}', @config, @enabled, @created, @updated)");

    public Statement Insert(WebhookTriggerRecord r) => new Statement(_insert)
        .With("@tenant", r.Tenant).With("@id", r.Id).With("@workflow", r.WorkflowId).With("@config", Config(r))
        .With("@enabled", r.Enabled).With("@created", r.CreatedAt).With("@updated", r.UpdatedAt);

    private readonly string _update = d.Sql($"UPDATE {d.Table("triggers")} SET config = @config, enabled = @enabled, updated_at = @updated " +
        $"WHERE kind = '{Kind}' AND tenant_id = @tenant AND id = @id");

    public Statement Update(WebhookTriggerRecord r) => new Statement(_update)
        .With("@tenant", r.Tenant).With("@id", r.Id).With("@config", Config(r)).With("@enabled", r.Enabled).With("@updated", r.UpdatedAt);

    // Served by the index on id alone (migration "webhook trigger ids"): the tenant is not known yet.
    private readonly string _find = d.Sql($"SELECT * FROM {d.Table("triggers")} WHERE kind = '{Kind}' AND id = @id");

    public Statement Find(Guid id) => new Statement(_find).With("@id", id);

    private readonly string _byId = d.Sql($"SELECT * FROM {d.Table("triggers")} WHERE kind = '{Kind}' AND tenant_id = @tenant AND id = @id");

    public Statement ById(TenantId tenant, Guid id) => new Statement(_byId).With("@tenant", tenant).With("@id", id);

    private readonly string _ofWorkflow = d.Sql($"SELECT * FROM {d.Table("triggers")} WHERE kind = '{Kind}' AND tenant_id = @tenant " +
        "AND workflow_id = @workflow ORDER BY created_at, id");

    public Statement OfWorkflow(TenantId tenant, Guid workflowId) => new Statement(_ofWorkflow).With("@tenant", tenant).With("@workflow", workflowId);

    private readonly string _delete = d.Sql($"DELETE FROM {d.Table("triggers")} WHERE kind = '{Kind}' AND tenant_id = @tenant AND id = @id");

    public Statement Delete(TenantId tenant, Guid id) => new Statement(_delete).With("@tenant", tenant).With("@id", id);

    private static JsonObject Config(WebhookTriggerRecord r) => new()
    {
        ["settings"] = r.Settings.DeepClone(),
        ["secret"] = Convert.ToBase64String(r.SecretCiphertext),
    };

    public static WebhookTriggerRecord Map(DbDataReader r)
    {
        var config = r.Json("config") as JsonObject ?? new JsonObject();
        return new WebhookTriggerRecord
        {
            Tenant = new TenantId(r.Text("tenant_id")!),
            Id = r.Id("id"),
            WorkflowId = r.Id("workflow_id"),
            Settings = config["settings"] as JsonObject is { } settings ? (JsonObject)settings.DeepClone() : new JsonObject(),
            SecretCiphertext = config["secret"]?.GetValue<string>() is { } secret ? Convert.FromBase64String(secret) : [],
            Enabled = r.Bool("enabled"),
            CreatedAt = r.Time("created_at"),
            UpdatedAt = r.Time("updated_at"),
        };
    }
}
