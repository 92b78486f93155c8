using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Expressions;

/// <summary>One string of a step's config, split into literal text and placeholders. Compiled once per distinct
/// string; a string with a syntax error compiles to its errors, which Render throws and Validate reports.</summary>
internal sealed class Template
{
    private readonly string _source;
    private readonly IReadOnlyList<(string? Text, Expression? Expression, int Position)> _parts;

    private Template(string source, IReadOnlyList<(string?, Expression?, int)> parts, IReadOnlyList<ExpressionException> errors)
    {
        _source = source;
        _parts = parts;
        Errors = errors;
        var placeholders = parts.Where(p => p.Item2 is not null).ToList();
        if (placeholders.Count == 1 && parts.All(p => p.Item2 is not null || string.IsNullOrWhiteSpace(p.Item1)))
            _single = (placeholders[0].Item2!, placeholders[0].Item3);
    }

    // Set when the string is one placeholder give or take whitespace: it then yields the value itself, typed.
    private readonly (Expression Expression, int Position)? _single;

    public IReadOnlyList<ExpressionException> Errors { get; }

    public static Template Compile(string source)
    {
        var parts = new List<(string?, Expression?, int)>();
        var errors = new List<ExpressionException>();
        var i = 0;
        while (i < source.Length)
        {
            var open = source.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0) break;
            if (open > i) parts.Add((source[i..open], null, i));
            var close = FindClose(source, open + 2);
            if (close < 0)
            {
                errors.Add(new ExpressionException($"Unterminated '{{{{' at position {open}", open));
                i = source.Length;
                break;
            }

            try
            {
                parts.Add((null, Expression.Parse(source, open + 2, close), open));
            }
            catch (ExpressionException e)
            {
                errors.Add(e);
            }

            i = close + 2;
        }

        if (i < source.Length) parts.Add((source[i..], null, i));
        return new Template(source, parts, errors);
    }

    /// <summary>The first "}}" outside a quoted string, so '{{ "a}}b" }}' works.</summary>
    private static int FindClose(string source, int from)
    {
        for (var j = from; j < source.Length; j++)
        {
            var c = source[j];
            if (c is '\'' or '"')
            {
                for (j++; j < source.Length && source[j] != c; j++)
                    if (source[j] == '\\') j++;
                continue;
            }

            if (c == '}' && j + 1 < source.Length && source[j + 1] == '}') return j;
        }

        return -1;
    }

    public JsonNode? Render(JsonNode? context, TimeProvider time)
    {
        if (Errors.Count > 0) throw Errors[0];

        if (_single is var (single, at)) return Evaluate(single, at, context, time);

        const int limit = EvalContext.MaxStringLength;
        var text = new StringBuilder();
        foreach (var (literal, expression, position) in _parts)
        {
            var value = literal is null ? Evaluate(expression!, position, context, time) : null;
            // An object or array is measured before it is written out, so a large one is never turned into text.
            if (value is JsonObject or JsonArray && JsonBudget.Of(value, limit - text.Length, StoredJson.MaxReadDepth) is { Fits: false })
                throw TooLong(position);
            text.Append(literal ?? JsonValues.Stringify(value));
            if (text.Length > limit)
                throw TooLong(position);
        }

        return JsonValue.Create(text.ToString());
    }

    private static Exception TooLong(int position) => new ExpressionException($"Rendered text is longer than {EvalContext.MaxStringLength} characters", position);

    private static JsonNode? Evaluate(Expression expression, int position, JsonNode? context, TimeProvider time)
    {
        try
        {
            return expression.Evaluate(context, time);
        }
        catch (ExpressionException e)
        {
            throw new ExpressionException($"Placeholder '{{{{{expression.Text}}}}}' at position {position} failed: {e.Message}", e.Position);
        }
    }

    public override string ToString() => _source;
}
