using System.Diagnostics;
using Dapper;
using DuckDB.NET.Data;
using SegmentMiner.Core;

namespace SegmentMiner.Warehouse.Sync;

/// <summary>
/// Brings features and monthly snapshots up to date after a batch's merge. A full rebuild when there is no earlier
/// batch, when asked, when the as-of date moved back, or when a source appeared for the first time; otherwise the
/// features of the touched accounts (all of them when the as-of date moved, since most depend on it) and the
/// snapshot months of the touched accounts plus, when the as-of date moved forward, every customer's months from
/// the previous as-of date's month on.
/// </summary>
internal static class DerivedLayers
{
    /// <summary>Run before the merge: records the accounts the batch touches (sm_touched).</summary>
    public static Task MarkTouchedAsync(DuckDBConnection db, long batchId, CancellationToken ct) =>
        db.ExecuteAsync(new CommandDefinition(DwSql.Touched(), new { batch = batchId }, cancellationToken: ct));

    /// <summary>Refreshes both layers; returns how ("full", or "incremental: N accounts touched").</summary>
    public static async Task<string> RefreshAsync(
        DuckDBConnection db, long batchId, DateOnly asOf, DateOnly? previous, bool rebuild, long memoryLimitMb, IDictionary<string, TimeSpan> timings, CancellationToken ct)
    {
        var all = rebuild || previous is not { } p || asOf < p
                  || await db.ExecuteScalarAsync<bool?>(new CommandDefinition(DwSql.SourceAppeared, new { batch = batchId }, cancellationToken: ct)) == true;
        var moved = !all && asOf != previous;
        var touched = await db.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM sm_touched", cancellationToken: ct));
        var at = asOf.ToDateTime(TimeOnly.MinValue);
        var step = Stopwatch.StartNew();
        await db.ExecuteAsync(new CommandDefinition(DerivedSql.Features(all || moved), new { batch = batchId, asof = at }, cancellationToken: ct));
        timings["features"] = step.Elapsed;
        KillPoint.At("sync:features");
        ct.ThrowIfCancellationRequested();
        step.Restart();
        var parameters = new { batch = batchId, asof = at, previous = (previous ?? asOf).ToDateTime(TimeOnly.MinValue), all, moved };
        await db.ExecuteAsync(new CommandDefinition(DerivedSql.Pairs, parameters, cancellationToken: ct));
        await db.ExecuteAsync(new CommandDefinition(DerivedSql.SnapshotDelete(all, moved), cancellationToken: ct));
        KillPoint.At("sync:snapshots-deleted");
        await InsertSnapshotsAsync(db, batchId, at, all, memoryLimitMb, ct);
        await db.ExecuteAsync(new CommandDefinition("DROP TABLE IF EXISTS sm_pairs; DROP TABLE IF EXISTS sm_touched", cancellationToken: ct));
        timings["snapshot"] = step.Elapsed;
        return all ? "full rebuild" : $"incremental: {touched} accounts touched{(moved ? ", as-of date moved" : "")}";
    }

    /// <summary>
    /// Inserts the snapshot rows of sm_pairs, in one statement or, when the pairs are more than the memory limit
    /// holds in one pass (about 3,000 per MB above a 32 MB floor, measured on DuckDB 1.5), in chunks of accounts
    /// (by hash), each reading only its own invoices: a small Warehouse:MemoryLimit takes longer instead of failing.
    /// </summary>
    private static async Task InsertSnapshotsAsync(DuckDBConnection db, long batchId, DateTime at, bool all, long memoryLimitMb, CancellationToken ct)
    {
        var pairs = await db.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM sm_pairs", cancellationToken: ct));
        var perChunk = Math.Max(memoryLimitMb - 32, 8) * 3_000;
        var chunks = (pairs + perChunk - 1) / perChunk;
        if (chunks <= 1)
        {
            await db.ExecuteAsync(new CommandDefinition(DerivedSql.SnapshotInsert("sm_pairs", everyPair: all), new { batch = batchId, asof = at }, cancellationToken: ct));
            return;
        }

        for (var k = 0; k < chunks; k++)
        {
            ct.ThrowIfCancellationRequested();
            await db.ExecuteAsync(new CommandDefinition(
                $"CREATE OR REPLACE TEMP TABLE sm_chunk AS SELECT * FROM sm_pairs WHERE hash(AccountId) % {chunks} = {k}", cancellationToken: ct));
            await db.ExecuteAsync(new CommandDefinition(DerivedSql.SnapshotInsert("sm_chunk", everyPair: false), new { batch = batchId, asof = at }, cancellationToken: ct));
        }

        await db.ExecuteAsync(new CommandDefinition("DROP TABLE sm_chunk", cancellationToken: ct));
    }
}
