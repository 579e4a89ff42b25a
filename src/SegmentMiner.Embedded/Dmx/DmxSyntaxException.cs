namespace SegmentMiner.Embedded.Dmx;

/// <summary>
/// A statement this server cannot run, with the position Analysis Services would report: "Query (line, column)
/// Parser: ..." for a syntax error (naming the token), or a construct that parses but this server does not support
/// (naming the construct).
/// </summary>
public sealed class DmxSyntaxException : Exception
{
    public DmxSyntaxException(string message, int line, int column) : base($"Query ({line}, {column}) Parser: {message}")
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }

    /// <summary>A syntax error at <paramref name="token"/>, worded as Analysis Services words it.</summary>
    public static DmxSyntaxException At(DmxToken token, string? expected = null) =>
        new($"The syntax for '{token.Display}' is incorrect." + (expected is null ? "" : $" Expected {expected}."), token.Line, token.Column);

    /// <summary>A construct this server does not support, at <paramref name="token"/>.</summary>
    public static DmxSyntaxException Unsupported(DmxToken token, string construct) =>
        new($"{construct} is not supported by this server.", token.Line, token.Column);
}
