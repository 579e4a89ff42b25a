using System.Text.RegularExpressions;

namespace SegmentMiner.Core;

/// <summary>
/// Identifiers that come from configuration (source names, column names, model names) are checked against a
/// conservative pattern and quoted before they enter SQL, DMX or XMLA.
/// </summary>
public static partial class Identifiers
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_\\-]{0,127}$")]
    private static partial Regex Plain();

    public static bool IsValid(string? name) => name is not null && Plain().IsMatch(name);

    public static string Require(string? name, string setting) =>
        IsValid(name) ? name! : throw new ConfigurationException([$"{setting}: '{name}' is not a valid identifier (letters, digits, '_' and '-', starting with a letter)."]);

    /// <summary>T-SQL and DMX bracket quoting.</summary>
    public static string QuoteBracket(string name) => "[" + name.Replace("]", "]]", StringComparison.Ordinal) + "]";

    /// <summary>A string literal, single quotes doubled (the same in DuckDB, T-SQL and DMX).</summary>
    public static string QuoteString(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// Text as a terminal may show it: control characters other than line feed and tab (an escape sequence in a
    /// file name, a value or a setting) as \uXXXX, so that no message can drive the terminal it is printed on.
    /// </summary>
    public static string Printable(string text)
    {
        if (!text.Any(ch => char.IsControl(ch) && ch is not ('\n' or '\t')))
        {
            return text;
        }

        var sb = new System.Text.StringBuilder(text.Length + 16);
        foreach (var ch in text)
        {
            _ = char.IsControl(ch) && ch is not ('\n' or '\t') ? sb.Append("\\u").Append(((int)ch).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)) : sb.Append(ch);
        }

        return sb.ToString();
    }

    /// <summary>ANSI (DuckDB) double-quote quoting.</summary>
    public static string QuoteAnsi(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
