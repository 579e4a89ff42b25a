using System.Globalization;

namespace SegmentMiner.Warehouse;

/// <summary>
/// The one text form of a value in every output (sql, export, views): invariant culture, ISO 8601 timestamps with a
/// 'T' (and a fraction only when there is one), dates as yyyy-MM-dd, booleans true/false, numbers round-tripping
/// ("1", "0.25"), null as null.
/// </summary>
public static class ValueText
{
    public static string? Of(object? v) => v switch
    {
        null or DBNull => null,
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
        DateTimeOffset o => o.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        float x => x.ToString("R", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };

    /// <summary>
    /// For a CSV that spreadsheets open: a text value that begins with '=', '+', '-', '@', a tab or a carriage return
    /// (OWASP's list) gets a leading apostrophe, so that it is not taken for a formula. Numbers are left as they are.
    /// </summary>
    public static string? ForSpreadsheet(object? v) =>
        v is string s && s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + s : Of(v);
}
