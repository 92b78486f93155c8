using System.Text.Json.Nodes;

namespace Chorus.Engine.Expressions;

/// <summary>Recursive descent, one method per precedence level, lowest first: || &amp;&amp; in ==/!= &lt;/&lt;=/&gt;/&gt;=
/// +/- */% unary postfix primary.</summary>
internal sealed partial class Parser
{
    public const int MaxLength = 4096;
    public const int MaxDepth = 64;

    // Left-associative chains are built in loops, not recursion, so "1+1+...+1" could still make a tree deeper
    // than the evaluator should recurse; this bounds it separately from the nesting limit.
    private const int MaxHeight = 512;

    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _index;
    private int _depth;

    private Parser(string text, List<Token> tokens)
    {
        _text = text;
        _tokens = tokens;
    }

    /// <summary>Parses text[start..end); node positions are offsets into the whole text.</summary>
    public static Node Parse(string text, int start, int end)
    {
        if (end - start > MaxLength)
            throw new ExpressionException($"Expression is too long ({end - start} characters, at most {MaxLength}) at position {start + MaxLength}", start + MaxLength);
        var parser = new Parser(text, Lexer.Tokenize(text, start, end));
        if (parser.Current.Kind == TokenKind.End)
            throw parser.Expected("an expression");
        var root = parser.ParseExpression();
        if (parser.Current.Kind != TokenKind.End)
            throw parser.Error($"Unexpected {parser.Current.Describe(text)}");
        return root;
    }

    private Token Current => _tokens[_index];

    private Token Advance() => _tokens[_index++];

    private bool Match(TokenKind kind)
    {
        if (Current.Kind != kind) return false;
        _index++;
        return true;
    }

    private Token Expect(TokenKind kind, string what) => Current.Kind == kind ? Advance() : throw Expected(what);

    private ExpressionException Expected(string what) => Error($"Expected {what}");

    private ExpressionException Error(string what) => Error(what, Current.Start);

    private static ExpressionException Error(string what, int position) => new($"{what} at position {position}", position);

    private Node ParseExpression()
    {
        Enter();
        var node = ParseOr();
        _depth--;
        return node;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
            throw Error($"Expression is too deeply nested (more than {MaxDepth} levels)");
    }

    private Node ParseOr()
    {
        var left = ParseAnd();
        while (Match(TokenKind.OrOr))
            left = Logical(left, ParseAnd(), isAnd: false);
        return left;
    }

    private Node ParseAnd()
    {
        var left = ParseIn();
        while (Match(TokenKind.AndAnd))
            left = Logical(left, ParseIn(), isAnd: true);
        return left;
    }

    private Node ParseIn()
    {
        var left = ParseEquality();
        while (Current.Kind == TokenKind.Identifier && Current.Text == "in")
            left = Binary(left, BinaryOp.In, ParseEquality);
        return left;
    }

    private Node ParseEquality()
    {
        var left = ParseComparison();
        while (true)
        {
            if (Current.Kind == TokenKind.EqualEqual) left = Binary(left, BinaryOp.Equal, ParseComparison);
            else if (Current.Kind == TokenKind.NotEqual) left = Binary(left, BinaryOp.NotEqual, ParseComparison);
            else return left;
        }
    }

    private Node ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            BinaryOp? op = Current.Kind switch
            {
                TokenKind.Less => BinaryOp.Less,
                TokenKind.LessEqual => BinaryOp.LessEqual,
                TokenKind.Greater => BinaryOp.Greater,
                TokenKind.GreaterEqual => BinaryOp.GreaterEqual,
                _ => null,
            };
            if (op is null) return left;
            left = Binary(left, op.Value, ParseAdditive);
        }
    }

    private Node ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (true)
        {
            if (Current.Kind == TokenKind.Plus) left = Binary(left, BinaryOp.Add, ParseMultiplicative);
            else if (Current.Kind == TokenKind.Minus) left = Binary(left, BinaryOp.Subtract, ParseMultiplicative);
            else return left;
        }
    }

    private Node ParseMultiplicative()
    {
        var left = ParseUnary();
        while (true)
        {
            BinaryOp? op = Current.Kind switch
            {
                TokenKind.Star => BinaryOp.Multiply,
                TokenKind.Slash => BinaryOp.Divide,
                TokenKind.Percent => BinaryOp.Modulo,
                _ => null,
            };
            if (op is null) return left;
            left = Binary(left, op.Value, ParseUnary);
        }
    }

    private Node ParseUnary()
    {
        var token = Current;
        if (token.Kind is not (TokenKind.Bang or TokenKind.Minus)) return ParsePostfix();
        Advance();
        Enter();
        var operand = ParseUnary();
        _depth--;
        // Fold "-5" into a literal so that negative numbers cost nothing at run time.
        if (token.Kind == TokenKind.Minus && operand is NumberNode number)
            return new NumberNode(token.Start, operand.End, -number.Value);
        return token.Kind == TokenKind.Bang
            ? Checked(new NotNode(token.Start, operand.End, operand))
            : Checked(new NegateNode(token.Start, operand.End, operand));
    }

    private Node Binary(Node left, BinaryOp op, Func<Node> parseRight)
    {
        var opToken = Advance();
        var right = parseRight();
        return Checked(new BinaryNode(left.Start, right.End, op, _text[opToken.Start..opToken.End], opToken.Start, left, right));
    }

    private static Node Logical(Node left, Node right, bool isAnd) =>
        Checked(new LogicalNode(left.Start, right.End, left, right, isAnd));

    private static Node Checked(Node node) => node.Height <= MaxHeight
        ? node
        : throw Error($"Expression is too deeply nested (more than {MaxHeight} operators in a chain)", node.Start);
}
