using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Warehouse.SqlServer.Sync;

/// <summary>
/// One sync into SQL Server, in one transaction under an application lock (one writer at a time): files found and
/// read as on DuckDB (same discovery, same reader, same format checks, hence the same lines and reasons), each
/// file's checked rows bulk copied into a temporary table, the warehouse's own rules applied set-based, rejected
/// rows kept, accepted rows staged, then the merge into dw (type 2 customers, a MERGE per current table), features
/// and snapshots (incremental as on DuckDB), and the batch committed. Any failure rolls all of it back and records
/// a failed batch. Runs on any <see cref="DbConnection"/>, so tests can record what it sends.
/// </summary>
public sealed partial class SqlServerSyncBatch
{
    internal const string Lock = """
        DECLARE @result INT;
        EXEC @result = sp_getapplock @Resource = N'SegmentMiner.sync', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = @timeout;
        SELECT @result;
        """;

    internal const string KnownFiles = """
        SELECT f.FileName, f.SizeBytes, f.Sha256, f.FileModifiedAt, f.BatchId
        FROM (SELECT FileName, SizeBytes, Sha256, FileModifiedAt, BatchId, ROW_NUMBER() OVER (PARTITION BY FileName ORDER BY SourceFileId DESC) AS rn
              FROM ops.SourceFile WHERE SourceKind = N'file') AS f
        WHERE f.rn = 1;
        """;

    internal const string LastAsOf = "SELECT TOP (1) AsOfDate FROM ops.Batch WHERE Status = N'Committed' ORDER BY BatchId DESC;";
    internal const string NextBatch = "SELECT COALESCE(MAX(BatchId), 0) + 1 FROM ops.Batch;";
    internal const string NextFile = "SELECT COALESCE(MAX(SourceFileId), 0) + 1 FROM ops.SourceFile;";
    internal const string HasAccounts = "SELECT CASE WHEN EXISTS (SELECT 1 FROM stg.Account) THEN 1 ELSE 0 END;";
    internal const string TouchedCount = "SELECT COUNT(*) FROM #touched;";
    internal const string Customers = "SELECT COUNT(*) FROM dw.CustomerFeatures;";
    internal const string ReadWatermark = "SELECT Watermark FROM ops.SourceWatermark WHERE SourceName = @source AND Entity = @entity;";

    internal const string StartBatch = """
        INSERT INTO ops.Batch (BatchId, StartedAt, FinishedAt, Status, AsOfDate, FilesLoaded, RowsRead, RowsLoaded, RowsRejected, Message)
        VALUES (@id, @now, NULL, N'Running', @asof, 0, 0, 0, 0, NULL);
        """;

    internal const string InsertSourceFile = """
        INSERT INTO ops.SourceFile (SourceFileId, BatchId, SourceKind, Entity, FileName, SizeBytes, Sha256, RowsRead, RowsLoaded, RowsRejected, LoadedAt, FileModifiedAt)
        VALUES (@id, @batch, @kind, @entity, @name, @size, @sha, @read, @loaded, @rejected, @now, @modified);
        """;

    internal const string WriteWatermark = """
        MERGE ops.SourceWatermark WITH (HOLDLOCK) AS w
        USING (SELECT @source AS SourceName, @entity AS Entity) AS n ON w.SourceName = n.SourceName AND w.Entity = n.Entity
        WHEN MATCHED THEN UPDATE SET w.Watermark = @watermark, w.BatchId = @batch
        WHEN NOT MATCHED THEN INSERT (SourceName, Entity, Watermark, BatchId) VALUES (@source, @entity, @watermark, @batch);
        """;

    internal const string FinishBatch = """
        UPDATE ops.Batch SET Status = N'Committed', FinishedAt = @now, FilesLoaded = @files, RowsRead = @read, RowsLoaded = @loaded, RowsRejected = @rejected
        WHERE BatchId = @id;
        """;

