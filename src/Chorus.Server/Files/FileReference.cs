using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Server.Files;

/// <summary>What the context holds for a file in place of its content: <c>{"$file": {"id", "name", "size",
/// "content_type"}}</c>. A step output kept as a file (payload offload) is one; file-taking steps accept one where they
/// take a file id.</summary>
internal static class FileReference
{
    public const string Key = "$file";

    public static JsonObject Of(FileRecord file) => new()
    {
        [Key] = new JsonObject
        {
            ["id"] = file.Id.ToString(),
            ["name"] = file.Name,
            ["size"] = file.Size,
            ["content_type"] = file.ContentType,
        },
    };

    /// <summary>The id a value names: a file id as text, or a reference object.</summary>
    public static Guid? IdOf(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var text) => Guid.TryParse(text.Trim(), out var id) ? id : null,
        JsonObject o when o[Key] is JsonObject reference => IdOf(reference["id"]),
        _ => null,
    };

    /// <summary>Whether a value is a reference object (however wrong its id).</summary>
    public static bool IsReference(JsonNode? node) => node is JsonObject o && o.ContainsKey(Key);
}
