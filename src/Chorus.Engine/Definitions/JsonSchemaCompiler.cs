using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Chorus.Engine.Definitions;

/// <summary>A schema built by JsonSchema.Net, or why it could not be. <paramref name="Document"/> is the JSON the
/// schema was built from (draft-4 bounds rewritten), for reading keyword values into messages.</summary>
internal sealed record CompiledSchema(JsonSchema? Schema, JsonObject Document, string? Problem);

/// <summary>Builds author schemas with JsonSchema.Net (draft 2020-12 by default, or the draft named by
/// <c>$schema</c>): references resolve only inside the schema, never over the network nor across tenants, and
/// patterns are time-boxed.</summary>
internal static class JsonSchemaCompiler
{
    public static readonly Uri BaseUri = new("urn:chorus:schema");

    // Saved definitions are compiled once into an immutable graph, so their schema objects live long: building
    // once per object keeps starting an execution cheap.
    private static readonly ConditionalWeakTable<JsonObject, CompiledSchema> Cache = new();

    private static readonly IKeywordHandler[] TimeBoxed = [new TimeBoxedPatternKeyword(), new TimeBoxedPatternPropertiesKeyword()];

    // The official dialects cannot be replaced in a registry, so each gets a time-boxed copy under our own id,
    // and a schema's root $schema naming an official draft is pointed at that copy before building.
    private static readonly Dictionary<string, Dialect> Dialects = new[]
    {
        Dialect.Draft06, Dialect.Draft07, Dialect.Draft201909, Dialect.Draft202012,
    }.ToDictionary(d => Normalize(d.Id!.OriginalString), TimeBox, StringComparer.Ordinal);

    private static readonly Dialect Default = Dialects[Normalize(Dialect.Draft202012.Id!.OriginalString)];

    private static readonly EvaluationOptions Evaluation = new()
    {
        OutputFormat = OutputFormat.Hierarchical,
        RequireFormatValidation = true,
    };

    public static CompiledSchema Compile(JsonObject schema) => Cache.GetValue(schema, Build);

    public static EvaluationResults Evaluate(JsonSchema schema, JsonNode? instance) =>
        schema.Evaluate(JsonSerializer.SerializeToElement(instance), Evaluation);

    private static CompiledSchema Build(JsonObject schema)
    {
        var document = (JsonObject)DraftFourBounds.Rewrite(schema);
        if (document["$schema"] is JsonValue named && named.TryGetValue<string>(out var uri)
            && Dialects.TryGetValue(Normalize(uri), out var declared))
            document["$schema"] = declared.Id!.OriginalString;
        // A registry per schema: an $id in one tenant's schema must never be reachable from another's, and
        // Fetch stays null so a remote $ref is refused instead of downloaded.
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Default };
        foreach (var dialect in Dialects.Values)
            options.DialectRegistry.Register(dialect);
        if (SchemaReferences.FindUnresolved(document, BaseUri) is { } unresolved)
            return new CompiledSchema(null, document, Unresolvable(unresolved));
        try
        {
            return new CompiledSchema(JsonSchema.Build(JsonSerializer.SerializeToElement(document), options, BaseUri), document, null);
        }
        catch (RefResolutionException e)
        {
            return new CompiledSchema(null, document, Unresolvable(e.Message));
        }
        catch (Exception e) when (e is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            return new CompiledSchema(null, document, $"is not a valid JSON Schema: {e.Message}");
        }
    }

    public static string Unresolvable(string reference) =>
        $"has a $ref that cannot be resolved ('{reference}'): only references inside the schema ($defs, anchors, its own $id) are allowed, remote schemas are not fetched";

    private static Dialect TimeBox(Dialect official) =>
        official.With(TimeBoxed, new Uri("urn:chorus:dialect:" + Normalize(official.Id!.OriginalString).Split('/')[^2]));

    private static string Normalize(string uri) => uri.TrimEnd('#');
}
