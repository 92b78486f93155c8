using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Server.Files;

/// <summary>The file steps as an editor offers them (GET /api/available-steps). The schemas stay loose where a value
/// may be a "{{ }}" placeholder; the steps' own checks at save stay the authority.</summary>
internal static class FileStepDescriptions
{
    private const string Source = """
        "file_id": {"description": "A file of the tenant's file store: its id, a {\"$file\": {\"id\": ...}} reference, or a placeholder that gives one.", "type": ["string", "object"]},
        "url": {"type": "string", "description": "An http or https URL, fetched under the outbound HTTP policy."}
        """;

    private const string Written = """
        {"type": "object", "required": ["file_id", "name", "size", "content_type", "rows"], "properties": {
          "file_id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "size": {"type": "integer"},
          "content_type": {"type": "string"}, "rows": {"type": "integer"}}}
        """;

    private const string Records = """
        "records": {"description": "A list of objects, or a placeholder that gives one (or a $file reference to a JSON file holding one, or an object with records)."},
        "name": {"type": "string", "maxLength": 255, "description": "The new file's name; {{ }} placeholders are filled in."},
        "columns": {"type": "array", "items": {"type": "string"}, "minItems": 1, "description": "The fields to write, in this order; default: every field, in the order they first appear."}
        """;

    public static StepDescription ExcelInput { get; } = Describe(ExcelInputStep.StepType, "data",
        "Reads a CSV file or a sheet of an XLSX workbook (from the file store or a URL) into records named by the header row, with typed values. Output {records, count, columns}.",
        $$$"""
        {"type": "object", "properties": {
          {{{Source}}},
          "format": {"enum": ["csv", "xlsx"], "description": "Default: what the file's type or name says."},
          "sheet": {"type": "string", "description": "The workbook's sheet to read; default the first."},
          "delimiter": {"type": "string", "minLength": 1, "maxLength": 1, "default": ","},
          "header": {"type": "boolean", "default": true, "description": "The first row names the columns; false names them column_1, column_2 ..."},
          "columns": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Column name to field name; only these columns are read."},
          "infer_types": {"type": "boolean", "default": true},
          "max_rows": {"type": "integer", "minimum": 1, "maximum": {{{ExcelInputConfig.MaxMaxRows}}}, "default": {{{ExcelInputConfig.DefaultMaxRows}}} }
        }}
        """,
        """
        {"type": "object", "required": ["records", "count", "columns"], "properties": {
          "records": {"type": "array", "items": {"type": "object"}}, "count": {"type": "integer"},
          "columns": {"type": "array", "items": {"type": "string"}}}}
        """);

    public static StepDescription PdfInput { get; } = Describe(PdfInputStep.StepType, "data",
        "Extracts the text of a PDF (from the file store or a URL), page by page. Output {pages: [{number, text}], text, page_count}.",
        $$$"""
        {"type": "object", "properties": {
          {{{Source}}},
          "max_pages": {"type": "integer", "minimum": 1, "maximum": {{{PdfInputStep.MaxMaxPages}}}, "default": {{{PdfInputStep.DefaultMaxPages}}} }
        }}
        """,
        """
        {"type": "object", "required": ["pages", "text", "page_count"], "properties": {
          "pages": {"type": "array", "items": {"type": "object", "properties": {"number": {"type": "integer"}, "text": {"type": "string"}}}},
          "text": {"type": "string"}, "page_count": {"type": "integer"}}}
        """);

    public static StepDescription CsvOutput { get; } = Describe(RecordsOutputStep.CsvType, "data",
        "Writes records to a new CSV file in the tenant's file store. Output {file_id, name, size, content_type, rows}.",
        $$$"""
        {"type": "object", "required": ["records"], "properties": {
          {{{Records}}},
          "delimiter": {"type": "string", "minLength": 1, "maxLength": 1, "default": ","},
          "header": {"type": "boolean", "default": true}
        }}
        """, Written);

    public static StepDescription XlsxOutput { get; } = Describe(RecordsOutputStep.XlsxType, "data",
        "Writes records to a new XLSX workbook (one sheet, a header row) in the tenant's file store. Output {file_id, name, size, content_type, rows}.",
        $$$"""
        {"type": "object", "required": ["records"], "properties": {
          {{{Records}}},
          "sheet": {"type": "string", "minLength": 1, "maxLength": 31, "default": "Sheet1"}
        }}
        """, Written);

    private static StepDescription Describe(string name, string category, string description, string config, string output) => new()
    {
        Name = name,
        Category = category,
        Description = description,
        ConfigSchema = JsonNode.Parse(config)!.AsObject(),
        OutputSchema = JsonNode.Parse(output)!.AsObject(),
        Source = "built_in",
    };
}
