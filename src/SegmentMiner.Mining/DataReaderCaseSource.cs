using System.Data;

namespace SegmentMiner.Mining;

/// <summary>
/// Streams cases from an <see cref="IDataReader"/> (a warehouse query, a file reader). <paramref name="open"/> is
/// called for each pass, so training's structure and model passes each read the cases once, forward only.
/// Nested tables come from <paramref name="nested"/>: for a case key, the keys of its nested rows.
/// </summary>
public sealed class DataReaderCaseSource(
    IReadOnlyList<string> columns, Func<IDataReader> open, IReadOnlyDictionary<string, Func<object, IEnumerable<object?>>>? nested = null) : ICaseSource
{
    public IReadOnlyList<string> Columns { get; } = nested is null ? columns : [.. columns, .. nested.Keys];

    public IEnumerable<object?[]> Read()
    {
        using var reader = open();
        var ordinals = columns.Select(c => reader.GetOrdinal(c)).ToArray();
        var tables = nested?.ToList() ?? [];
        while (reader.Read())
        {
            var row = new object?[ordinals.Length + tables.Count];
            for (var i = 0; i < ordinals.Length; i++)
            {
                row[i] = reader.IsDBNull(ordinals[i]) ? null : reader.GetValue(ordinals[i]);
            }

            for (var t = 0; t < tables.Count; t++)
            {
                row[ordinals.Length + t] = row[0] is { } key ? tables[t].Value(key).ToList() : null;
            }

            yield return row;
        }
    }
}
