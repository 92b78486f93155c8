using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine;

namespace Chorus.Server.Files;

/// <summary>The kinds of file the store takes, and the check that a file's bytes are what its type claims: a file
/// that says it is a PDF and is not would otherwise reach a step, or a person's browser, as one.</summary>
internal static class FileContentTypes
{
    public const string Csv = "text/csv";
    public const string Text = "text/plain";
    public const string Json = "application/json";
    public const string Pdf = "application/pdf";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";

    /// <summary>The code of a request whose type the store does not take (answered 415).</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".csv"] = Csv, [".txt"] = Text, [".json"] = Json, [".pdf"] = Pdf, [".xlsx"] = Xlsx, [".png"] = Png, [".jpg"] = Jpeg, [".jpeg"] = Jpeg,
    };

    public static IReadOnlyCollection<string> Allowed { get; } = [Csv, Text, Json, Pdf, Xlsx, Png, Jpeg];

    /// <summary>The type a file is stored with: the declared one without parameters (<c>; charset=utf-8</c>), or,
    /// for a declared <c>application/octet-stream</c> (what browsers send when they do not know), the type its
    /// name's extension names. Anything not on the list is refused with 415.</summary>
    public static string Resolve(string? declared, string name)
    {
        var type = declared?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        if (type is "" or "application/octet-stream" && ByExtension.TryGetValue(Path.GetExtension(name), out var byName))
            return byName;
        // Some systems name CSV after the spreadsheet program that opens it.
        if (type is "application/csv" or "application/vnd.ms-excel" && name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            return Csv;
        return Allowed.Contains(type) ? type
            : throw new ChorusException(UnsupportedMediaType,
                $"Files of type '{(type.Length == 0 ? "(none)" : Trim(type))}' are not stored; the types taken are {string.Join(", ", Allowed)}.",
                new JsonObject { ["content_type"] = Trim(type), ["allowed"] = new JsonArray([.. Allowed.Select(a => JsonValue.Create(a))]) });
    }

    /// <summary>Refuses (400) bytes that are not what <paramref name="type"/> says: the magic numbers of PDF, XLSX (a
    /// ZIP archive), PNG and JPEG; UTF-8 without NUL characters for text; a JSON document for JSON.</summary>
    public static void Check(string type, ReadOnlySpan<byte> bytes)
    {
        var fits = type switch
        {
            Pdf => bytes.StartsWith("%PDF-"u8),
            Xlsx => bytes.StartsWith("PK\u0003\u0004"u8),
            Png => bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
            Jpeg => bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
            Json => IsText(bytes) && IsJson(bytes),
            _ => IsText(bytes),
        };
        if (!fits)
            throw new ChorusException(ErrorCodes.InvalidInput, $"The file's content is not {Describe(type)}, as its type {type} says.",
                new JsonObject { ["reason"] = "content_mismatch", ["content_type"] = type });
    }

    /// <summary>Whether the bytes are UTF-8 (a byte order mark allowed) without NUL characters, which no text file holds.</summary>
    public static bool IsText(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes) && !bytes.Contains((byte)0);

    private static bool IsJson(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
            }
            return reader.BytesConsumed > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Describe(string type) => type switch
    {
        Pdf => "a PDF document",
        Xlsx => "an XLSX workbook",
        Png => "a PNG image",
        Jpeg => "a JPEG image",
        Json => "a JSON document in UTF-8",
        _ => "text in UTF-8",
    };

    private static string Trim(string text) => text.Length > 100 ? text[..100] + "..." : text;
}
