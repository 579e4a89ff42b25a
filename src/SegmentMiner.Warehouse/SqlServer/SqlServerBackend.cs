using Dapper;
using SegmentMiner.Warehouse.Jobs;
using SegmentMiner.Warehouse.Publishing;
using SegmentMiner.Warehouse.Status;

namespace SegmentMiner.Warehouse.SqlServer;

/// <summary>The production warehouse on SQL Server: every writer takes its own application lock inside its transaction.</summary>
public sealed class SqlServerBackend(string connectionString, TimeSpan? commandTimeout = null) : IWarehouseBackend
{
    private readonly SqlServerWarehouse _db = new(connectionString, commandTimeout);

    public string Dialect => SqlServerWarehouse.Dialect;

    public JobRunStore JobRuns => new SqlServerJobRunStore(_db);

    public StatusReader Status => new SqlServerStatusReader(_db);

    /// <summary>The sync into this warehouse.</summary>
    public Warehouse.Sync.ISyncService CreateSync(Core.Configuration.SegmentMinerOptions options, DataFolder folder, Microsoft.Extensions.Logging.ILogger log, TimeProvider clock) =>
        new SqlServerSync(_db, options, folder, log, clock: clock);

    public Reading.IWarehouseReader Reader => new Reading.SqlServerReader(_db);

    public Task EnsureReadyAsync(CancellationToken cancellationToken) => _db.EnsureCurrentAsync(cancellationToken);

    public Task<QueryResult> QueryAsync(string sql, CancellationToken cancellationToken) => SqlServerReadOnlyQuery.RunAsync(_db, sql, cancellationToken);

    public async Task<SegmentStoreLease> OpenSegmentStoreAsync(Action<string> waiting, CancellationToken cancellationToken)
    {
        await _db.EnsureCurrentAsync(cancellationToken);
        return new SegmentStoreLease(new SqlServerSegmentStore(_db), null);
    }

    public Task<IReadOnlyList<MigrationScript>> MigrateAsync(Action<string> waiting, CancellationToken cancellationToken) => _db.MigrateAsync(waiting, cancellationToken);

    public async Task<RetentionResult> ApplyRetentionAsync(RetentionLimits limits, Action<string> waiting, CancellationToken cancellationToken)
    {
        await _db.EnsureCurrentAsync(cancellationToken);
        await using var db = await _db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        await db.ExecuteAsync(new CommandDefinition(SqlServerSegmentStore.Lock, transaction: tx, commandTimeout: 660, cancellationToken: cancellationToken));
        var result = await RetentionSql.RunAsync(db, tx, limits, sql => sql, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return result;
    }

    public async Task CheckReachableAsync(CancellationToken cancellationToken)
    {
        await using var db = await _db.OpenAsync(cancellationToken);
        _ = await db.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
    }
}
