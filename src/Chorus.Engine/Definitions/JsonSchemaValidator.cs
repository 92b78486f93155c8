using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Engine.Expressions;
using Json.Schema;

namespace Chorus.Engine.Definitions;

/// <summary>JSON Schema validation of execution input and manual input, by JsonSchema.Net (draft 2020-12 with
/// <c>format</c> asserted), reported as errors at JSON paths in Chorus's own wording.</summary>
internal static class JsonSchemaValidator
{
    /// <summary>Every violation of <paramref name="schema"/> by <paramref name="instance"/>; empty when valid.</summary>
    public static IReadOnlyList<SchemaError> Validate(JsonObject schema, JsonNode? instance)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var compiled = JsonSchemaCompiler.Compile(schema);
        // Saved schemas are checked at save; one stored by an older version that no longer builds refuses input
        // rather than letting everything through.
        if (compiled.Schema is null)
            return [new SchemaError(JsonPaths.Root, $"cannot be checked: the schema {compiled.Problem}")];
        try
        {
            var results = JsonSchemaCompiler.Evaluate(compiled.Schema, instance);
            return JsonSchemaMessages.From(results, compiled.Document, instance);
        }
        catch (RegexMatchTimeoutException e)
        {
            return [new SchemaError(JsonPaths.Root, $"could not be checked against the pattern '{e.Pattern}' in time")];
        }
        catch (RefResolutionException e)
        {
            return [new SchemaError(JsonPaths.Root, "cannot be checked: the schema " + JsonSchemaCompiler.Unresolvable(e.Message))];
        }
    }

    /// <summary>Problems in the schema itself: wrong keyword shapes, bad patterns, and anything JsonSchema.Net
    /// cannot build (unknown draft, unresolvable or remote <c>$ref</c>).</summary>
    public static IReadOnlyList<SchemaError> CheckSchema(JsonObject schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        // The hand-written checks come first: they name the exact keyword path, which the library's build errors do not.
        var errors = JsonSchemaChecker.Check(schema);
        if (errors.Count > 0)
            return errors;
        return JsonSchemaCompiler.Compile(schema).Problem is { } problem ? [new SchemaError(JsonPaths.Root, problem)] : [];
    }
}

/// <summary>A violation at a JSON path such as <c>$.user.email</c>.</summary>
internal sealed record SchemaError(string Path, string Message);
