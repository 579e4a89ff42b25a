using SegmentMiner.Core;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// A source read into a DuckDB table of text columns (<see cref="RawTable"/>, whose rowid is the row's position in
/// its source), before it is checked: the contract column each header maps to, the line of the first row, the
/// SQL source's watermark, and the table of malformed CSV lines (with, for each, the good rows before it).
/// </summary>
internal sealed record PendingLoad(
    EntitySpec Spec, SourceFileInfo File, string Kind, string RawTable, Dictionary<string, string> Headers, int LineOffset,
    (string Source, DateTime Max)? Watermark, string? MalformedLines, string? LineShifts = null)
{
    /// <summary>SQL dropping the temporary tables this read made: raw rows, malformed lines, line shifts.</summary>
    public string DropTables => string.Join("; ", new[] { RawTable, MalformedLines, LineShifts }.OfType<string>().Select(t => $"DROP TABLE IF EXISTS {t}"));
}
