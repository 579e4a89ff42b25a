using System.Diagnostics;
using System.Globalization;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using SegmentMiner.Core;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// Reads a source file into a DuckDB table of text columns, the first step of a sync on either warehouse: CSV with
/// the header read here (no sniffing), malformed lines set aside with their line number, records with broken quoting
/// and files mixing line endings read from a repaired copy with the same lines; Parquet as it is. The same reader gives the same lines and the same malformed rows
/// whichever warehouse the rows go to.
/// </summary>
internal sealed partial class RawFileReader(ILogger log, long csvBufferBytes)
{
    /// <summary>DuckDB's row id pseudo-column: a source column of that name is renamed, as it would hide it.</summary>
    public const string RowIdName = "rowid";

    /// <summary>Reads a file (or a SQL source's rows written to a temporary CSV) into the raw table sm_raw_{index}.</summary>
    public async Task<PendingLoad> ReadAsync(
        DuckDBConnection db, EntitySpec spec, SourceFileInfo file, string kind, int index, int lineOffset, (string Source, DateTime Max)? watermark, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var raw = $"sm_raw_{index}";
        var rejects = $"sm_csvrej_{index}";
        RecordScan? scan = null;
        if (file.IsParquet)
        {
            var reader = await ParquetSelectAsync(db, $"read_parquet({Sql.Literal(GlobEscaped(file.FullPath))})", cancellationToken);
            await ReadOrFailAsync(db, raw, reader, file, cancellationToken);
        }
        else
        {
            scan = await RecordLines.ScanAsync(file.FullPath, cancellationToken);
            await ReadCsvAsync(db, file, raw, rejects, scan, cancellationToken);
        }

        var shifts = scan is null ? null : await LineShiftsAsync(db, scan.Shifts, $"{raw}_shift", cancellationToken);
        var malformed = scan is null ? 0 : await SetAsideMalformedAsync(db, file, rejects, lineOffset, shifts, scan.Malformed, cancellationToken);
        var map = await MapHeadersAsync(db, spec, file, raw, cancellationToken);
        var rows = await db.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM {raw}", cancellationToken: cancellationToken));
        LogRead(log, file.RelativeName, rows, watch.Elapsed.TotalSeconds);
        return new PendingLoad(spec, file, kind, raw, map, lineOffset, watermark, malformed > 0 ? $"{rejects}_lines" : null, shifts);
    }

    /// <summary>
    /// Reads the CSV into the raw table. The header is read here, so DuckDB does not sniff: malformed rows are set
    /// aside with their line (store_rejects) instead of failing the file, and the good rows keep their order. Records
    /// whose quoting is broken are blanked in a copy first (<see cref="RecordLines"/>), and rejected from the scan.
    /// </summary>
    private async Task ReadCsvAsync(DuckDBConnection db, SourceFileInfo file, string raw, string rejects, RecordScan scan, CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", CsvHeader.Read(file.FullPath, file.RelativeName).Select(h => $"{Sql.Literal(h)}: 'VARCHAR'"));
        string Reader(string path) =>
            $"read_csv({Sql.Literal(GlobEscaped(path))}, header = true, auto_detect = false, columns = {{{columns}}}, delim = ',', quote = '\"', escape = '\"', " +
            $"encoding = 'utf-8', buffer_size = {csvBufferBytes.ToString(CultureInfo.InvariantCulture)}, store_rejects = true, rejects_table = '{rejects}', rejects_scan = '{rejects}_scan')";
        // DuckDB's strict reader takes one line ending per file; reading a file that mixes CRLF and LF, it counts a CRLF
        // as two lines, or fails, and its lenient mode joins a short line with the next one (a good row would get
        // another row's values). So such a file is read from a copy whose line endings are all LF: the same lines.
        var copy = scan.Malformed.Count > 0 || scan.MixedLineEndings ? await LineEndings.ToLfAsync(file.FullPath, scan.Malformed, cancellationToken) : null;
        if (scan.MixedLineEndings)
        {
            LogMixedLineEndings(log, file.RelativeName);
        }

        try
        {
            await ReadOrFailAsync(db, raw, Reader(copy ?? file.FullPath), file, cancellationToken);
        }
        finally
        {
            if (copy is not null)
            {
                File.Delete(copy);
            }
        }
    }

