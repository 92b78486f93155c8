using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Chorus.Storage.Postgres;

/// <summary>Small helpers that keep the SQL readable: parameters, timestamps and JSON columns.</summary>
internal static class Pg
{
    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? tx = null)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    public static NpgsqlCommand With(this NpgsqlCommand cmd, string name, object? value)
    {
        cmd.Parameters.Add(Parameter(name, value));
        return cmd;
    }

    public static NpgsqlBatchCommand With(this NpgsqlBatchCommand cmd, string name, object? value)
    {
        cmd.Parameters.Add(Parameter(name, value));
        return cmd;
    }

    /// <summary>A JSON text parameter for a jsonb (or, with <paramref name="type"/>, a json) column.</summary>
    public static NpgsqlCommand WithJson(this NpgsqlCommand cmd, string name, string? json, NpgsqlDbType type = NpgsqlDbType.Jsonb)
    {
        cmd.Parameters.Add(JsonParameter(name, json, type));
        return cmd;
    }

    public static NpgsqlBatchCommand WithJson(this NpgsqlBatchCommand cmd, string name, string? json, NpgsqlDbType type = NpgsqlDbType.Jsonb)
    {
        cmd.Parameters.Add(JsonParameter(name, json, type));
        return cmd;
    }

    /// <summary>An array parameter, for the columns of many rows sent at once (see <see cref="AppendOnlyRows"/>).</summary>
    public static NpgsqlBatchCommand WithArray(this NpgsqlBatchCommand cmd, string name, NpgsqlDbType element, Array values)
    {
        cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | element) { Value = values });
        return cmd;
    }

    private static NpgsqlParameter Parameter(string name, object? value) => value switch
    {
        // An untyped null lets the server infer the type from the column it is written to.
        null => new NpgsqlParameter(name, DBNull.Value),
        TenantId t => new NpgsqlParameter<string>(name, t.Value),
        // timestamptz takes only UTC offsets; the instant is what is stored.
        DateTimeOffset d => new NpgsqlParameter<DateTimeOffset>(name, d.ToUniversalTime()),
        JsonNode n => new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = n.ToJsonString() },
        _ => new NpgsqlParameter(name, value),
    };

    private static NpgsqlParameter JsonParameter(string name, string? json, NpgsqlDbType type) =>
        new(name, type) { Value = (object?)json ?? DBNull.Value };

    public static string? Text(this NpgsqlDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetString(i);
    }

    public static long Long(this NpgsqlDataReader r, string column) => Convert.ToInt64(r.GetValue(r.GetOrdinal(column)), CultureInfo.InvariantCulture);

    public static int Int(this NpgsqlDataReader r, string column) => Convert.ToInt32(r.GetValue(r.GetOrdinal(column)), CultureInfo.InvariantCulture);

    public static bool Bool(this NpgsqlDataReader r, string column) => r.GetBoolean(r.GetOrdinal(column));

    public static Guid Id(this NpgsqlDataReader r, string column) => r.GetGuid(r.GetOrdinal(column));

    public static Guid? OptionalId(this NpgsqlDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetGuid(i);
    }

    public static DateTimeOffset Time(this NpgsqlDataReader r, string column) => r.GetFieldValue<DateTimeOffset>(r.GetOrdinal(column));

    public static DateTimeOffset? OptionalTime(this NpgsqlDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
    }

    public static JsonNode? Json(this NpgsqlDataReader r, string column) => r.Text(column) is { } s ? StoredJson.Parse(s) : null;

    public static int Int(object? scalar) => Convert.ToInt32(scalar, CultureInfo.InvariantCulture);

    public static async Task<int> ExecuteAsync(this NpgsqlCommand cmd, CancellationToken ct = default)
    {
        await using (cmd.ConfigureAwait(false))
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(this NpgsqlCommand cmd, CancellationToken ct = default)
    {
        await using (cmd.ConfigureAwait(false))
            return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Runs a query and maps every row; the command is disposed afterwards.</summary>
    public static async Task<List<T>> ListAsync<T>(this NpgsqlCommand cmd, Func<NpgsqlDataReader, T> map, CancellationToken ct = default)
    {
        await using (cmd.ConfigureAwait(false))
        {
            var items = new List<T>();
            var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                    items.Add(map(r));
            }
            return items;
        }
    }

    public static async Task<T?> FirstOrDefaultAsync<T>(this NpgsqlCommand cmd, Func<NpgsqlDataReader, T> map, CancellationToken ct = default)
        where T : class =>
        (await cmd.ListAsync(map, ct).ConfigureAwait(false)).FirstOrDefault();
}
