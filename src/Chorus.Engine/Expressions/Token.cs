namespace Chorus.Engine.Expressions;

internal enum TokenKind
{
    End,
    Number,
    String,
    Identifier,
    Dollar,
    Dot,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    Bang,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    EqualEqual,
    NotEqual,
    AndAnd,
    OrOr,
}

/// <summary>Start and End are offsets into the expression text, so every node can recover its source.</summary>
internal readonly record struct Token(TokenKind Kind, int Start, int End, string? Text = null, decimal Number = 0)
{
    public string Describe(string source) => Kind == TokenKind.End ? "end of expression" : $"'{source[Start..End]}'";
}
