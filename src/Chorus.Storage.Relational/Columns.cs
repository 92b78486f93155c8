using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>Reads a column by name whatever the store keeps in it: SQLite keeps ids as text, times as Unix
/// milliseconds and booleans as integers; PostgreSQL has uuid, timestamptz and boolean.</summary>
internal static class Columns
{
    public static string? Text(this DbDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetString(i);
    }

    public static long Long(this DbDataReader r, string column) => Convert.ToInt64(r.GetValue(r.GetOrdinal(column)), CultureInfo.InvariantCulture);

    public static long? OptionalLong(this DbDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
    }

    public static int Int(this DbDataReader r, string column) => Convert.ToInt32(r.GetValue(r.GetOrdinal(column)), CultureInfo.InvariantCulture);

    public static bool Bool(this DbDataReader r, string column) => r.GetBoolean(r.GetOrdinal(column));

    // Microsoft.Data.Sqlite's GetGuid parses the text it finds.
    public static Guid Id(this DbDataReader r, string column) => r.GetGuid(r.GetOrdinal(column));

    public static Guid? OptionalId(this DbDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetGuid(i);
    }

    public static DateTimeOffset Time(this DbDataReader r, string column) => Time(r, r.GetOrdinal(column));

    public static DateTimeOffset? OptionalTime(this DbDataReader r, string column) => r.OptionalTime(r.GetOrdinal(column));

    public static DateTimeOffset? OptionalTime(this DbDataReader r, int i) => r.IsDBNull(i) ? null : Time(r, i);

    private static DateTimeOffset Time(DbDataReader r, int i) => r.GetFieldType(i) == typeof(long)
        ? DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i))
        : r.GetFieldValue<DateTimeOffset>(i);

    public static JsonNode? Json(this DbDataReader r, string column) => r.Text(column) is { } s ? StoredJson.Parse(s) : null;

    public static int Int(object? scalar) => Convert.ToInt32(scalar, CultureInfo.InvariantCulture);

    /// <summary>A scalar as a long; no row (null) or NULL is 0.</summary>
    public static long Long(object? scalar) => scalar is null or DBNull ? 0 : Convert.ToInt64(scalar, CultureInfo.InvariantCulture);
}
