using System.Text;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// Reads a CSV file's header row (RFC 4180; a UTF-8 BOM is skipped). Sync gives DuckDB the column list itself
/// instead of letting it sniff the file, so a file with malformed rows still loads its good rows, and the
/// malformed ones are rejected with their line.
/// </summary>
public static class CsvHeader
{
    public static IReadOnlyList<string> Read(string path, string displayName)
    {
        RequireUtf8(path, displayName);
        using var reader = new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        var line = reader.ReadLine();
        if (string.IsNullOrWhiteSpace(line))
        {
            throw new WarehouseException($"{displayName}: the file is empty; a CSV source needs a header row");
        }

        var names = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                names.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }

        names.Add(current.ToString());
        return Unique(names.Select(n => n.Trim().TrimStart('\uFEFF')).ToList());
    }

    /// <summary>UTF-16 (its byte order mark, or NUL bytes in the header row) is refused whole: the contract takes UTF-8.</summary>
    private static void RequireUtf8(string path, string displayName)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[512];
        var n = stream.Read(head, 0, head.Length);
        var utf16 = n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF));
        var headerEnd = Array.IndexOf(head, (byte)'\n', 0, n);
        if (utf16 || Array.IndexOf(head, (byte)0, 0, headerEnd < 0 ? n : headerEnd) >= 0)
        {
            throw new WarehouseException($"{displayName}: is UTF-16 (or holds NUL bytes); the contract takes UTF-8 text: save the file as UTF-8 and drop it again");
        }
    }

    /// <summary>
    /// Blank and repeated names get a suffix, as DuckDB's own reader would do; so does a column named like DuckDB's
    /// row id (which would hide the row's position in the file, on which its line number rests).
    /// </summary>
    private static List<string> Unique(List<string> names)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { RawFileReader.RowIdName };
        var result = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i].Length == 0 ? $"column{i}" : names[i];
            var candidate = name;
            for (var k = 1; !seen.Add(candidate); k++)
            {
                candidate = $"{name}_{k}";
            }

            result.Add(candidate);
        }

        return result;
    }
}
