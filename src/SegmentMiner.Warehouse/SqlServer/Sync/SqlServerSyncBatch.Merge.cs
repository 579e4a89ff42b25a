using System.Data.Common;
using System.Diagnostics;
using Dapper;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Warehouse.SqlServer.Sync;

/// <summary>The merge into dw and the derived layers of a SQL Server batch.</summary>
public sealed partial class SqlServerSyncBatch
{
    private async Task MergeAsync(DbTransaction tx, BatchState state, CancellationToken ct)
    {
        if (await _db.ExecuteScalarAsync<int>(Command(HasAccounts, null, tx, ct)) == 0)
        {
            throw new WarehouseException("no accounts loaded: the accounts entity is required (sources/crm/accounts*.csv or .parquet, or a SQL source)");
        }

        var step = Stopwatch.StartNew();
        var batch = new { batch = state.BatchId };
        await _db.ExecuteAsync(Command(SqlServerDwSql.Touched(), batch, tx, ct));
        await _db.ExecuteAsync(Command(SqlServerDwSql.RefreshDimCustomer(), batch, tx, ct));
        LogMerged(_log, "dw.DimCustomer", step.Elapsed.TotalSeconds);
        foreach (var t in DwSql.CurrentTables)
        {
            ct.ThrowIfCancellationRequested();
            await _db.ExecuteAsync(Command(SqlServerDwSql.MergeCurrent(t), batch, tx, ct));
            LogMerged(_log, t.Target, step.Elapsed.TotalSeconds);
        }

        state.Timings["merge"] = step.Elapsed;
    }

    /// <summary>
    /// Features and snapshots, with DuckDB's scope rules: a full rebuild when there is no earlier batch, when asked,
    /// when the as-of date moved back, or when a source appeared; otherwise the touched accounts (all customers'
    /// features when the as-of date moved forward, with the snapshot months that can change).
    /// </summary>
    private async Task<string> RefreshDerivedAsync(DbTransaction tx, BatchState state, CancellationToken ct)
    {
        var all = state.Rebuild || state.LastAsOf is not { } previous || state.AsOf < previous
                  || await _db.ExecuteScalarAsync<int>(Command(SqlServerDwSql.SourceAppeared(), new { batch = state.BatchId }, tx, ct)) == 1;
        var moved = !all && state.AsOf != state.LastAsOf;
        var touched = await _db.ExecuteScalarAsync<long>(Command(TouchedCount, null, tx, ct));
        var at = state.AsOf.ToDateTime(TimeOnly.MinValue);
        var step = Stopwatch.StartNew();
        await _db.ExecuteAsync(Command(SqlServerDerivedSql.Features(all || moved), new { batch = state.BatchId, asof = at }, tx, ct));
        state.Timings["features"] = step.Elapsed;
        ct.ThrowIfCancellationRequested();
        step.Restart();
        var previousAt = (state.LastAsOf ?? state.AsOf).ToDateTime(TimeOnly.MinValue);
        await _db.ExecuteAsync(Command(SqlServerDerivedSql.Pairs, new { asof = at, previous = previousAt, all, moved }, tx, ct));
        await _db.ExecuteAsync(Command(SqlServerDerivedSql.SnapshotDelete(all, moved), null, tx, ct));
        await _db.ExecuteAsync(Command(SqlServerDerivedSql.SnapshotInsert(), new { batch = state.BatchId, asof = at }, tx, ct));
        state.Timings["snapshot"] = step.Elapsed;
        var how = all ? "full rebuild" : $"incremental: {touched} accounts touched{(moved ? ", as-of date moved" : "")}";
        LogDerived(_log, how, state.Timings["features"].TotalSeconds, state.Timings["snapshot"].TotalSeconds);
        return how;
    }
}
