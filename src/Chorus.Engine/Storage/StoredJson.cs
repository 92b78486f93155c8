using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Storage;

/// <summary>How the stores read back the JSON they saved. The engine refuses values deeper than JSON_MAX_DEPTH
/// (at most 256), and the rows wrap them a few levels more (context, step output, error details); reading with
/// twice the highest configurable depth means whatever was written can be read, so no row can poison the
/// execution's GET, the execution list or the work item that reads it.</summary>
public static class StoredJson
{
    public const int MaxReadDepth = 512;

    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxReadDepth };

    public static JsonNode? Parse(string json) => JsonNode.Parse(json, documentOptions: DocumentOptions);
}
