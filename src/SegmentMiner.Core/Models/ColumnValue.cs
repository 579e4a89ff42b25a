namespace SegmentMiner.Core.Models;

/// <summary>A condition on a view's rows: the column holds the value (the rows of one partition of a partitioned model).</summary>
public sealed record ColumnValue(string Column, string Value)
{
    /// <summary>
    /// " WHERE column = 'value'": the column quoted by <paramref name="quote"/>, the value a string literal (with
    /// <paramref name="unicode"/>, T-SQL's N'...').
    /// </summary>
    public string Where(Func<string, string> quote, bool unicode = false) =>
        $" WHERE {quote(Column)} = {(unicode ? "N" : "")}{Identifiers.QuoteString(Value)}";
}
