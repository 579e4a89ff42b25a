using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using DuckDB.NET.Data;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Warehouse.SqlServer.Sync;

/// <summary>Reading, checking and staging each source of a SQL Server batch.</summary>
public sealed partial class SqlServerSyncBatch
{
    private RawFileReader RawReader => new(_log, Math.Clamp(MemorySize.Megabytes(_options.Warehouse.MemoryLimit) / 16, 2, 32) * 1024 * 1024);

    private async Task LoadSourcesAsync(
        DuckDBConnection duck, DbTransaction tx, BatchState state, List<(string Source, SqlSourceOptions Options, string Entity, SqlEntityOptions Query)> sqlEntities, CancellationToken ct)
    {
        var index = 0;
        foreach (var spec in SourceEntities.InLoadOrder)
        {
            foreach (var file in state.Files.Where(f => f.IsNew && f.Info.Entity == spec.Name))
            {
                ct.ThrowIfCancellationRequested();
                var pending = await RawReader.ReadAsync(duck, spec, file.Info, "file", index++, file.Info.IsParquet ? 1 : 2, null, ct);
                state.Loads.Add(await LoadAsync(duck, tx, pending, state.BatchId, ct));
            }

            foreach (var sql in sqlEntities.Where(s => string.Equals(s.Entity, spec.Name, StringComparison.OrdinalIgnoreCase)))
            {
                if (await ReadSqlSourceAsync(duck, tx, spec, sql.Source, sql.Options, sql.Query, index++, state, ct) is { } pending)
                {
                    state.Loads.Add(await LoadAsync(duck, tx, pending, state.BatchId, ct));
                }
            }
        }
    }

    /// <summary>
    /// One source into staging: checked in DuckDB (the rules that need no warehouse), bulk copied, checked against
    /// the warehouse, rejections kept, corrections recorded, accepted versions staged, the file recorded.
    /// </summary>
    private async Task<FileLoad> LoadAsync(DuckDBConnection duck, DbTransaction tx, PendingLoad p, long batchId, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var spec = p.Spec;
        await CopyCheckedRowsAsync(duck, tx, p, ct);
        if (SqlServerStagingSql.Validate(spec) is { } validate)
        {
            await _db.ExecuteAsync(Command(validate, new { reporting = _reporting }, tx, ct));
        }

        var (read, rejected) = await _db.QuerySingleAsync<(long, long)>(Command(SqlServerStagingSql.Counts(spec), null, tx, ct));
        if (RejectionLimit.Exceeded(_options.Sync, read, rejected))
        {
            var samples = await _db.QueryAsync<(long Line, string Reason)>(Command(SqlServerStagingSql.Samples(spec), null, tx, ct));
            throw RejectionLimit.Error(_options.Sync, p.File.RelativeName, read, rejected, samples);
        }

        var fileId = await _db.ExecuteScalarAsync<long>(Command(NextFile, null, tx, ct));
        var names = new { batch = batchId, file = fileId, entity = spec.Name, name = p.File.RelativeName };
        await _db.ExecuteAsync(Command(SqlServerStagingSql.InsertRejected(spec), names, tx, ct));
        if (SqlServerStagingSql.Corrections(spec) is { } corrections && await _db.ExecuteScalarAsync<long>(Command(corrections, names, tx, ct)) is > 0 and var corrected)
        {
            LogCorrections(_log, p.File.RelativeName, corrected);
        }

        long loaded = await _db.ExecuteAsync(Command(SqlServerStagingSql.InsertAccepted(spec), new { batch = batchId, file = fileId }, tx, ct));
        if (spec == SourceEntities.FxRates)
        {
            loaded = read - rejected; // rates are replaced: every accepted row counts
        }

        await RecordFileAsync(tx, p, batchId, fileId, (read, loaded, rejected), ct);
        await _db.ExecuteAsync(Command(SqlServerStagingSql.DropChecked(spec), null, tx, ct));
        await duck.ExecuteAsync(new CommandDefinition($"{p.DropTables}; DROP TABLE {StagingSql.CheckedTable}", cancellationToken: ct));
        LogLoaded(_log, p.File.RelativeName, read, loaded, rejected, watch.Elapsed.TotalSeconds);
        return new FileLoad(spec.Name, p.Kind, read, loaded, rejected);
    }

