namespace Chorus.Engine.Expressions;

/// <summary>Primaries (literals, paths, calls, arrays, parentheses) and the postfix '.name' and '[index]'.</summary>
internal sealed partial class Parser
{
    private Node ParsePostfix()
    {
        var node = ParsePrimary();
        while (true)
        {
            if (Match(TokenKind.Dot))
            {
                // Any identifier is a member name here, keywords included: $.null and $.in are ordinary keys.
                var name = Expect(TokenKind.Identifier, "a property name after '.'");
                node = Checked(new MemberNode(node.Start, name.End, node, name.Text!));
            }
            else if (Current.Kind == TokenKind.LBracket)
            {
                Advance();
                var index = ParseExpression();
                var close = Expect(TokenKind.RBracket, "']'");
                node = Checked(new IndexNode(node.Start, close.End, node, index));
            }
            else
            {
                return node;
            }
        }
    }

    private Node ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Advance();
                return new NumberNode(token.Start, token.End, token.Number);
            case TokenKind.String:
                Advance();
                return new StringNode(token.Start, token.End, token.Text!);
            case TokenKind.Dollar:
                Advance();
                return new RootNode(token.Start, token.End);
            case TokenKind.LParen:
                Advance();
                var inner = ParseExpression();
                Expect(TokenKind.RParen, "')'");
                return inner;
            case TokenKind.LBracket:
                return ParseArray();
            case TokenKind.Identifier:
                return ParseIdentifier();
            default:
                throw Expected("an expression");
        }
    }

    private Node ParseIdentifier()
    {
        var token = Advance();
        switch (token.Text)
        {
            case "true": return new BoolNode(token.Start, token.End, true);
            case "false": return new BoolNode(token.Start, token.End, false);
            case "null": return new NullNode(token.Start, token.End);
            case "in": throw Error("Expected an expression", token.Start);
        }

        if (Current.Kind != TokenKind.LParen)
        {
            // A bare name reads from the root, so templates can write {{variables.email}}.
            var root = new RootNode(token.Start, token.Start);
            return new MemberNode(token.Start, token.End, root, token.Text!);
        }

        var function = Functions.Find(token.Text!)
                       ?? throw Error($"Unknown function '{token.Text}'", token.Start);
        Advance();
        var args = ParseList(TokenKind.RParen, "')'", out var close);
        if (args.Count < function.MinArgs || args.Count > function.MaxArgs)
            throw Error($"Function '{function.Name}' expects {function.Arity} but got {args.Count}", token.Start);
        return new CallNode(token.Start, close.End, function, args) { Prepared = Prepare(function, args) };
    }

    private Node ParseArray()
    {
        var open = Advance();
        var items = ParseList(TokenKind.RBracket, "']'", out var close);
        EvalContext.CheckCount(items.Count, open.Start);
        return new ArrayNode(open.Start, close.End, items);
    }

    private List<Node> ParseList(TokenKind closeKind, string closeText, out Token close)
    {
        var items = new List<Node>();
        if (Current.Kind != closeKind)
        {
            do items.Add(ParseExpression());
            while (Match(TokenKind.Comma));
        }

        close = Current.Kind == closeKind ? Advance() : throw Expected($"',' or {closeText}");
        return items;
    }

    /// <summary>A literal regex is compiled (and rejected if invalid) while parsing rather than per evaluation.</summary>
    private static object? Prepare(FunctionDef function, List<Node> args)
    {
        if (function.Name != "matches" || args[1] is not StringNode pattern) return null;
        var problem = SafeRegex.Validate(pattern.Value);
        return problem is null
            ? SafeRegex.Get(pattern.Value)
            : throw Error($"Invalid regular expression ({problem})", pattern.Start);
    }
}