    private static async Task ReadOrFailAsync(DuckDBConnection db, string raw, string reader, SourceFileInfo file, CancellationToken cancellationToken)
    {
        try
        {
            await CreateRawAsync(db, raw, reader, cancellationToken);
        }
        catch (DuckDB.NET.Data.DuckDBException ex)
        {
            throw Unreadable(file, ex);
        }
    }

    /// <summary>
    /// The table of line shifts (<see cref="RecordLines"/>) when some record spans lines or some lines are blank, or
    /// null: then every record is its line, and nothing is joined.
    /// </summary>
    private static async Task<string?> LineShiftsAsync(DuckDBConnection db, IReadOnlyList<LineShift> shifts, string table, CancellationToken cancellationToken)
    {
        if (shifts.Count == 0)
        {
            return null;
        }

        await db.ExecuteAsync(new CommandDefinition($"CREATE OR REPLACE TEMP TABLE {table} (record_line BIGINT, duck_line BIGINT, extra BIGINT)", cancellationToken: cancellationToken));
        using (var appender = db.CreateAppender(table))
        {
            foreach (var shift in shifts)
            {
                appender.CreateRow().AppendValue(shift.RecordLine).AppendValue(shift.DuckLine).AppendValue(shift.Extra).EndRow();
            }
        }

        return table;
    }

    /// <summary>
    /// One row per malformed line ({rejects}_lines), and for each the number of good rows before it (its "gap"),
    /// which turns a good row's position back into its line. Returns how many. A malformed row that spans lines (a
    /// quoted value with a line break in a row of the wrong width, or a quote left open, which swallows every line up
    /// to the end of the file) is one rejected row per line it took, each with its own line, so every line of the
    /// file is counted and none is lost unseen.
    /// </summary>
    private static async Task<long> SetAsideMalformedAsync(
        DuckDBConnection db, SourceFileInfo file, string rejects, int lineOffset, string? shifts, IReadOnlyList<MalformedRecord> broken, CancellationToken cancellationToken)
    {
        // DuckDB numbers rejected rows by record plus the blank lines before them; gap and skipped are in records
        // (they place the good rows), the line reported is the file's, and each line a multi-line row took is reported
        // on its own. The records with broken quoting were blanked for DuckDB and are rejected from the scan (no gap).
        var before = "COALESCE(s.duck_line - s.record_line, 0)";
        var record = shifts is null ? "r.line" : $"r.line - {before}";
        var start = shifts is null ? "r.line" : $"r.line + COALESCE(s.extra, 0) - {before}";
        var shift = shifts is null ? "" : $" ASOF LEFT JOIN {shifts} s ON r.line >= s.duck_line";
        var own = $"{rejects}_own";
        await MalformedRecords.WriteAsync(db, file.FullPath, broken, own, cancellationToken);
        await db.ExecuteAsync(new CommandDefinition(
            $"""
            CREATE OR REPLACE TEMP TABLE {rejects}_lines AS
            WITH rejected AS (
                SELECT {start} AS first_line, {record} - row_number() OVER (ORDER BY r.line) - {lineOffset - 1} AS gap,
                       row_number() OVER (ORDER BY r.line) AS skipped, r.error_message, r.csv_line
                FROM (SELECT DISTINCT ON (line) line, error_message, csv_line FROM {rejects} ORDER BY line) r{shift})
            SELECT r.first_line + p.k - 1 AS line, r.gap, r.skipped,
                   CASE WHEN p.k = 1 THEN r.error_message
                        ELSE '{MalformedRecords.SwallowedBy}' || r.first_line || ' (' || r.error_message || ')' END AS error_message,
                   rtrim(p.text, chr(13)) AS csv_line
            FROM rejected r,
                 LATERAL (SELECT k, text FROM unnest(string_split(trim(r.csv_line, chr(10) || chr(13)), chr(10))) WITH ORDINALITY AS u(text, k)) p
            UNION ALL
            SELECT line, NULL, NULL, error_message, csv_line FROM {own}
            """, cancellationToken: cancellationToken));
        var malformed = await db.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM {rejects}_lines", cancellationToken: cancellationToken));
        await db.ExecuteAsync(new CommandDefinition($"DROP TABLE IF EXISTS {rejects}; DROP TABLE IF EXISTS {rejects}_scan; DROP TABLE {own}", cancellationToken: cancellationToken));
        return malformed;
    }

