namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// What <see cref="RecordLines"/> found in a CSV file: where records stop being their lines (<see cref="Shifts"/>),
/// and the records whose quoting is broken (<see cref="Malformed"/>), which the reader takes out of what DuckDB reads
/// and rejects itself, line by line; and whether its lines end both in CRLF and in LF alone.
/// </summary>
internal sealed record RecordScan(IReadOnlyList<LineShift> Shifts, IReadOnlyList<MalformedRecord> Malformed, bool MixedLineEndings);

/// <summary>
/// From record <see cref="RecordLine"/> on (the header is record 1), each record starts <see cref="Extra"/> lines
/// further down the file, and DuckDB, which counts blank lines but not the line breaks inside quoted values, numbers
/// a rejected one <see cref="DuckLine"/> - <see cref="RecordLine"/> higher than its record number.
/// </summary>
internal readonly record struct LineShift(long RecordLine, long DuckLine, long Extra);

/// <summary>A record with broken quoting: its first line, its bytes [Start, End) and why it cannot be read.</summary>
internal sealed record MalformedRecord(long FirstLine, long Start, long End, string Reason);