    internal const string RecordFailure = """
        INSERT INTO ops.Batch (BatchId, StartedAt, FinishedAt, Status, AsOfDate, FilesLoaded, RowsRead, RowsLoaded, RowsRejected, Message)
        SELECT COALESCE(MAX(BatchId), 0) + 1, @started, @now, @status, @asof, 0, 0, 0, 0, @message FROM ops.Batch;
        """;

    private readonly DbConnection _db;
    private readonly IBulkLoader _bulk;
    private readonly SegmentMinerOptions _options;
    private readonly DataFolder _folder;
    private readonly ILogger _log;
    private readonly ISqlSourceReader _sqlReader;
    private readonly TimeProvider _clock;
    private readonly string _describe;
    private readonly string _reporting;

    public SqlServerSyncBatch(
        DbConnection db, IBulkLoader bulk, SegmentMinerOptions options, DataFolder folder, ILogger log, string describe,
        ISqlSourceReader? sqlReader = null, TimeProvider? clock = null)
    {
        _db = db;
        _bulk = bulk;
        _options = options;
        _folder = folder;
        _log = log;
        _describe = describe;
        _reporting = options.Sync.ReportingCurrency;
        _sqlReader = sqlReader ?? new SqlSourceReader();
        _clock = clock ?? TimeProvider.System;
    }

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    /// <summary>Runs one batch; the result's BatchId is null when nothing was new (nothing was written).</summary>
    public async Task<SyncResult> RunAsync(DateOnly asOf, bool rebuild, CancellationToken cancellationToken)
    {
        var started = Now;
        var state = new BatchState(asOf, rebuild, Stopwatch.StartNew());
        await using (var tx = await _db.BeginTransactionAsync(cancellationToken))
        {
            try
            {
                var result = await RunInAsync(tx, state, cancellationToken);
                if (result.UpToDate)
                {
                    await tx.RollbackAsync(CancellationToken.None);
                }
                else
                {
                    await tx.CommitAsync(cancellationToken);
                }

                return result;
            }
            catch (Exception ex) when (ex is not WarehouseLockedException)
            {
                await tx.RollbackAsync(CancellationToken.None);
                await RecordFailureAsync(started, asOf, ex, cancellationToken.IsCancellationRequested);
                throw;
            }
            finally
            {
                state.DeleteTempFiles();
            }
        }
    }

    private async Task<SyncResult> RunInAsync(DbTransaction tx, BatchState state, CancellationToken ct)
    {
        await LockAsync(tx, ct);
        state.Files = new SourceDiscovery(_folder, _options, _log).Find(await _db.QueryAsync<KnownSourceFile>(Command(KnownFiles, null, tx, ct)), ct);
        state.LastAsOf = await _db.ExecuteScalarAsync<DateTime?>(Command(LastAsOf, null, tx, ct)) is { } last ? DateOnly.FromDateTime(last) : null;
        var sqlEntities = SqlEntities();
        if (!state.Files.Any(f => f.IsNew) && sqlEntities.Count == 0 && !state.Derives)
        {
            return await UpToDateAsync(tx, state, "every source file is already loaded and features are as of " + state.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ct);
        }

        state.BatchId = await _db.ExecuteScalarAsync<long>(Command(NextBatch, null, tx, ct));
        await _db.ExecuteAsync(Command(StartBatch, new { id = state.BatchId, now = Now, asof = state.AsOf.ToDateTime(TimeOnly.MinValue) }, tx, ct));
        await _db.ExecuteAsync(Command(SqlServerDwSql.CreateTouched, null, tx, ct));
        await using (var duck = await OpenReaderAsync(ct))
        {
            await LoadSourcesAsync(duck, tx, state, sqlEntities, ct);
        }

        state.Timings["validate+stage"] = state.Total.Elapsed;
        if (state.Loads.All(l => l.Kind == "sql" && l.Loaded == 0 && l.Rejected == 0) && !state.Files.Any(f => f.IsNew) && !state.Derives)
        {
            return await UpToDateAsync(tx, state, "the SQL sources returned only versions already staged", ct);
        }

        await MergeAsync(tx, state, ct);
        var how = await RefreshDerivedAsync(tx, state, ct);
        var loads = state.Loads;
        await _db.ExecuteAsync(Command(FinishBatch, new
        {
            id = state.BatchId, now = Now, files = loads.Count, read = loads.Sum(l => l.Read), loaded = loads.Sum(l => l.Loaded), rejected = loads.Sum(l => l.Rejected),
        }, tx, ct));
        state.Timings["total"] = state.Total.Elapsed;
        var customers = await _db.ExecuteScalarAsync<int>(Command(Customers, null, tx, ct));
        return new SyncResult(state.BatchId, state.AsOf, SyncSummary.Of(state.Files, loads), state.Timings, customers) { Derived = how };
    }

