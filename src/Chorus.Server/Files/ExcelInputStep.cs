using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;

namespace Chorus.Server.Files;

/// <summary>The <c>excelInput</c> step: reads a CSV file or a sheet of an XLSX workbook, from the tenant's file store or
/// a URL, into records named by the header row (or by <c>columns</c>), with typed values. Output
/// <c>{records, count, columns}</c>. A file that cannot be read fails without retries: it would fail again.</summary>
internal sealed class ExcelInputStep(TenantFiles files) : IStepHandler
{
    public const string StepType = "excelInput";
    public const string TooManyRows = "too_many_rows";

    public string Type => StepType;

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) => ExcelInputConfig.Validate(step.Config);

    public StepDescription Describe() => FileStepDescriptions.ExcelInput;

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var config = ExcelInputConfig.Read(context.Config);
        try
        {
            var file = await FileStepSource.ReadAsync(context, files, cancellationToken).ConfigureAwait(false);
            var format = config.Format ?? FormatOf(file);
            // The header, the rows a step may take, and one more to tell that there are too many.
            var limit = config.MaxRows + (config.Header ? 1 : 0) + 1;
            var rows = format == "csv" ? TableReaders.Csv(file.Content, config.Delimiter, limit) : TableReaders.Xlsx(file.Content, config.Sheet, limit);
            var table = Tables.Build(rows, config);
            if (table.Records.Count > config.MaxRows)
                return new StepResult.Failed(TooManyRows, $"{file.Name} has more than {config.MaxRows} rows (config.max_rows).", Retryable: false);
            context.Log("info", $"Read {table.Records.Count} records from {file.Name} ({format})");
            return StepResult.Done(new JsonObject
            {
                ["records"] = new JsonArray([.. table.Records]),
                ["count"] = table.Records.Count,
                ["columns"] = new JsonArray([.. table.Columns.Select(c => JsonValue.Create(c))]),
            });
        }
        catch (FileStepException ex)
        {
            return ex.ToResult();
        }
    }

    /// <summary>The format the file's type names, else its name's extension.</summary>
    private static string FormatOf(SourceFile file) => file.ContentType switch
    {
        FileContentTypes.Csv or FileContentTypes.Text => "csv",
        FileContentTypes.Xlsx => "xlsx",
        _ => Path.GetExtension(file.Name).ToLowerInvariant() switch
        {
            ".csv" or ".txt" => "csv",
            ".xlsx" => "xlsx",
            _ => throw new FileStepException(FileStepSource.FileUnreadable,
                $"{file.Name} ({file.ContentType ?? "no type"}) is neither CSV nor XLSX; set config.format if it is one of them."),
        },
    };
}

/// <summary>Rows of cells to records: the header names the fields (empty headers become column_N, repeated ones get
/// _2, _3 ...), <c>columns</c> picks and renames them, and missing cells are null.</summary>
internal static class Tables
{
    public sealed record Table(List<string> Columns, List<JsonObject> Records);

    public static Table Build(List<object?[]> rows, ExcelInputConfig config)
    {
        var names = new List<string>();
        var data = rows;
        if (config.Header && rows.Count > 0)
        {
            foreach (var (cell, i) in rows[0].Select((c, i) => (c, i)))
                names.Add(Unique(names, CellValues.HeaderText(cell) is { Length: > 0 } h ? h : $"column_{i + 1}"));
            data = rows[1..];
        }
        var width = data.Count == 0 ? names.Count : Math.Max(names.Count, data.Max(r => r.Length));
        for (var i = names.Count; i < width; i++)
            names.Add(Unique(names, $"column_{i + 1}"));
        var picked = Pick(names, config.Columns);
        var records = data.Select(row =>
        {
            var record = new JsonObject();
            foreach (var (index, field) in picked)
                record[field] = index < row.Length ? CellValues.FromCell(row[index], config.InferTypes) : null;
            return record;
        }).ToList();
        return new Table([.. picked.Select(p => p.Field)], records);
    }

    private static List<(int Index, string Field)> Pick(List<string> names, IReadOnlyList<KeyValuePair<string, string>>? columns)
    {
        if (columns is null)
            return [.. names.Select((n, i) => (i, n))];
        var picked = new List<(int, string)>();
        foreach (var (column, field) in columns)
        {
            var index = names.IndexOf(column);
            if (index < 0)
                throw new StepConfigurationException(
                    $"config.columns names the column '{column}', which the file does not have; its columns are {string.Join(", ", names.Take(50).Select(n => $"'{n}'"))}.");
            picked.Add((index, field));
        }
        return picked;
    }

    private static string Unique(List<string> taken, string name)
    {
        var candidate = name;
        for (var n = 2; taken.Contains(candidate); n++)
            candidate = $"{name}_{n}";
        return candidate;
    }
}
