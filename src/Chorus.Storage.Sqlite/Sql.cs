using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>Small helpers that keep the SQL files readable: parameters, timestamps and JSON columns.</summary>
internal static class Sql
{
    public static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    public static SqliteCommand With(this SqliteCommand cmd, string name, object? value)
    {
        cmd.Parameters.AddWithValue(name, value switch
        {
            null => DBNull.Value,
            Guid g => g.ToString(),
            TenantId t => t.Value,
            DateTimeOffset d => d.ToUnixTimeMilliseconds(),
            bool b => b ? 1 : 0,
            JsonNode n => n.ToJsonString(),
            _ => value,
        });
        return cmd;
    }

    public static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static string? Text(this SqliteDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetString(i);
    }

    public static long Long(this SqliteDataReader r, string column) => r.GetInt64(r.GetOrdinal(column));

    public static Guid Id(this SqliteDataReader r, string column) => Guid.Parse(r.GetString(r.GetOrdinal(column)));

    public static Guid? OptionalId(this SqliteDataReader r, string column) => r.Text(column) is { } s ? Guid.Parse(s) : null;

    public static DateTimeOffset Time(this SqliteDataReader r, string column) => DateTimeOffset.FromUnixTimeMilliseconds(r.Long(column));

    public static DateTimeOffset? OptionalTime(this SqliteDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
    }

    public static JsonNode? Json(this SqliteDataReader r, string column) => r.Text(column) is { } s ? StoredJson.Parse(s) : null;

    public static int Int(object? scalar) => Convert.ToInt32(scalar, CultureInfo.InvariantCulture);
}
