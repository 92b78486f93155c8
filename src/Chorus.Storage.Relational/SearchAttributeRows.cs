using System.Text;
using Chorus.Engine;

namespace Chorus.Storage.Relational;

/// <summary>The execution_search_attributes table: one row per attribute of an execution that has a value, indexed
/// by (tenant, name, value) so that a list filtered by an attribute reads only the matching executions.</summary>
internal sealed class SearchAttributeRows(SqlDialect d)
{
    public string Table { get; } = d.Table("execution_search_attributes");

    private readonly string _deleteOf = d.Sql($"DELETE FROM {d.Table("execution_search_attributes")} WHERE tenant_id = @tenant AND execution_id = @id");

    private readonly string _insert = d.Sql($"INSERT INTO {d.Table("execution_search_attributes")} (tenant_id, execution_id, name, value) " +
        "VALUES (@tenant, @id, @name, @value)");

    /// <summary>The delete of the execution's rows, then one insert per value.</summary>
    public IEnumerable<Statement> Replace(TenantId tenant, Guid executionId, IReadOnlyDictionary<string, string> values)
    {
        yield return new Statement(_deleteOf).With("@tenant", tenant).With("@id", executionId);
        foreach (var (name, value) in values)
            yield return new Statement(_insert).With("@tenant", tenant).With("@id", executionId).With("@name", name).With("@value", value);
    }

    /// <summary>Appends to a list's WHERE one condition per filter, on the parameters <c>@search_name{i}</c> and
    /// <c>@search_value{i}</c>.</summary>
    public void AppendFilters(StringBuilder where, int count)
    {
        for (var i = 0; i < count; i++)
            where.Append(" AND id IN (SELECT execution_id FROM ").Append(Table)
                .Append($" WHERE tenant_id = @tenant AND name = @search_name{i} AND value = @search_value{i})");
    }
}
