using Chorus.Engine;

namespace Chorus.Storage.Relational;

/// <summary>The llm_token_usage table: one row per tenant and UTC day, added to by one upsert.</summary>
internal sealed class LlmTokenUsageRows(SqlDialect d)
{
    private readonly string _used = d.Sql($"SELECT tokens FROM {d.Table("llm_token_usage")} WHERE tenant_id = @tenant AND day = @day");

    private readonly string _add = d.Sql($"INSERT INTO {d.Table("llm_token_usage")} (tenant_id, day, tokens) VALUES (@tenant, @day, @tokens) " +
        $"ON CONFLICT (tenant_id, day) DO UPDATE SET tokens = {d.Table("llm_token_usage")}.tokens + excluded.tokens RETURNING tokens");

    public Statement Used(TenantId tenant, DateOnly day) => new Statement(_used).With("@tenant", tenant).With("@day", Day(day));

    public Statement Add(TenantId tenant, DateOnly day, long tokens) =>
        new Statement(_add).With("@tenant", tenant).With("@day", Day(day)).With("@tokens", tokens);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
