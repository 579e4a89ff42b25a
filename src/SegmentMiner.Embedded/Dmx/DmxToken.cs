namespace SegmentMiner.Embedded.Dmx;

/// <summary>What a DMX token is.</summary>
public enum DmxTokenKind
{
    /// <summary>A plain name or keyword (letters, digits, _ and $), case-insensitive.</summary>
    Name,

    /// <summary>A [bracketed] name, brackets removed (]] stands for ]).</summary>
    QuotedName,

    /// <summary>A 'string' (or "string"), quotes removed, doubled quotes undone.</summary>
    String,

    Number,

    /// <summary>An operator or punctuation: = &lt;&gt; != &lt; &lt;= &gt; &gt;= + - * / , . ( ) { } ;</summary>
    Symbol,

    End,
}

/// <summary>A token with the line and column (1-based) where it starts, as Analysis Services reports positions.</summary>
public sealed record DmxToken(DmxTokenKind Kind, string Text, int Line, int Column)
{
    /// <summary>True when this is the keyword or symbol <paramref name="text"/> (a plain name compared case-insensitively; never a [quoted] name).</summary>
    public bool Is(string text) =>
        (Kind == DmxTokenKind.Name || Kind == DmxTokenKind.Symbol) && string.Equals(Text, text, StringComparison.OrdinalIgnoreCase);

    /// <summary>How a message shows the token: its text, or "end of statement".</summary>
    public string Display => Kind switch
    {
        DmxTokenKind.End => "end of statement",
        DmxTokenKind.QuotedName => "[" + Text + "]",
        DmxTokenKind.String => "'" + Text + "'",
        _ => Text,
    };
}
