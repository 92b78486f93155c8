using System.Text;
using MiniExcelLibs;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Chorus.Server.Tests.Files;

/// <summary>Real files of each type the store takes, made here: PDFs by PdfPig's writer, workbooks by MiniExcel.</summary>
internal static class SampleFiles
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static byte[] Csv(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A PDF with one page per text, each text on one line.</summary>
    public static byte[] Pdf(params string[] pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var text in pages)
            builder.AddPage(PageSize.A4).AddText(text, 12, new PdfPoint(40, 780), font);
        return builder.Build();
    }

    /// <summary>A workbook whose sheets hold these rows (the first row's keys are the header).</summary>
    public static byte[] Workbook(params (string Sheet, IEnumerable<Dictionary<string, object?>> Rows)[] sheets)
    {
        using var stream = new MemoryStream();
        var data = new Dictionary<string, object>();
        foreach (var (sheet, rows) in sheets)
            data[sheet] = rows.ToList();
        stream.SaveAs(data, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    public static byte[] Xlsx(IEnumerable<Dictionary<string, object?>> rows) => Workbook(("Sheet1", rows));

    /// <summary>A 1x1 PNG (signature, IHDR, IDAT, IEND).</summary>
    public static byte[] Png() => Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>The start of a JPEG: SOI and an APP0 marker are what the store checks.</summary>
    public static byte[] Jpeg() => [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9];
}
