using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MySqlConnector;

namespace Chorus.Server.Mysql;

/// <summary>Runs the step's one statement with its parameters as MySqlConnector parameters, and turns what it gives
/// into the step's output.</summary>
internal static class MysqlStatement
{
    /// <summary>The most the rows may take as JSON: an output past it would not fit an execution's context.</summary>
    internal const int MaxOutputBytes = 4 * 1024 * 1024;

    public static async Task<JsonObject> RunAsync(MySqlConnection connection, MySqlTransaction? tx, MysqlStepConfig step, CancellationToken ct)
    {
        await using var command = new MySqlCommand(step.Query, connection, tx) { CommandTimeout = step.TimeoutSeconds };
        foreach (var (name, value) in step.Parameters)
            command.Parameters.AddWithValue("@" + name, Value(value));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (reader.FieldCount == 0)
        {
            return new JsonObject { ["affected_rows"] = reader.RecordsAffected, ["last_insert_id"] = command.LastInsertedId };
        }
        var columns = new JsonArray();
        for (var i = 0; i < reader.FieldCount; i++)
            columns.Add(new JsonObject { ["name"] = reader.GetName(i), ["type"] = reader.GetDataTypeName(i) });
        var rows = new JsonArray();
        var bytes = 0L;
        var truncated = false;
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            if (rows.Count == step.MaxRows)
            {
                truncated = true;
                break;
            }
            var row = new JsonObject();
            for (var i = 0; i < reader.FieldCount; i++)
                row[UniqueName(row, reader.GetName(i))] = Json(reader.GetValue(i));
            bytes += Encoding.UTF8.GetByteCount(row.ToJsonString());
            if (bytes > MaxOutputBytes)
                throw new MysqlResultTooLargeException(rows.Count);
            rows.Add(row);
        }
        return new JsonObject { ["rows"] = rows, ["count"] = rows.Count, ["columns"] = columns, ["truncated"] = truncated };
    }

    /// <summary>Two columns of one name (a join's <c>id</c>s) keep both: the second becomes <c>id_2</c>.</summary>
    private static string UniqueName(JsonObject row, string name)
    {
        var unique = name;
        for (var n = 2; row.ContainsKey(unique); n++)
            unique = $"{name}_{n}";
        return unique;
    }

    private static object? Value(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => DBNull.Value,
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
            ? whole
            : decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var exact) ? exact
            : double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture),
        // Checked at run time before this point; kept as JSON text should a caller pass one all the same.
        _ => value.ToJsonString(),
    };

    /// <summary>A column's value as JSON: numbers as numbers, times as ISO 8601 text, bytes as base64.</summary>
    private static JsonNode? Json(object value) => value switch
    {
        DBNull => null,
        string s => s,
        bool b => b,
        sbyte or byte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong u => u,
        float f => double.IsFinite(f) ? f : null,
        double d => double.IsFinite(d) ? d : null,
        decimal m => m,
        DateTime t => t.ToString(t.TimeOfDay == TimeSpan.Zero && t.Kind == DateTimeKind.Unspecified ? "yyyy-MM-dd" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset o => o.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeSpan s => s.ToString("c", CultureInfo.InvariantCulture),
        MySqlDateTime m => m.IsValidDateTime ? Json(m.GetDateTime()) : null,
        Guid g => g.ToString(),
        byte[] b => Convert.ToBase64String(b),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}

internal sealed class MysqlResultTooLargeException(int rows) : Exception(
    $"The rows take more than {MysqlStatement.MaxOutputBytes / (1024 * 1024)} MiB as JSON after {rows:N0} rows: select fewer columns or lower max_rows.");
