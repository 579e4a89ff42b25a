using System.Data;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// One sync: reads every new source file (and SQL source rows past their watermark), validates them set-based
/// inside DuckDB, keeps rejected rows with their reason, and merges the accepted ones into staging history and the
/// dimensional model in one transaction; then refreshes features and monthly snapshots in a second. A failure in
/// the first rolls the whole batch back; a failure in the second leaves the batch 'Merged', and the next sync
/// rebuilds features and snapshots whole. A file already loaded is skipped.
/// </summary>
public sealed partial class SyncService : ISyncService
{
    private readonly SegmentMinerOptions _options;
    private readonly DataFolder _folder;
    private readonly ILogger _log;
    private readonly ISqlSourceReader _sqlReader;
    private readonly TimeProvider _clock;

    public SyncService(SegmentMinerOptions options, DataFolder folder, ILogger log, ISqlSourceReader? sqlReader = null, TimeProvider? clock = null)
    {
        _options = options;
        _folder = folder;
        _log = log;
        _sqlReader = sqlReader ?? new SqlSourceReader();
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>
    /// The CSV reader's buffer: DuckDB's default (32 MB, one per thread) unless Warehouse:MemoryLimit is small, so
    /// that a small limit spills instead of failing on the reader's first block.
    /// </summary>
    private RawFileReader RawReader => new(_log, CsvBufferBytes);

    private long CsvBufferBytes => Math.Clamp(MemorySize.Megabytes(_options.Warehouse.MemoryLimit) / 16, 2, 32) * 1024 * 1024;

    /// <summary>The time ops.Batch and ops.SourceFile record (UTC), from the injected clock.</summary>
    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    public async Task<SyncResult> RunAsync(DateOnly asOf, CancellationToken cancellationToken = default, bool rebuild = false)
    {
        _folder.EnsureExists();
        using var writerLock = WriterLock.Acquire(_folder.LockFile, _options.Sync.LockTimeout, m => LogWaiting(_log, m), cancellationToken);
        await using var db = await OpenWarehouseAsync(asOf, cancellationToken);
        KillPoint.At("sync:opened");

        var timings = new Dictionary<string, TimeSpan>();
        var files = await DiscoverAsync(db, cancellationToken);
        var lastAsOfText = await db.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT CAST(AsOfDate AS VARCHAR) FROM ops.Batch WHERE Status = 'Committed' ORDER BY BatchId DESC LIMIT 1", cancellationToken: cancellationToken));
        DateOnly? lastAsOf = lastAsOfText is null ? null : DateOnly.ParseExact(lastAsOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var derivedPending = await db.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM ops.Batch WHERE Status = 'Merged')", cancellationToken: cancellationToken));
        if (derivedPending)
        {
            LogDerivedPending(_log);
        }

        rebuild |= derivedPending;
        var sqlEntities = _options.Sources.SelectMany(s => s.Value.Entities.Select(e => (Source: s.Key, Options: s.Value, Entity: e.Key, Query: e.Value))).ToList();
        var newFiles = files.Where(f => f.IsNew).ToList();

        // Nothing was written: the counts show the files already loaded and no batch.
        async Task<SyncResult> UpToDate(string why)
        {
            LogNothingNew(_log, why);
            return new SyncResult(null, asOf, SyncSummary.Of(files, []), timings, await CountCustomersAsync(db, cancellationToken));
        }

        if (newFiles.Count == 0 && sqlEntities.Count == 0 && lastAsOf == asOf && !rebuild)
        {
            return await UpToDate($"every source file is already loaded and features are as of {asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
        }

        var total = Stopwatch.StartNew();
        var batchId = await db.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(max(BatchId), 0) + 1 FROM ops.Batch", cancellationToken: cancellationToken));
        var loads = new List<FileLoad>();
        var pending = new List<PendingLoad>();
        var tempFiles = new List<string>();
        var failureRecorded = false;
        string? how = null;
        try
        {
            // Phase 1, outside the transaction: read every new file into its own raw table, so that rowid is the
            // row's position in the file (rows inserted inside a transaction get transaction-local row ids).
            foreach (var spec in SourceEntities.InLoadOrder)
            {
                foreach (var file in newFiles.Where(f => f.Info.Entity == spec.Name))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    pending.Add(await RawReader.ReadAsync(db, spec, file.Info, "file", pending.Count, file.Info.IsParquet ? 1 : 2, null, cancellationToken));
                    KillPoint.At("sync:file-read");
                }

                foreach (var sql in sqlEntities.Where(s => string.Equals(s.Entity, spec.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    var read = await ReadSqlSourceAsync(db, spec, sql.Source, sql.Options, sql.Query, pending.Count, tempFiles, cancellationToken);
                    if (read is not null)
                    {
                        pending.Add(read);
                    }
                }
            }

            timings["read"] = total.Elapsed;
            if (pending.Count == 0 && lastAsOf == asOf && !rebuild)
            {
                return await UpToDate("the SQL sources returned no rows past their watermarks");
            }

            // Phase 2 orders what it needs explicitly (lines, versions), so DuckDB need not keep insertion order: its
            // operators can then stream and spill within Warehouse:MemoryLimit.
            await db.ExecuteAsync(new CommandDefinition("SET preserve_insertion_order = false", cancellationToken: cancellationToken));

            // Phase 2: one transaction for validation, staging and the merge into dw; phase 3, a second one for
            // features and snapshots. Committing between them gives the derived layers the whole memory limit
            // (an open transaction keeps its uncommitted row groups in memory); a batch whose phase 3 did not
            // commit stays 'Merged', and the next sync rebuilds the derived layers whole.
            var merged = await StageAndMergeAsync(db, pending, loads, batchId, asOf, lastAsOf, rebuild, timings, cancellationToken);
            if (merged is null)
            {
                return await UpToDate("the SQL sources returned only versions already staged");
            }

            failureRecorded = true; // the batch row exists: phase 3 records its own failure on it
            how = await RefreshDerivedAsync(db, batchId, asOf, lastAsOf, rebuild, timings, cancellationToken);
        }
        catch (Exception ex) when (!failureRecorded)
        {
            // A file that cannot be read, or a batch that cannot be staged or merged (rolled back), is a failed batch
            // in the run history.
            await RecordFailureAsync(db, batchId, asOf, ex, cancellationToken.IsCancellationRequested);
            throw;
        }
        finally
        {
            foreach (var p in pending)
            {
                await db.ExecuteAsync(new CommandDefinition(p.DropTables, cancellationToken: CancellationToken.None));
            }

            foreach (var f in tempFiles)
            {
                File.Delete(f);
            }
        }

        timings["total"] = total.Elapsed;
        return new SyncResult(batchId, asOf, SyncSummary.Of(files, loads), timings, await CountCustomersAsync(db, cancellationToken)) { Derived = how };
    }

    /// <summary>
    /// Phase 2, one transaction: validates and stages every pending read, then merges the batch into dw. Commits
    /// the batch as 'Merged' and returns its loaded rows; null (rolled back) when SQL sources brought only versions
    /// already staged and nothing else is to be done.
    /// </summary>
    private async Task<long?> StageAndMergeAsync(
        DuckDBConnection db, List<PendingLoad> pending, List<FileLoad> loads, long batchId, DateOnly asOf, DateOnly? lastAsOf, bool rebuild,
        Dictionary<string, TimeSpan> timings, CancellationToken cancellationToken)
    {
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        try
        {
            return await StageAndMergeInAsync(db, tx, pending, loads, batchId, asOf, lastAsOf, rebuild, timings, cancellationToken);
        }
        catch
        {
            await tx.RollbackAsync(CancellationToken.None);
            throw;
        }
    }

    private async Task<long?> StageAndMergeInAsync(
        DuckDBConnection db, System.Data.Common.DbTransaction tx, List<PendingLoad> pending, List<FileLoad> loads, long batchId, DateOnly asOf, DateOnly? lastAsOf,
        bool rebuild, Dictionary<string, TimeSpan> timings, CancellationToken cancellationToken)
    {
        await db.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ops.Batch VALUES ($id, $now, NULL, 'Running', $asof, 0, 0, 0, 0, NULL)",
            new { id = batchId, now = Now, asof = asOf.ToDateTime(TimeOnly.MinValue) }, cancellationToken: cancellationToken));
        KillPoint.At("sync:batch-begun");
        var step = Stopwatch.StartNew();
        await db.ExecuteAsync(new CommandDefinition(DwSql.CreateSlowKeys(), cancellationToken: cancellationToken));
        foreach (var p in pending)
        {
            cancellationToken.ThrowIfCancellationRequested();
            loads.Add(await LoadAsync(db, p, batchId, cancellationToken));
            KillPoint.At("sync:file-staged");
        }

        timings["validate+stage"] = step.Elapsed;
        var loadedRows = loads.Sum(l => l.Loaded);
        var rejectedRows = loads.Sum(l => l.Rejected);
        if (loadedRows == 0 && rejectedRows == 0 && loads.All(l => l.Kind == "sql") && lastAsOf == asOf && !rebuild)
        {
            // SQL sources are read from their watermark inclusive: rows seen before are not news.
            await tx.RollbackAsync(cancellationToken);
            return null;
        }

        await RequireAccountsAsync(db, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested(); // safe point: nothing is committed until the end
        step.Restart();
        await DerivedLayers.MarkTouchedAsync(db, batchId, cancellationToken);
        LogMerged(_log, "the touched accounts", step.Elapsed.TotalSeconds);
        await db.ExecuteAsync(new CommandDefinition(DwSql.RefreshDimCustomer, new { batch = batchId }, cancellationToken: cancellationToken));
        LogMerged(_log, "dw.DimCustomer", step.Elapsed.TotalSeconds);
        KillPoint.At("sync:merge-step");
        foreach (var t in DwSql.CurrentTables)
        {
            await db.ExecuteAsync(new CommandDefinition(DwSql.RefreshCurrent(t), new { batch = batchId }, cancellationToken: cancellationToken));
            LogMerged(_log, t.Target, step.Elapsed.TotalSeconds);
            KillPoint.At("sync:merge-step");
        }

        cancellationToken.ThrowIfCancellationRequested();
        await db.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ops.Batch SET Status = 'Merged', FilesLoaded = $files, RowsRead = $read, RowsLoaded = $loaded, RowsRejected = $rejected
            WHERE BatchId = $id
            """,
            new { id = batchId, files = loads.Count, read = loads.Sum(l => l.Read), loaded = loadedRows, rejected = rejectedRows }, cancellationToken: cancellationToken));
        KillPoint.At("sync:before-merge-commit");
        await tx.CommitAsync(cancellationToken);
        KillPoint.At("sync:merge-committed");
        timings["merge"] = step.Elapsed; // the load path ends with the committed merge
        return loadedRows;
    }

    /// <summary>
    /// Phase 3, one transaction: features and monthly snapshots, then the batch (and any earlier batch left
    /// 'Merged') is 'Committed'. On failure the batch stays 'Merged' with the reason, and the next sync rebuilds.
    /// </summary>
    private async Task<string> RefreshDerivedAsync(
        DuckDBConnection db, long batchId, DateOnly asOf, DateOnly? lastAsOf, bool rebuild, Dictionary<string, TimeSpan> timings, CancellationToken cancellationToken)
    {
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        try
        {
            var how = await DerivedLayers.RefreshAsync(db, batchId, asOf, lastAsOf, rebuild, MemorySize.Megabytes(_options.Warehouse.MemoryLimit), timings, cancellationToken);
            LogDerived(_log, how, timings["features"].TotalSeconds, timings["snapshot"].TotalSeconds);
            cancellationToken.ThrowIfCancellationRequested();
            await db.ExecuteAsync(new CommandDefinition(
                """
                UPDATE ops.Batch SET Status = 'Committed',
                       FinishedAt = CASE WHEN BatchId = $id THEN $now ELSE FinishedAt END,
                       Message = CASE WHEN BatchId = $id THEN NULL ELSE 'features and snapshots rebuilt by batch ' || $id END
                WHERE BatchId = $id OR Status = 'Merged'
                """,
                new { id = batchId, now = Now }, cancellationToken: cancellationToken));
            KillPoint.At("sync:before-derived-commit");
            await tx.CommitAsync(cancellationToken);
            KillPoint.At("sync:committed");
            return how;
        }
        catch (Exception ex)
        {
            await tx.RollbackAsync(CancellationToken.None);
            var why = cancellationToken.IsCancellationRequested ? "stopped before its features and snapshots were refreshed" : $"features and snapshots failed: {FirstLine(ex.Message)}";
            await RecordDerivedFailureAsync(db, batchId, why + "; its rows are merged, and the next sync rebuilds features and snapshots");
            throw;
        }
    }

    /// <summary>
    /// Opens the warehouse, waiting up to Sync:LockTimeout while another process (a reader included) has it open.
    /// A sync that gives up is recorded as a failed batch by the next one that gets in.
    /// </summary>
    private async Task<DuckDBConnection> OpenWarehouseAsync(DateOnly asOf, CancellationToken cancellationToken)
    {
        var pending = new PendingFailures(_folder);
        var started = Now;
        DuckDBConnection db;
        try
        {
            db = await new DuckDbWarehouse(_folder, _options.Warehouse).OpenForWriteAsync(cancellationToken, _options.Sync.LockTimeout, m => LogWaiting(_log, m));
        }
        catch (WarehouseLockedException ex)
        {
            pending.Add(started, asOf, ex.Message);
            throw;
        }

        await pending.ImportAsync(db, cancellationToken);
        return db;
    }

    private async Task<List<FoundFile>> DiscoverAsync(DuckDBConnection db, CancellationToken cancellationToken)
    {
        // The newest record of each file name: a file loaded again after a change has a record per load.
        var known = await db.QueryAsync<KnownSourceFile>(new CommandDefinition(
            """
            SELECT FileName, SizeBytes, Sha256, FileModifiedAt, BatchId FROM ops.SourceFile WHERE SourceKind = 'file'
            QUALIFY row_number() OVER (PARTITION BY FileName ORDER BY SourceFileId DESC) = 1
            """, cancellationToken: cancellationToken));
        return new SourceDiscovery(_folder, _options, _log).Find(known, cancellationToken);
    }

    private async Task<FileLoad> LoadAsync(DuckDBConnection db, PendingLoad p, long batchId, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var spec = p.Spec;
        var file = p.File;
        var checkSql = StagingSql.Check(p.RawTable, spec, p.Headers, p.LineOffset, _options.Sync.ReportingCurrency, p.MalformedLines, lineShifts: p.LineShifts);
        await db.ExecuteAsync(new CommandDefinition(checkSql, cancellationToken: cancellationToken));
        LogChecked(_log, file.RelativeName, watch.Elapsed.TotalSeconds);
        var malformed = p.MalformedLines is null ? 0 : await db.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM {p.MalformedLines}", cancellationToken: cancellationToken));
        var read = malformed + await db.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM {StagingSql.CheckedTable}", cancellationToken: cancellationToken));
        var rejected = malformed + await db.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM {StagingSql.CheckedTable} WHERE _reason IS NOT NULL", cancellationToken: cancellationToken));
        if (RejectionLimit.Exceeded(_options.Sync, read, rejected))
        {
            var malformedSamples = p.MalformedLines is null ? "" : $"SELECT line, 'malformed CSV row: ' || error_message FROM {p.MalformedLines} UNION ALL ";
            var samples = await db.QueryAsync<(long Line, string Reason)>(new CommandDefinition(
                $"SELECT * FROM ({malformedSamples}SELECT _line, _reason FROM {StagingSql.CheckedTable} WHERE _reason IS NOT NULL) ORDER BY 1 LIMIT 5", cancellationToken: cancellationToken));
            throw RejectionLimit.Error(_options.Sync, file.RelativeName, read, rejected, samples);
        }

        var fileId = await db.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(max(SourceFileId), 0) + 1 FROM ops.SourceFile", cancellationToken: cancellationToken));
        if (p.MalformedLines is not null)
        {
            await db.ExecuteAsync(new CommandDefinition(StagingSql.InsertMalformed(p.MalformedLines), new { batch = batchId, file = fileId, entity = spec.Name, name = file.RelativeName }, cancellationToken: cancellationToken));
        }

        await db.ExecuteAsync(new CommandDefinition(StagingSql.InsertRejected(p.RawTable), new { batch = batchId, file = fileId, entity = spec.Name, name = file.RelativeName }, cancellationToken: cancellationToken));
        LogRejectionsWritten(_log, file.RelativeName, watch.Elapsed.TotalSeconds);
        var current = DwSql.ForStaging(spec.StagingTable);
        if (current is not null)
        {
            // Before corrections and the insert change staging: which of the file's keys were there already.
            await db.ExecuteAsync(new CommandDefinition(DwSql.PriorKeys(current), cancellationToken: cancellationToken));
            LogStep(_log, file.RelativeName, "keys staged before", watch.Elapsed.TotalSeconds);
        }

        var corrections = 0L;
        if (spec.HasModifiedAt)
        {
            await db.ExecuteAsync(new CommandDefinition(StagingSql.Corrections(spec), new { batch = batchId, file = fileId, entity = spec.Name, name = file.RelativeName }, cancellationToken: cancellationToken));
            corrections = await db.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM sm_corr", cancellationToken: cancellationToken));
            if (corrections > 0)
            {
                LogCorrections(_log, file.RelativeName, corrections);
            }
        }

        var duplicates = await db.ExecuteScalarAsync<bool>(new CommandDefinition(
            current is null ? StagingSql.HasDuplicateVersions(spec) : DwSql.AnyRepeated, cancellationToken: cancellationToken));

        LogStep(_log, file.RelativeName, "corrections", watch.Elapsed.TotalSeconds);
        var loaded = await db.ExecuteAsync(new CommandDefinition(StagingSql.InsertAccepted(spec, duplicates), new { batch = batchId, file = fileId }, cancellationToken: cancellationToken));
        LogStep(_log, file.RelativeName, "staging insert", watch.Elapsed.TotalSeconds);
        if (current is not null)
        {
            await db.ExecuteAsync(new CommandDefinition(DwSql.AfterStaging(current), new { batch = batchId, file = fileId }, cancellationToken: cancellationToken));
            LogStep(_log, file.RelativeName, "new keys to " + current.Target, watch.Elapsed.TotalSeconds);
        }

        LogStaged(_log, file.RelativeName, watch.Elapsed.TotalSeconds);
        if (spec == SourceEntities.FxRates)
        {
            loaded = (int)(read - rejected);
        }

        await db.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ops.SourceFile (SourceFileId, BatchId, SourceKind, Entity, FileName, SizeBytes, Sha256, RowsRead, RowsLoaded, RowsRejected, LoadedAt, FileModifiedAt)
            VALUES ($id, $batch, $kind, $entity, $name, $size, $sha, $read, $loaded, $rejected, $now, $modified)
            """,
            new { id = fileId, batch = batchId, kind = p.Kind, entity = spec.Name, name = file.RelativeName, size = file.SizeBytes, sha = file.Sha256, read, loaded = (long)loaded, rejected, now = Now, modified = file.FileModifiedAt }, cancellationToken: cancellationToken));
        if (p.Watermark is { } w)
        {
            await db.ExecuteAsync(new CommandDefinition(
                "INSERT OR REPLACE INTO ops.SourceWatermark VALUES ($s, $e, $w, $b)",
                new { s = w.Source, e = spec.Name, w = w.Max, b = batchId }, cancellationToken: cancellationToken));
        }

        // What the file's rows took in memory (or in the spill folder) is given back before the next file.
        await db.ExecuteAsync(new CommandDefinition(
            $"{p.DropTables}; DROP TABLE {StagingSql.CheckedTable}; DROP TABLE IF EXISTS sm_corr; DROP TABLE IF EXISTS sm_prior", cancellationToken: cancellationToken));
        LogLoaded(_log, file.RelativeName, read, loaded, rejected, watch.Elapsed.TotalSeconds);
        return new FileLoad(spec.Name, p.Kind, read, loaded, rejected);
    }

