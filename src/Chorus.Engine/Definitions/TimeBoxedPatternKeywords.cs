using System.Text.Json;
using System.Text.RegularExpressions;
using Chorus.Engine.Expressions;
using Json.Schema;
using Json.Schema.Keywords;

namespace Chorus.Engine.Definitions;

// JsonSchema.Net compiles `pattern` and `patternProperties` without a match timeout, so an author's pattern such as
// "^(a+)+$" could hold a worker for ever. These keep the library's evaluation but take the regexes from SafeRegex:
// non-backtracking where possible and always time-boxed. A timeout surfaces as RegexMatchTimeoutException.

/// <summary><c>pattern</c> matched with a time-boxed regex.</summary>
internal sealed class TimeBoxedPatternKeyword : PatternKeyword
{
    public override object? ValidateKeywordValue(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
            throw new JsonSchemaException("'pattern' must be a string");
        return Compile(value.GetString()!);
    }

    internal static Regex Compile(string pattern)
    {
        try
        {
            return SafeRegex.Get(pattern);
        }
        catch (ArgumentException e)
        {
            throw new JsonSchemaException($"'{pattern}' is not a valid regular expression: {e.Message}");
        }
    }
}

/// <summary><c>patternProperties</c> matched with time-boxed regexes.</summary>
internal sealed class TimeBoxedPatternPropertiesKeyword : PatternPropertiesKeyword
{
    public override object? ValidateKeywordValue(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new JsonSchemaException("'patternProperties' must be an object of schemas");
        return value.EnumerateObject().ToDictionary(p => p.Name, p => TimeBoxedPatternKeyword.Compile(p.Name), StringComparer.Ordinal);
    }
}
