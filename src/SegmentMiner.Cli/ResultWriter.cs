using System.Globalization;
using System.Text;
using System.Text.Json;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Cli;

/// <summary>Output formats for results on stdout.</summary>
public enum OutputFormat
{
    Table,
    Csv,
    Json,
}

/// <summary>Writes a result as an aligned table, RFC 4180 CSV (one header row, invariant culture) or a JSON array of objects.</summary>
public static class ResultWriter
{
    public static void Write(TextWriter output, QueryResult result, OutputFormat format)
    {
        switch (format)
        {
            case OutputFormat.Csv:
                output.Write(string.Join(",", result.Columns.Select(Csv.Escape)));
                output.Write("\r\n");
                foreach (var row in result.Rows)
                {
                    output.Write(string.Join(",", row.Select(v => Csv.Escape(Text(v)))));
                    output.Write("\r\n");
                }

                break;
            case OutputFormat.Json:
                using (var stream = new MemoryStream())
                {
                    using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                    {
                        json.WriteStartArray();
                        foreach (var row in result.Rows)
                        {
                            json.WriteStartObject();
                            for (var i = 0; i < row.Length; i++)
                            {
                                json.WritePropertyName(result.Columns[i]);
                                WriteJsonValue(json, row[i]);
                            }

                            json.WriteEndObject();
                        }

                        json.WriteEndArray();
                    }

                    output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
                }

                break;
            default:
                WriteTable(output, result);
                break;
        }
    }

    public static string? Text(object? v) => ValueText.Of(v);

    private static void WriteJsonValue(Utf8JsonWriter json, object? v)
    {
        switch (v)
        {
            case null: json.WriteNullValue(); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int or long or short or byte or sbyte or ushort or uint: json.WriteNumberValue(Convert.ToInt64(v, CultureInfo.InvariantCulture)); break;
            case ulong u: json.WriteNumberValue(u); break;
            case decimal m: json.WriteNumberValue(m); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case System.Numerics.BigInteger bi: json.WriteRawValue(bi.ToString(CultureInfo.InvariantCulture)); break;
            default: json.WriteStringValue(Text(v)); break;
        }
    }

    private static void WriteTable(TextWriter output, QueryResult result)
    {
        var cells = result.Rows.Select(r => r.Select(v => Text(v) ?? "NULL").ToArray()).ToList();
        var widths = result.Columns.Select((c, i) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        output.WriteLine(string.Join("  ", result.Columns.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var r in cells)
        {
            output.WriteLine(string.Join("  ", r.Select((v, i) => IsNumeric(result.Rows, i) ? v.PadLeft(widths[i]) : v.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static bool IsNumeric(IReadOnlyList<object?[]> rows, int column) =>
        rows.Any(r => r[column] is not null) && rows.All(r => r[column] is null or int or long or decimal or double or float or short or System.Numerics.BigInteger);
}
