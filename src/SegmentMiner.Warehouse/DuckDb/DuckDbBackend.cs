using Dapper;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Warehouse.Jobs;
using SegmentMiner.Warehouse.Publishing;
using SegmentMiner.Warehouse.Status;

namespace SegmentMiner.Warehouse.DuckDb;

/// <summary>The embedded warehouse: one DuckDB file in the data folder, written under the folder's writer lock.</summary>
public sealed class DuckDbBackend(DataFolder folder, WarehouseOptions warehouse, SyncOptions sync) : IWarehouseBackend
{
    private static ReadOnlySpan<byte> Magic => "DUCK"u8;

    private readonly DuckDbWarehouse _db = new(folder, warehouse);

    public string Dialect => DuckDbWarehouse.Dialect;

    public DuckDbWarehouse Warehouse => _db;

    public JobRunStore JobRuns => new DuckDbJobRunStore(_db);

    public StatusReader Status => new DuckDbStatusReader(_db);

    public Reading.IWarehouseReader Reader => new Reading.DuckDbReader(_db);

    public Task EnsureReadyAsync(CancellationToken cancellationToken) => CheckReachableAsync(cancellationToken);

    public Task<QueryResult> QueryAsync(string sql, CancellationToken cancellationToken) => ReadOnlyQuery.RunAsync(_db, sql, cancellationToken);

    public async Task<SegmentStoreLease> OpenSegmentStoreAsync(Action<string> waiting, CancellationToken cancellationToken)
    {
        var writer = Writer(waiting, cancellationToken);
        try
        {
            await using (await _db.OpenForWriteAsync(cancellationToken))
            {
                // applies pending migrations (the seg schema) before anything is read
            }

            return new SegmentStoreLease(new DuckDbSegmentStore(_db), writer);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    public async Task<IReadOnlyList<MigrationScript>> MigrateAsync(Action<string> waiting, CancellationToken cancellationToken)
    {
        using var writer = Writer(waiting, cancellationToken);
        await using (await _db.OpenForWriteAsync(cancellationToken))
        {
            return _db.LastApplied;
        }
    }

    public async Task<RetentionResult> ApplyRetentionAsync(RetentionLimits limits, Action<string> waiting, CancellationToken cancellationToken)
    {
        using var writer = Writer(waiting, cancellationToken);
        await using var db = await _db.OpenForWriteAsync(cancellationToken);
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        var result = await RetentionSql.RunAsync(db, tx, limits, sql => sql.Replace('@', '$'), cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>The data folder's writer lock (the folder created first), waited for up to Sync:LockTimeout.</summary>
    private WriterLock Writer(Action<string> waiting, CancellationToken cancellationToken)
    {
        folder.EnsureExists();
        return WriterLock.Acquire(folder.LockFile, sync.LockTimeout, waiting, cancellationToken);
    }

    /// <summary>
    /// Reachable when the file is absent (the first sync creates it) or is a DuckDB database: its header is read,
    /// not the database opened, so that a probe never contends with a running job for the file.
    /// </summary>
    public async Task CheckReachableAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(folder.Root) && !Directory.Exists(folder.Root))
        {
            throw new WarehouseException($"the data folder '{folder.Root}' is a file");
        }

        if (!_db.Exists)
        {
            return;
        }

        var header = new byte[12];
        try
        {
            await using var file = new FileStream(_db.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var read = await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
            if (read < header.Length || !header.AsSpan(8, 4).SequenceEqual(Magic))
            {
                throw new WarehouseException($"the warehouse '{_db.FilePath}' is not a DuckDB database");
            }
        }
        catch (IOException ex)
        {
            throw new WarehouseException($"cannot read the warehouse '{_db.FilePath}': {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new WarehouseException($"cannot read the warehouse '{_db.FilePath}': {ex.Message}", ex);
        }
    }
}