    /// <summary>The checks that need no warehouse run in DuckDB (the same text as on DuckDB); their rows, typed, go to #checked by bulk copy.</summary>
    private async Task CopyCheckedRowsAsync(DuckDBConnection duck, DbTransaction tx, PendingLoad p, CancellationToken ct)
    {
        var spec = p.Spec;
        await duck.ExecuteAsync(new CommandDefinition(StagingSql.Check(p.RawTable, spec, p.Headers, p.LineOffset, _reporting, p.MalformedLines, warehouseChecks: false, lineShifts: p.LineShifts), cancellationToken: ct));
        await _db.ExecuteAsync(Command(SqlServerStagingSql.CreateChecked(spec) + "\n" + SqlServerStagingSql.CreateMalformed, null, tx, ct));
        await using (var rows = await ExecuteReaderAsync(duck, CheckedRows(p), ct))
        {
            await _bulk.WriteAsync(tx, SqlServerStagingSql.CheckedTable(spec), SqlServerStagingSql.BulkColumns(spec), rows, ct);
        }

        if (p.MalformedLines is not null)
        {
            await using var rows = await ExecuteReaderAsync(duck, $"SELECT CAST(line AS BIGINT), 'malformed CSV row: ' || error_message, left(csv_line, 8000) FROM {p.MalformedLines} ORDER BY line", ct);
            await _bulk.WriteAsync(tx, "#malformed", ["_line", "_reason", "_raw"], rows, ct);
        }
    }

    /// <summary>
    /// DuckDB's checked rows in the bulk copy's column order; the row as read (JSON) only where it may be kept as a
    /// rejection (already rejected, or subject to a warehouse rule); dates as timestamps (SqlBulkCopy's DATE input).
    /// </summary>
    private static string CheckedRows(PendingLoad p)
    {
        var spec = p.Spec;
        var warehouseRule = SqlServerStagingSql.Validate(spec) is not null ? "TRUE" : "FALSE";
        var columns = spec.Columns.Select(c => c.Type == SourceValueType.Date
            ? $"CAST(c.{Identifiers.QuoteAnsi(c.Name)} AS TIMESTAMP)"
            : "c." + Identifiers.QuoteAnsi(c.Name));
        var currency = SqlServerStagingSql.HasCurrency(spec) ? ", c._cur" : "";
        return $"""
            SELECT CAST(c._line AS BIGINT), CASE WHEN c._reason IS NOT NULL OR {warehouseRule} THEN left(CAST(to_json(r) AS VARCHAR), 8000) END,
                   {string.Join(", ", columns)}{currency}, c._reason
            FROM {StagingSql.CheckedTable} c JOIN {p.RawTable} r ON r.rowid = c._rowid
            ORDER BY c._line
            """;
    }

    private static async Task<DbDataReader> ExecuteReaderAsync(DuckDBConnection duck, string sql, CancellationToken ct)
    {
        var command = duck.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteReaderAsync(ct);
    }

    private async Task RecordFileAsync(DbTransaction tx, PendingLoad p, long batchId, long fileId, (long Read, long Loaded, long Rejected) n, CancellationToken ct)
    {
        await _db.ExecuteAsync(Command(InsertSourceFile, new
        {
            id = fileId, batch = batchId, kind = p.Kind, entity = p.Spec.Name, name = p.File.RelativeName, size = p.File.SizeBytes, sha = p.File.Sha256,
            read = n.Read, loaded = n.Loaded, rejected = n.Rejected, now = Now, modified = p.File.FileModifiedAt,
        }, tx, ct));
        if (p.Watermark is { } w)
        {
            await _db.ExecuteAsync(Command(WriteWatermark, new { source = w.Source, entity = p.Spec.Name, watermark = w.Max, batch = batchId }, tx, ct));
        }
    }

    private async Task<PendingLoad?> ReadSqlSourceAsync(
        DuckDBConnection duck, DbTransaction tx, EntitySpec spec, string sourceName, SqlSourceOptions source, SqlEntityOptions entity, int index, BatchState state, CancellationToken ct)
    {
        var stored = await _db.ExecuteScalarAsync<DateTime?>(Command(ReadWatermark, new { source = sourceName, entity = spec.Name }, tx, ct));
        return await SqlSourceExtract.ToCsvAsync(_sqlReader, _log, spec, sourceName, source, entity, stored, state.TempFiles, ct) is { } extract
            ? await RawReader.ReadAsync(duck, spec, extract.File, "sql", index, 1, extract.Watermark, ct)
            : null;
    }
}
