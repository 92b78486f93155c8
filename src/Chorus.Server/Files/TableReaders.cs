using System.IO.Compression;
using Chorus.Engine.Steps;
using CsvHelper;
using ExcelDataReader;

namespace Chorus.Server.Files;

/// <summary>Reads the rows of a CSV text or of one sheet of an XLSX workbook as raw cells, skipping empty rows, and
/// stops at <c>limit</c> rows: one more than a step may take is enough to know the file has too many.</summary>
internal static class TableReaders
{
    /// <summary>What a workbook may unpack to: its parts are compressed, and a few megabytes can hold gigabytes of
    /// zeros (a zip bomb).</summary>
    private const long MaxUnpackedBytes = 512L * 1024 * 1024;

    // ExcelDataReader's configuration asks for code page 1252 even for XLSX, which .NET has only once the code-page
    // encodings (part of the runtime) are registered: without this, reading worked only where another library had.
    static TableReaders() => System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

    public static List<object?[]> Csv(byte[] content, char delimiter, int limit)
    {
        if (!FileContentTypes.IsText(content))
            throw new FileStepException(FileStepSource.FileUnreadable, "The CSV file is not text in UTF-8.");
        var options = new CsvReaderOptions
        {
            Separator = delimiter, HasHeader = false, MalformedData = CsvMalformedDataHandling.Throw, SkipEmptyLines = true,
            TrackLineNumbers = true, IncludeValuesInExceptions = false,
        };
        var rows = new List<object?[]>();
        try
        {
            using var reader = CsvReader.Create(content, options);
            while (rows.Count < limit && reader.Read())
            {
                var record = new object?[reader.FieldCount];
                for (var i = 0; i < record.Length; i++)
                    record[i] = reader.GetString(i);
                if (record.Any(cell => cell is string { Length: > 0 }))
                    rows.Add(record);
            }
        }
        catch (CsvFormatException ex)
        {
            throw new FileStepException(FileStepSource.FileUnreadable,
                $"The CSV file is malformed{(ex.LineNumber > 0 ? $" at line {ex.LineNumber}" : "")}: {ex.Message.Split('\n')[0].Trim()}");
        }
        return rows;
    }

    public static List<object?[]> Xlsx(byte[] content, string? sheet, int limit)
    {
        CheckUnpackedSize(content);
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            using var reader = ExcelReaderFactory.CreateOpenXmlReader(stream);
            var names = new List<string>();
            do
            {
                if (sheet is null || reader.Name == sheet)
                    return Rows(reader, limit);
                names.Add(reader.Name);
            }
            while (reader.NextResult());
            throw new StepConfigurationException($"The workbook has no sheet '{sheet}'; its sheets are {string.Join(", ", names.Select(n => $"'{n}'"))}.");
        }
        catch (Exception ex) when (ex is not (FileStepException or StepConfigurationException or OperationCanceledException))
        {
            // ExcelDataReader reports a damaged workbook with many exception types (its own, XML's, ZIP's).
            throw new FileStepException(FileStepSource.FileUnreadable, $"The file is not a readable XLSX workbook ({ex.GetType().Name}).");
        }
    }

    private static List<object?[]> Rows(IExcelDataReader reader, int limit)
    {
        var rows = new List<object?[]>();
        while (rows.Count < limit && reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.GetValue(i);
            if (row.Any(cell => cell is not (null or DBNull) && !(cell is string s && s.Length == 0)))
                rows.Add(row);
        }
        return rows;
    }

    private static void CheckUnpackedSize(byte[] content)
    {
        long unpacked;
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
            unpacked = zip.Entries.Sum(e => e.Length);
        }
        catch (InvalidDataException)
        {
            throw new FileStepException(FileStepSource.FileUnreadable, "The file is not a readable XLSX workbook (not a ZIP archive).");
        }
        if (unpacked > MaxUnpackedBytes)
            throw new FileStepException(FileStepSource.FileTooLarge, $"The workbook unpacks to {unpacked} bytes; at most {MaxUnpackedBytes} are read.");
    }
}
