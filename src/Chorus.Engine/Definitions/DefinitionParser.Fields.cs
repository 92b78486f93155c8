using System.Text.Json.Nodes;

namespace Chorus.Engine.Definitions;

/// <summary>What a definition may contain: a field the engine does not know is refused, so that a typo such as
/// <c>"nxt"</c> is an error at save time instead of a step that silently goes nowhere; and no string may hold
/// a NUL character, which PostgreSQL's jsonb cannot store (SQLite can), so both stores refuse the same.</summary>
internal static partial class DefinitionParser
{
    // Fields of the editor and of the server's own representation (a GET answer sent back with PUT) are
    // accepted and kept as they are: the engine ignores them.
    private static readonly HashSet<string> EditorFields = ["position", "ui", "metadata", "tags", "layout", "notes"];

    private static readonly HashSet<string> WorkflowFields =
    [
        "name", "description", "version", "status", "input_schema", "start_at", "timeout", "max_concurrent_executions", "search_attributes",
        "steps", "tests",
        "id", "current_version", "created_at", "updated_at", .. EditorFields,
    ];

    private static readonly HashSet<string> StepFields =
    [
        "id", "name", "description", "type", "config", "next", "next_steps", "conditions", "retry", "timeout", "on_error",
        .. EditorFields,
    ];

    private static readonly HashSet<string> RetryFields = ["max_attempts", "initial_interval", "backoff_coefficient", "max_interval", "jitter"];

    private static void RefuseUnknownFields(JsonObject obj, IReadOnlySet<string> known, Location at, List<DefinitionError> errors)
    {
        foreach (var (key, _) in obj)
        {
            if (!known.Contains(key))
                errors.Add(at.Error(key, $"Unknown field '{NulCharacters.Printable(key)}'; the known fields here are {string.Join(", ", known.Order(StringComparer.Ordinal))}."));
        }
    }

    /// <summary>Reports the first NUL character in any string or property name of the definition, with its path.</summary>
    private static void RefuseNulCharacters(JsonNode root, List<DefinitionError> errors)
    {
        if (NulCharacters.FirstPath(root) is { } path)
            errors.Add(new DefinitionError(null, path, $"'{path}' contains a NUL character (\\u0000), which cannot be stored."));
    }
}
