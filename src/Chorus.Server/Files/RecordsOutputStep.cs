using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;
using CsvHelper;
using MiniExcelLibs;

namespace Chorus.Server.Files;

/// <summary>The <c>csvOutput</c> and <c>xlsxOutput</c> steps: write records to a new file of the tenant's file store,
/// linked to the execution (it goes when the execution goes). Output <c>{file_id, name, size, content_type, rows}</c>.
/// Values are written as they are: text as text, numbers and booleans as such, null as an empty cell, objects and
/// lists as their JSON.</summary>
internal sealed class RecordsOutputStep(TenantFiles files, bool xlsx) : IStepHandler
{
    public const string CsvType = "csvOutput";
    public const string XlsxType = "xlsxOutput";

    public string Type => xlsx ? XlsxType : CsvType;

    private string Extension => xlsx ? ".xlsx" : ".csv";

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) =>
        RecordsOutputConfig.Validate(step.Config, Type, xlsx ? RecordsOutputConfig.XlsxFields : RecordsOutputConfig.CsvFields);

    public StepDescription Describe() => xlsx ? FileStepDescriptions.XlsxOutput : FileStepDescriptions.CsvOutput;

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var config = RecordsOutputConfig.Read(context.Config, Extension);
        try
        {
            var records = await RecordsAsync(context, cancellationToken).ConfigureAwait(false);
            var columns = config.Columns ?? Columns(records);
            var bytes = xlsx ? Xlsx(records, columns, config.Sheet) : Csv(records, columns, config);
            if (bytes.LongLength > files.Settings.MaxBytes)
                return new StepResult.Failed(FileStepSource.FileTooLarge,
                    $"The {Extension[1..]} file would have {bytes.LongLength} bytes; a file has at most {files.Settings.MaxBytes} (FILES_MAX_BYTES).", Retryable: false);
            var type = xlsx ? FileContentTypes.Xlsx : FileContentTypes.Csv;
            var file = await files.SaveAsync(new NewFile
            {
                Tenant = context.Tenant, Name = config.Name, ContentType = type, Content = bytes, CreatedBy = TenantFiles.ExecutionAuthor,
                ExecutionId = context.ExecutionId, StepId = context.Step.Id,
            }, cancellationToken).ConfigureAwait(false);
            context.Log("info", $"Wrote {records.Count} records to {file.Name} ({file.Size} bytes, file {file.Id})");
            return StepResult.Done(new JsonObject
            {
                ["file_id"] = file.Id.ToString(), ["name"] = file.Name, ["size"] = file.Size, ["content_type"] = type, ["rows"] = records.Count,
            });
        }
        catch (FileStepException ex)
        {
            return ex.ToResult();
        }
    }

    /// <summary>The records: a list, or an object whose <c>records</c> is one (an excelInput output), given as it is or
    /// as a $file reference to a JSON file holding it (as an offloaded output leaves).</summary>
    private async Task<List<JsonObject>> RecordsAsync(StepExecutionContext context, CancellationToken ct)
    {
        var node = context.Config["records"];
        if (FileReference.IsReference(node))
        {
            var id = FileReference.IdOf(node) ?? throw new StepConfigurationException("config.records is a $file reference without a file id.");
            StoredFile file;
            try
            {
                file = await files.ReadAsync(context.Tenant, id, ct).ConfigureAwait(false);
            }
            catch (Engine.ChorusException ex) when (ex.Code == Engine.ErrorCodes.NotFound)
            {
                throw new FileStepException(FileStepSource.FileNotFound, $"File {id} does not exist in this tenant's file store.");
            }
            node = file.Record.ContentType == FileContentTypes.Json ? Parse(file.Content)
                : throw new StepConfigurationException($"config.records refers to file {id}, which is {file.Record.ContentType}, not JSON.");
        }
        if (node is JsonObject wrapper && wrapper["records"] is JsonArray inner)
            node = inner;
        if (node is not JsonArray list)
            throw new StepConfigurationException($"config.records must give a list of objects; it gave {Kind(node)}.");
        if (list.Count > RecordsOutputConfig.MaxRecords)
            throw new StepConfigurationException($"config.records has {list.Count} records; at most {RecordsOutputConfig.MaxRecords} are written.");
        var records = new List<JsonObject>(list.Count);
        foreach (var (item, i) in list.Select((r, i) => (r, i)))
            records.Add(item as JsonObject ?? throw new StepConfigurationException($"Record {i} of config.records is {Kind(item)}, not an object."));
        return records;
    }

    /// <summary>Every field, in the order fields first appear.</summary>
    private static List<string> Columns(List<JsonObject> records)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var columns = new List<string>();
        foreach (var record in records)
            foreach (var (name, _) in record)
                if (seen.Add(name))
                {
                    if (columns.Count == RecordsOutputConfig.MaxColumns)
                        throw new StepConfigurationException($"The records have more than {RecordsOutputConfig.MaxColumns} fields; name the ones to write in config.columns.");
                    columns.Add(name);
                }
        return columns;
    }

    private static byte[] Csv(List<JsonObject> records, IReadOnlyList<string> columns, RecordsOutputConfig config)
    {
        using var stream = new MemoryStream();
        var options = new CsvWriterOptions { Separator = config.Delimiter, NewLine = "\n", Injection = CsvInjection.None };
        using (var csv = CsvWriter.Create(stream, options, leaveOpen: true))
        {
            if (config.Header)
                csv.WriteRecord([.. columns]);
            foreach (var record in records)
                csv.WriteRecord([.. columns.Select(c => CellText(record[c]))]);
        }
        return stream.ToArray();
    }

    private static byte[] Xlsx(List<JsonObject> records, IReadOnlyList<string> columns, string sheet)
    {
        var rows = records.Select(record =>
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var column in columns)
                row[column] = CellValue(record[column]);
            return row;
        }).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(rows, sheetName: sheet, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    private static string CellText(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
        _ => value.ToJsonString(),
    };

    private static object? CellValue(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.TryGetValue<long>(out var l) ? l : v.TryGetValue<decimal>(out var m) ? m : v.GetValue<double>(),
        _ => value.ToJsonString(),
    };

    private static JsonNode? Parse(byte[] content)
    {
        try
        {
            return JsonNode.Parse(content, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            throw new FileStepException(FileStepSource.FileUnreadable, "The records file is not valid JSON.");
        }
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        _ => node.GetValueKind() == JsonValueKind.String ? "text" : node.GetValueKind().ToString().ToLowerInvariant(),
    };
}
