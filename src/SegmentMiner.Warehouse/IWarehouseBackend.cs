using SegmentMiner.Warehouse.Jobs;
using SegmentMiner.Warehouse.Publishing;
using SegmentMiner.Warehouse.Status;

namespace SegmentMiner.Warehouse;

/// <summary>
/// The configured warehouse (DuckDB or SQL Server), chosen once by the composition root: the stores the use cases
/// read and write, so that no use case asks which dialect it runs on.
/// </summary>
public interface IWarehouseBackend
{
    /// <summary>The migrations folder's dialect: duckdb or sqlserver.</summary>
    string Dialect { get; }

    /// <summary>ops.JobRun: the run history of the jobs.</summary>
    JobRunStore JobRuns { get; }

    /// <summary>What <c>segminer status</c> reads.</summary>
    StatusReader Status { get; }

    /// <summary>The seg schema's writer, migrated and (on DuckDB) under the data folder's writer lock until disposed.</summary>
    Task<SegmentStoreLease> OpenSegmentStoreAsync(Action<string> waiting, CancellationToken cancellationToken);

    /// <summary>Applies pending migrations; returns what it applied.</summary>
    Task<IReadOnlyList<MigrationScript>> MigrateAsync(Action<string> waiting, CancellationToken cancellationToken);

    /// <summary>Deletes job runs, failed batches and rejected rows older than the cutoff, and published runs beyond the limit (never a current one).</summary>
    Task<RetentionResult> ApplyRetentionAsync(RetentionLimits limits, Action<string> waiting, CancellationToken cancellationToken);

    /// <summary>Read-only access to the views, for the embedded engine.</summary>
    Reading.IWarehouseReader Reader { get; }

    /// <summary>
    /// Opens the warehouse and checks its schema version, before a command does anything else: on SQL Server an
    /// unreachable server or an outdated schema fails here, the same way for every command. On DuckDB the file is
    /// created by the first sync, so only a data folder that cannot hold it fails.
    /// </summary>
    Task EnsureReadyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// An analyst's read-only query (<c>segminer sql</c>): refused before any connection unless it is one statement
    /// that only reads, then run where it cannot write.
    /// </summary>
    Task<QueryResult> QueryAsync(string sql, CancellationToken cancellationToken);


    /// <summary>Throws a <see cref="WarehouseException"/> when the warehouse cannot be reached; cheap enough for a health probe.</summary>
    Task CheckReachableAsync(CancellationToken cancellationToken);
}
