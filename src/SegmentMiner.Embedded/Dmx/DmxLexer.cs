using System.Text;

namespace SegmentMiner.Embedded.Dmx;

/// <summary>
/// Splits a DMX statement into tokens: names (with $ for $system and $CLUSTER), [quoted names], 'strings', numbers
/// (with exponents), operators and punctuation; -- and // line comments and /* block */ comments are skipped.
/// </summary>
public static class DmxLexer
{
    private static readonly string[] TwoCharSymbols = ["<>", "!=", "<=", ">="];

    public static List<DmxToken> Tokenize(string text)
    {
        var tokens = new List<DmxToken>();
        var cursor = new Cursor(text);
        while (true)
        {
            cursor.SkipBlanksAndComments();
            if (cursor.AtEnd)
            {
                tokens.Add(new DmxToken(DmxTokenKind.End, "", cursor.Line, cursor.Column));
                return tokens;
            }

            tokens.Add(Next(cursor));
        }
    }

    private static DmxToken Next(Cursor c)
    {
        var (line, column) = (c.Line, c.Column);
        var ch = c.Peek();
        if (ch == '[')
        {
            return new DmxToken(DmxTokenKind.QuotedName, c.Quoted(']', "a [name]", line, column), line, column);
        }

        if (ch is '\'' or '"')
        {
            return new DmxToken(DmxTokenKind.String, c.Quoted(ch, "a string", line, column), line, column);
        }

        if (char.IsDigit(ch) || (ch == '.' && char.IsDigit(c.Peek(1))))
        {
            return new DmxToken(DmxTokenKind.Number, c.Number(), line, column);
        }

        if (char.IsLetter(ch) || ch is '_' or '$' or '@')
        {
            return new DmxToken(DmxTokenKind.Name, c.Take(x => char.IsLetterOrDigit(x) || x is '_' or '$' or '@'), line, column);
        }

        var two = c.Peek(1) == '\0' ? "" : $"{ch}{c.Peek(1)}";
        if (TwoCharSymbols.Contains(two))
        {
            c.Advance(2);
            return new DmxToken(DmxTokenKind.Symbol, two, line, column);
        }

        if ("=<>+-*/,.(){};".Contains(ch, StringComparison.Ordinal))
        {
            c.Advance(1);
            return new DmxToken(DmxTokenKind.Symbol, ch.ToString(), line, column);
        }

        throw new DmxSyntaxException($"The character '{ch}' is not valid here.", line, column);
    }

    /// <summary>A position in the text, counting lines and columns.</summary>
    private sealed class Cursor(string text)
    {
        private int _i;

        public int Line { get; private set; } = 1;

        public int Column { get; private set; } = 1;

        public bool AtEnd => _i >= text.Length;

        public char Peek(int ahead = 0) => _i + ahead < text.Length ? text[_i + ahead] : '\0';

        public void Advance(int n)
        {
            for (var k = 0; k < n && _i < text.Length; k++, _i++)
            {
                if (text[_i] == '\n')
                {
                    Line++;
                    Column = 1;
                }
                else
                {
                    Column++;
                }
            }
        }

        public string Take(Func<char, bool> accept)
        {
            var start = _i;
            while (!AtEnd && accept(Peek()))
            {
                Advance(1);
            }

            return text[start.._i];
        }

        public void SkipBlanksAndComments()
        {
            while (!AtEnd)
            {
                if (char.IsWhiteSpace(Peek()))
                {
                    Advance(1);
                }
                else if ((Peek() == '-' && Peek(1) == '-') || (Peek() == '/' && Peek(1) == '/'))
                {
                    Take(x => x != '\n');
                }
                else if (Peek() == '/' && Peek(1) == '*')
                {
                    Advance(2);
                    while (!AtEnd && !(Peek() == '*' && Peek(1) == '/'))
                    {
                        Advance(1);
                    }

                    Advance(2);
                }
                else
                {
                    return;
                }
            }
        }

        /// <summary>Text up to the closing <paramref name="close"/> (doubled, it stands for itself).</summary>
        public string Quoted(char close, string what, int line, int column)
        {
            Advance(1);
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    throw new DmxSyntaxException($"{what} is not closed.", line, column);
                }

                if (Peek() == close && Peek(1) == close)
                {
                    sb.Append(close);
                    Advance(2);
                }
                else if (Peek() == close)
                {
                    Advance(1);
                    return sb.ToString();
                }
                else
                {
                    sb.Append(Peek());
                    Advance(1);
                }
            }
        }

        public string Number()
        {
            var start = _i;
            Take(char.IsDigit);
            if (Peek() == '.')
            {
                Advance(1);
                Take(char.IsDigit);
            }

            if (Peek() is 'e' or 'E' && (char.IsDigit(Peek(1)) || (Peek(1) is '+' or '-' && char.IsDigit(Peek(2)))))
            {
                Advance(2);
                Take(char.IsDigit);
            }

            return text[start.._i];
        }
    }
}
