using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Dmx;

/// <summary>
/// What a SELECT reads: its columns (a nested table column holds a list of rows), the names that may qualify them
/// (a model, an input alias), and its rows. <see cref="Context"/> gives each row what its functions need (a
/// prediction), evaluated only when asked.
/// </summary>
public sealed record DmxRows(IReadOnlyList<RowsetColumn> Columns, IReadOnlyCollection<string> Qualifiers, IEnumerable<DmxRow> Rows)
{
    /// <summary>The column <paramref name="name"/> refers to (its qualifier, if any, must be one of <see cref="Qualifiers"/>); -1 if none.</summary>
    public int IndexOf(DmxName name)
    {
        if (name.Parts.Count > 1 && !Qualifiers.Contains(name.Parts[^2], StringComparer.OrdinalIgnoreCase))
        {
            return -1;
        }

        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, name.Last, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>A row's values, and what its prediction functions read (null where there are none).</summary>
public sealed record DmxRow(object?[] Values, object? Context = null);
