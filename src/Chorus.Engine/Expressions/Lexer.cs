using System.Globalization;
using System.Text;

namespace Chorus.Engine.Expressions;

/// <summary>Turns the whole text into tokens up front; expressions are short (at most 4096 chars), so a list is
/// simpler than a streaming lexer and lets the parser look ahead freely.</summary>
internal static class Lexer
{
    /// <summary>Reads text[start..end); positions stay absolute so a placeholder inside a template reports its
    /// offset in the whole string.</summary>
    public static List<Token> Tokenize(string text, int start, int end)
    {
        var tokens = new List<Token>();
        var i = start;
        while (true)
        {
            while (i < end && char.IsWhiteSpace(text[i])) i++;
            if (i >= end)
            {
                tokens.Add(new Token(TokenKind.End, end, end));
                return tokens;
            }

            var c = text[i];
            var begin = i;
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < end && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i, end));
                continue;
            }

            if (c is '\'' or '"')
            {
                tokens.Add(ReadString(text, ref i, end));
                continue;
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < end && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new Token(TokenKind.Identifier, begin, i, text[begin..i]));
                continue;
            }

            var next = i + 1 < end ? text[i + 1] : '\0';
            (TokenKind kind, int length) = (c, next) switch
            {
                ('=', '=') => (TokenKind.EqualEqual, 2),
                ('!', '=') => (TokenKind.NotEqual, 2),
                ('<', '=') => (TokenKind.LessEqual, 2),
                ('>', '=') => (TokenKind.GreaterEqual, 2),
                ('&', '&') => (TokenKind.AndAnd, 2),
                ('|', '|') => (TokenKind.OrOr, 2),
                ('$', _) => (TokenKind.Dollar, 1),
                ('.', _) => (TokenKind.Dot, 1),
                ('[', _) => (TokenKind.LBracket, 1),
                (']', _) => (TokenKind.RBracket, 1),
                ('(', _) => (TokenKind.LParen, 1),
                (')', _) => (TokenKind.RParen, 1),
                (',', _) => (TokenKind.Comma, 1),
                ('!', _) => (TokenKind.Bang, 1),
                ('+', _) => (TokenKind.Plus, 1),
                ('-', _) => (TokenKind.Minus, 1),
                ('*', _) => (TokenKind.Star, 1),
                ('/', _) => (TokenKind.Slash, 1),
                ('%', _) => (TokenKind.Percent, 1),
                ('<', _) => (TokenKind.Less, 1),
                ('>', _) => (TokenKind.Greater, 1),
                ('=', _) => throw new ExpressionException($"Unexpected '=' at position {begin}; use '==' to compare", begin),
                ('&', _) => throw new ExpressionException($"Unexpected '&' at position {begin}; use '&&'", begin),
                ('|', _) => throw new ExpressionException($"Unexpected '|' at position {begin}; use '||'", begin),
                _ => throw new ExpressionException($"Unexpected character '{c}' at position {begin}", begin),
            };
            i += length;
            tokens.Add(new Token(kind, begin, i));
        }
    }

    private static Token ReadNumber(string text, ref int i, int end)
    {
        var start = i;
        while (i < end && char.IsAsciiDigit(text[i])) i++;
        // A dot followed by a digit continues the number; otherwise it is member access and not ours.
        if (i + 1 < end && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            i++;
            while (i < end && char.IsAsciiDigit(text[i])) i++;
        }

        if (i < end && text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < end && text[j] is '+' or '-') j++;
            if (j < end && char.IsAsciiDigit(text[j]))
            {
                i = j;
                while (i < end && char.IsAsciiDigit(text[i])) i++;
            }
        }

        if (i < end && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
            throw new ExpressionException($"Invalid number at position {start}", start);

        if (!decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new ExpressionException($"Number out of range at position {start}", start);
        return new Token(TokenKind.Number, start, i, Number: value);
    }

    private static Token ReadString(string text, ref int i, int end)
    {
        var start = i;
        var quote = text[i++];
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= end)
                throw new ExpressionException($"Unterminated string starting at position {start}", start);
            var c = text[i++];
            if (c == quote) return new Token(TokenKind.String, start, i, sb.ToString());
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (i >= end)
                throw new ExpressionException($"Unterminated string starting at position {start}", start);
            var escape = text[i++];
            switch (escape)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case '0': sb.Append('\0'); break;
                case '\\' or '\'' or '"' or '/': sb.Append(escape); break;
                case 'u' when i + 4 <= end
                              && ushort.TryParse(text.AsSpan(i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                default:
                    var at = i - 2;
                    throw new ExpressionException($"Invalid escape sequence '\\{escape}' at position {at}", at);
            }
        }
    }
}

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
