using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Definitions;

/// <summary>Reads <c>search_attributes</c>: names an execution can be listed by, each with the expression (over the
/// execution context, as in a step's config) that gives its value.</summary>
internal static partial class DefinitionParser
{
    internal const int MaxSearchAttributes = 20;
    private const int MaxSearchExpressionLength = 1000;

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex SearchAttributeName();

    private static Dictionary<string, string> ReadSearchAttributes(JsonObject root, Location at, List<DefinitionError> errors)
    {
        const string key = "search_attributes";
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root[key] is not { } node)
            return attributes;
        if (node is not JsonObject declared)
        {
            errors.Add(at.Error(key, $"'{key}' must be an object of names and expressions, not {Describe(node)}."));
            return attributes;
        }
        if (declared.Count > MaxSearchAttributes)
        {
            errors.Add(at.Error(key, $"A workflow declares at most {MaxSearchAttributes} search attributes; this one has {declared.Count}."));
            return attributes;
        }
        foreach (var (name, value) in declared)
        {
            var field = $"{key}.{NulCharacters.Printable(name)}";
            if (!SearchAttributeName().IsMatch(name))
                errors.Add(at.Error(field, "A search attribute's name is a lowercase letter, then up to 39 lowercase letters, digits or underscores."));
            else if (value?.GetValueKind() != JsonValueKind.String || value.GetValue<string>() is not { Length: > 0 and <= MaxSearchExpressionLength } text)
                errors.Add(at.Error(field, $"A search attribute's value is an expression such as \"$.input.customer_id\", at most {MaxSearchExpressionLength} characters."));
            else if (Compile(text) is { } problem)
                errors.Add(at.Error(field, $"The expression is not valid: {problem}"));
            else
                attributes[name] = text;
        }
        return attributes;
    }

    private static string? Compile(string text)
    {
        try
        {
            ExpressionCache.Get(text);
            return null;
        }
        catch (ExpressionException ex)
        {
            return ex.Message;
        }
    }
}
