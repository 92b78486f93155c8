using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Server.Files;

/// <summary>An excelInput step's config once rendered: which file, how to read it, and which columns to keep.</summary>
internal sealed record ExcelInputConfig
{
    public const int DefaultMaxRows = 10_000;
    public const int MaxMaxRows = 100_000;

    public static readonly string[] Fields = ["file_id", "url", "format", "sheet", "delimiter", "header", "columns", "infer_types", "max_rows"];

    public string? Format { get; init; }
    public string? Sheet { get; init; }
    public char Delimiter { get; init; } = ',';
    public bool Header { get; init; } = true;
    /// <summary>Header (or column_N) to field name, in the order the output lists them; null keeps every column.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Columns { get; init; }
    public bool InferTypes { get; init; } = true;
    public int MaxRows { get; init; } = DefaultMaxRows;

    public static ExcelInputConfig Read(JsonObject config) => new()
    {
        Format = ConfigFields.Text(config, "format") is { } format
            ? format.ToLowerInvariant() is "csv" or "xlsx" ? format.ToLowerInvariant() : throw new StepConfigurationException($"config.format '{format}' must be csv or xlsx.")
            : config["format"] is null ? null : throw new StepConfigurationException("config.format must be csv or xlsx."),
        Sheet = config["sheet"] is null ? null : ConfigFields.Text(config, "sheet") ?? throw new StepConfigurationException("config.sheet must be a sheet's name."),
        Delimiter = config["delimiter"] is null ? ',' : ConfigFields.Delimiter(ConfigFields.Text(config, "delimiter")) is { } d ? d
            : throw new StepConfigurationException("config.delimiter must be one ASCII character (not a letter, digit, quote or line break), such as \",\", \";\" or \"\\t\"."),
        Header = ConfigFields.Bool(config, "header", true),
        Columns = config["columns"] is null ? null : ReadColumns(config["columns"]) ?? throw new StepConfigurationException(
            "config.columns must be an object of column name to field name, with distinct non-empty field names."),
        InferTypes = ConfigFields.Bool(config, "infer_types", true),
        MaxRows = ConfigFields.Integer(config, "max_rows", 1, MaxMaxRows) ?? DefaultMaxRows,
    };

    public static IEnumerable<StepConfigIssue> Validate(JsonObject config)
    {
        foreach (var issue in ConfigFields.Unknown(config, ExcelInputStep.StepType, Fields).Concat(FileStepSource.Validate(config)))
            yield return issue;
        if (config["format"] is { } format && !ConfigFields.IsTemplate(format)
            && !(format is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().ToLowerInvariant() is "csv" or "xlsx"))
            yield return new("config.format", "Must be csv or xlsx (or left out: the file's type or name tells).");
        if (config["sheet"] is { } sheet && sheet.GetValueKind() != JsonValueKind.String)
            yield return new("config.sheet", "Must be a sheet's name.");
        if (config["delimiter"] is { } delimiter && !ConfigFields.IsTemplate(delimiter)
            && ConfigFields.Delimiter(ConfigFields.Text(config, "delimiter")) is null)
            yield return new("config.delimiter", "Must be one ASCII character (not a letter, digit, quote or line break), such as \",\", \";\" or \"\\t\".");
        if (config["columns"] is { } columns && ReadColumns(columns) is null)
            yield return new("config.columns", "Must be an object of column name to field name, with distinct non-empty field names.");
        foreach (var issue in new[] { ConfigFields.CheckBool(config, "header"), ConfigFields.CheckBool(config, "infer_types"),
            ConfigFields.CheckInteger(config, "max_rows", 1, MaxMaxRows) })
            if (issue is not null)
                yield return issue;
    }

    private static List<KeyValuePair<string, string>>? ReadColumns(JsonNode? node)
    {
        if (node is not JsonObject map || map.Count == 0)
            return null;
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (column, field) in map)
        {
            if (field is not JsonValue v || v.GetValueKind() != JsonValueKind.String || v.GetValue<string>().Trim().Length == 0)
                return null;
            pairs.Add(new(column, v.GetValue<string>().Trim()));
        }
        return pairs.Select(p => p.Value).Distinct(StringComparer.Ordinal).Count() == pairs.Count ? pairs : null;
    }
}