    private async Task<SyncResult> UpToDateAsync(DbTransaction tx, BatchState state, string why, CancellationToken ct)
    {
        LogNothingNew(_log, why);
        var customers = await _db.ExecuteScalarAsync<int>(Command(Customers, null, tx, ct));
        return new SyncResult(null, state.AsOf, SyncSummary.Of(state.Files, []), state.Timings, customers);
    }

    /// <summary>The application lock, held until the transaction ends; waits up to Sync:LockTimeout for another sync.</summary>
    private async Task LockAsync(DbTransaction tx, CancellationToken ct)
    {
        var timeout = (int)Math.Clamp(_options.Sync.LockTimeout.TotalMilliseconds, 0, int.MaxValue);
        var result = await _db.ExecuteScalarAsync<int>(Command(Lock, new { timeout }, tx, ct));
        if (result < 0)
        {
            throw new WarehouseLockedException(
                $"another sync is writing to {_describe} (application lock SegmentMiner.sync not granted within Sync:LockTimeout {_options.Sync.LockTimeout}, code {result}); nothing was loaded, try again when it finishes");
        }
    }

    private List<(string Source, SqlSourceOptions Options, string Entity, SqlEntityOptions Query)> SqlEntities() =>
        _options.Sources.SelectMany(s => s.Value.Entities.Select(e => (Source: s.Key, Options: s.Value, Entity: e.Key, Query: e.Value))).ToList();

    /// <summary>An in-memory DuckDB for reading and checking the files, with the warehouse's time zone and memory limit.</summary>
    private async Task<DuckDBConnection> OpenReaderAsync(CancellationToken ct)
    {
        var duck = new DuckDBConnection("Data Source=:memory:");
        await duck.OpenAsync(ct);
        var mb = MemorySize.Megabytes(_options.Warehouse.MemoryLimit).ToString(CultureInfo.InvariantCulture);
        _folder.EnsureExists();
        Directory.CreateDirectory(_folder.TempFolder);
        await duck.ExecuteAsync(new CommandDefinition(
            $"SET TimeZone = 'UTC'; SET memory_limit = '{mb}MiB'; SET temp_directory = {Warehouse.Sync.Sql.Literal(_folder.TempFolder)};", cancellationToken: ct));
        return duck;
    }

    private CommandDefinition Command(string sql, object? parameters, DbTransaction tx, CancellationToken ct) =>
        new(sql, parameters, tx, commandTimeout: null, cancellationToken: ct);

    private async Task RecordFailureAsync(DateTime started, DateOnly asOf, Exception ex, bool stopped)
    {
        try
        {
            await _db.ExecuteAsync(new CommandDefinition(RecordFailure, new
            {
                started, now = Now, status = stopped ? "Cancelled" : "Failed", asof = asOf.ToDateTime(TimeOnly.MinValue),
                message = Truncate(stopped ? "stopped (Ctrl+C, SIGTERM or a worker stop) before it finished; nothing of it was kept" : ex.Message, 4000),
            }, cancellationToken: CancellationToken.None));
        }
        catch (DbException recordError)
        {
            LogNotRecorded(_log, recordError.Message);
        }
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n];
}
