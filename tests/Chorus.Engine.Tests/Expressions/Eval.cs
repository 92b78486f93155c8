using System.Text.Json.Nodes;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Tests.Expressions;

/// <summary>Shared helpers: evaluate against a JSON context and compare results as compact JSON.</summary>
internal static class Eval
{
    public const string Context = """
        {
          "input": { "name": "Ada", "age": 36, "price": 2.5, "tags": ["a", "b", "c"], "empty": [], "nested": { "deep": { "value": 7 } } },
          "variables": { "email": "ada@example.com", "count": 0, "flag": true, "key with space": "spaced" },
          "enrich_data": { "success": true }
        }
        """;

    public static JsonNode? Run(string text, string context = Context) =>
        Expression.Parse(text).Evaluate(JsonNode.Parse(context));

    public static string Json(string text, string context = Context) => Run(text, context)?.ToJsonString() ?? "null";

    public static ExpressionException ParseError(string text) => Assert.Throws<ExpressionException>(() => Expression.Parse(text));

    public static ExpressionException RunError(string text, string context = Context) =>
        Assert.Throws<ExpressionException>(() => Run(text, context));
}