    private async Task<PendingLoad?> ReadSqlSourceAsync(
        DuckDBConnection db, EntitySpec spec, string sourceName, SqlSourceOptions source, SqlEntityOptions entity, int index, List<string> tempFiles, CancellationToken cancellationToken)
    {
        var stored = await db.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "SELECT Watermark FROM ops.SourceWatermark WHERE SourceName = $s AND Entity = $e", new { s = sourceName, e = spec.Name }, cancellationToken: cancellationToken));
        return await SqlSourceExtract.ToCsvAsync(_sqlReader, _log, spec, sourceName, source, entity, stored, tempFiles, cancellationToken) is { } extract
            ? await RawReader.ReadAsync(db, spec, extract.File, "sql", index, 1, extract.Watermark, cancellationToken)
            : null;
    }

    private static async Task RequireAccountsAsync(DuckDBConnection db, CancellationToken cancellationToken)
    {
        if (!await db.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM stg.Account)", cancellationToken: cancellationToken)))
        {
            throw new WarehouseException("no accounts loaded: the accounts entity is required (sources/crm/accounts*.csv or .parquet, or a SQL source)");
        }
    }

    private async Task RecordFailureAsync(DuckDBConnection db, long batchId, DateOnly asOf, Exception ex, bool stopped)
    {
        try
        {
            await db.ExecuteAsync(new CommandDefinition(
                "INSERT INTO ops.Batch VALUES ($id, $now, $now, $status, $asof, 0, 0, 0, 0, $msg)",
                new { id = batchId, now = Now, status = stopped ? "Cancelled" : "Failed", asof = asOf.ToDateTime(TimeOnly.MinValue), msg = Truncate(stopped ? "stopped (Ctrl+C, SIGTERM or a worker stop) before it finished; nothing of it was kept" : ex.Message, 4000) },
                cancellationToken: CancellationToken.None));
        }
        catch (DuckDB.NET.Data.DuckDBException recordError)
        {
            LogNotRecorded(_log, recordError.Message);
        }
    }

    private async Task RecordDerivedFailureAsync(DuckDBConnection db, long batchId, string message)
    {
        try
        {
            await db.ExecuteAsync(new CommandDefinition(
                "UPDATE ops.Batch SET FinishedAt = $now, Message = $msg WHERE BatchId = $id",
                new { id = batchId, now = Now, msg = Truncate(message, 4000) }, cancellationToken: CancellationToken.None));
        }
        catch (DuckDB.NET.Data.DuckDBException recordError)
        {
            LogNotRecorded(_log, recordError.Message);
        }
    }

    private static async Task<int> CountCustomersAsync(DuckDBConnection db, CancellationToken cancellationToken) =>
        await db.ExecuteScalarAsync<int>(new CommandDefinition("SELECT count(*) FROM dw.CustomerFeatures", cancellationToken: cancellationToken));

    private static string FirstLine(string s)
    {
        var i = s.IndexOf('\n', StringComparison.Ordinal);
        return i < 0 ? s : s[..i];
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n];
}
