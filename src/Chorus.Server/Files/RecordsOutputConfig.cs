using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Server.Files;

/// <summary>A csvOutput or xlsxOutput step's config once rendered (the records themselves are resolved by the step).</summary>
internal sealed record RecordsOutputConfig
{
    public const int MaxRecords = 100_000;
    public const int MaxColumns = 1_000;

    public static readonly string[] CsvFields = ["records", "name", "columns", "delimiter", "header"];
    public static readonly string[] XlsxFields = ["records", "name", "columns", "sheet"];

    public required string Name { get; init; }
    public IReadOnlyList<string>? Columns { get; init; }
    public char Delimiter { get; init; } = ',';
    public bool Header { get; init; } = true;
    public string Sheet { get; init; } = "Sheet1";

    public static RecordsOutputConfig Read(JsonObject config, string extension)
    {
        var name = ConfigFields.Text(config, "name") is { } given ? given.Trim() : config["name"] is null ? "records" + extension
            : throw new StepConfigurationException("config.name must be a string.");
        if (!name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            name += extension;
        try
        {
            name = FileUploads.CheckName(name);
        }
        catch (Engine.ChorusException ex)
        {
            throw new StepConfigurationException($"config.name '{(name.Length > 80 ? name[..80] + "..." : name)}': {ex.Message}");
        }
        return new RecordsOutputConfig
        {
            Name = name,
            Columns = config["columns"] is null ? null : ReadColumns(config["columns"])
                ?? throw new StepConfigurationException($"config.columns must be a list of 1 to {MaxColumns} distinct field names."),
            Delimiter = config["delimiter"] is null ? ',' : ConfigFields.Delimiter(ConfigFields.Text(config, "delimiter")) is { } d ? d
                : throw new StepConfigurationException("config.delimiter must be one ASCII character (not a letter, digit, quote or line break)."),
            Header = ConfigFields.Bool(config, "header", true),
            Sheet = config["sheet"] is null ? "Sheet1" : ConfigFields.Text(config, "sheet") is { Length: > 0 and <= 31 } s && IsSheetName(s) ? s
                : throw new StepConfigurationException("config.sheet must be a sheet name of 1 to 31 characters, without : \\ / ? * [ ]."),
        };
    }

    public static IEnumerable<StepConfigIssue> Validate(JsonObject config, string type, string[] fields)
    {
        foreach (var issue in ConfigFields.Unknown(config, type, fields))
            yield return issue;
        var records = config["records"];
        if (records is null)
            yield return new("config.records", "Required: a list of objects, or a placeholder that gives one (\"{{ $.read.records }}\").");
        else if (records is not JsonArray && !ConfigFields.IsTemplate(records) && !FileReference.IsReference(records))
            yield return new("config.records", "Must be a list of objects, or a placeholder that gives one.");
        else if (records is JsonArray list && list.Any(r => r is not JsonObject))
            yield return new("config.records", "Every record must be an object.");
        if (config["name"] is { } name && name.GetValueKind() != JsonValueKind.String)
            yield return new("config.name", "Must be a string.");
        if (config["columns"] is { } columns && ReadColumns(columns) is null)
            yield return new("config.columns", $"Must be a list of 1 to {MaxColumns} distinct field names.");
        if (config["delimiter"] is { } delimiter && !ConfigFields.IsTemplate(delimiter)
            && ConfigFields.Delimiter(ConfigFields.Text(config, "delimiter")) is null)
            yield return new("config.delimiter", "Must be one ASCII character (not a letter, digit, quote or line break).");
        if (ConfigFields.CheckBool(config, "header") is { } header)
            yield return header;
        if (config["sheet"] is { } sheet && !ConfigFields.IsTemplate(sheet)
            && !(ConfigFields.Text(config, "sheet") is { Length: > 0 and <= 31 } s && IsSheetName(s)))
            yield return new("config.sheet", "Must be a sheet name of 1 to 31 characters, without : \\ / ? * [ ].");
    }

    private static bool IsSheetName(string name) => name.IndexOfAny([':', '\\', '/', '?', '*', '[', ']']) < 0;

    private static List<string>? ReadColumns(JsonNode? node)
    {
        if (node is not JsonArray { Count: > 0 and <= MaxColumns } array)
            return null;
        var names = new List<string>();
        foreach (var item in array)
        {
            if (item is not JsonValue v || v.GetValueKind() != JsonValueKind.String || v.GetValue<string>().Length == 0)
                return null;
            names.Add(v.GetValue<string>());
        }
        return names.Distinct(StringComparer.Ordinal).Count() == names.Count ? names : null;
    }
}