    /// <summary>The contract column each header maps to (case-insensitive, BOM trimmed); fails on a missing required column.</summary>
    private async Task<Dictionary<string, string>> MapHeadersAsync(DuckDBConnection db, EntitySpec spec, SourceFileInfo file, string raw, CancellationToken cancellationToken)
    {
        var headers = (await db.QueryAsync<string>(new CommandDefinition($"SELECT column_name FROM (DESCRIBE {raw})", cancellationToken: cancellationToken))).ToList();
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var extra = new List<string>();
        foreach (var h in headers)
        {
            var col = spec.Columns.FirstOrDefault(c => string.Equals(c.Name, h.Trim().TrimStart('\uFEFF'), StringComparison.OrdinalIgnoreCase));
            if (col is null)
            {
                extra.Add(h);
            }
            else
            {
                map.TryAdd(col.Name, h);
            }
        }

        var missing = spec.Columns.Where(c => c.Required && !map.ContainsKey(c.Name)).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            throw new WarehouseException($"{file.RelativeName}: missing required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} (entity {spec.Name})");
        }

        if (extra.Count > 0)
        {
            LogUnknownColumns(log, file.RelativeName, string.Join(", ", extra));
        }

        return map;
    }

    private static Task CreateRawAsync(DuckDBConnection db, string raw, string reader, CancellationToken cancellationToken) =>
        db.ExecuteAsync(new CommandDefinition($"CREATE OR REPLACE TEMP TABLE {raw} AS SELECT * FROM {reader}", cancellationToken: cancellationToken));

    /// <summary>
    /// A path DuckDB reads as the one file it names: its readers take a path as a glob pattern, so *, ? and [ are
    /// each put in a character class of their own ('invoices-?.csv' would also read 'invoices-a.csv').
    /// </summary>
    internal static string GlobEscaped(string path)
    {
        var sb = new System.Text.StringBuilder(path.Length + 8);
        foreach (var ch in path)
        {
            _ = ch is '*' or '?' or '[' ? sb.Append('[').Append(ch).Append(']') : sb.Append(ch);
        }

        return sb.ToString();
    }

    /// <summary>
    /// The Parquet file as a subquery (SELECT ... FROM reader): a column named like the row id is renamed, and
    /// floating-point columns become fixed-point text, as a CSV would hold the value (0.00001, not '1e-05', which the
    /// contract's decimal format rejects). NaN and infinities stay as words, and are rejected with their row.
    /// </summary>
    private static async Task<string> ParquetSelectAsync(DuckDBConnection db, string reader, CancellationToken cancellationToken)
    {
        var columns = await db.QueryAsync<(string Name, string Type)>(new CommandDefinition($"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {reader})", cancellationToken: cancellationToken));
        var list = new List<string>();
        foreach (var (name, type) in columns)
        {
            var q = Identifiers.QuoteAnsi(name);
            var value = type is "DOUBLE" or "FLOAT" ? $"CASE WHEN isfinite({q}) THEN rtrim(rtrim(printf('%.12f', {q}), '0'), '.') ELSE CAST({q} AS VARCHAR) END" : q;
            var alias = string.Equals(name, RowIdName, StringComparison.OrdinalIgnoreCase) ? name + "_1" : name;
            list.Add($"{value} AS {Identifiers.QuoteAnsi(alias)}");
        }

        return $"(SELECT {string.Join(", ", list)} FROM {reader})";
    }

    private static WarehouseException Unreadable(SourceFileInfo file, DuckDB.NET.Data.DuckDBException ex) =>
        new($"{file.RelativeName}: cannot be read as {(file.IsParquet ? "Parquet" : "CSV (RFC 4180, UTF-8, one header row)")}: {FirstLine(ex.Message)}", ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File}: ignoring unknown columns {Columns}")]
    private static partial void LogUnknownColumns(ILogger logger, string file, string columns);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File}: read {Rows} rows ({Seconds:0.00} s)")]
    private static partial void LogRead(ILogger logger, string file, long rows, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File}: line endings are mixed (CRLF and LF); read from a copy with LF line endings")]
    private static partial void LogMixedLineEndings(ILogger logger, string file);

    private static string FirstLine(string s)
    {
        var i = s.IndexOf('\n', StringComparison.Ordinal);
        return i < 0 ? s : s[..i];
    }
}
