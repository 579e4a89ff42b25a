using Dapper;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Reliability.Tests;

/// <summary>
/// Every table of the warehouse as row count and an order-independent checksum, without what differs between two
/// runs that did the same work: clock times (started, finished, loaded, published, applied) and the rows that record
/// attempts (the job run history, and batches that loaded nothing: a sync run again after a kill finishes the
/// killed batch's features in a batch of its own).
/// </summary>
internal static class WarehouseFingerprint
{
    private static readonly HashSet<string> ClockColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        "StartedAt", "FinishedAt", "LoadedAt", "PublishedAt", "AppliedAt", "SetAt",
    };

    /// <summary>Tables that record attempts, left out whole; ops.Batch is compared through the batches that loaded rows.</summary>
    private static readonly HashSet<string> AttemptTables = new(StringComparer.OrdinalIgnoreCase) { "ops.JobRun", "ops.Batch" };

    /// <summary>Every table's fingerprint, or only <paramref name="onlyTable"/>'s (schema.name).</summary>
    public static async Task<SortedDictionary<string, string>> OfAsync(string dataDir, string? onlyTable = null)
    {
        var warehouse = new DuckDbWarehouse(new DataFolder(dataDir), new WarehouseOptions());
        await using var db = await warehouse.OpenReadOnlyAsync();
        var columns = (await db.QueryAsync<(string Table, string Column)>(
            """
            SELECT c.table_schema || '.' || c.table_name, c.column_name
            FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema IN ('ops', 'stg', 'dw', 'seg') AND t.table_type = 'BASE TABLE'
              AND ($only IS NULL OR c.table_schema || '.' || c.table_name = $only)
            ORDER BY 1, c.ordinal_position
            """, new { only = onlyTable })).ToList();
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in columns.GroupBy(c => c.Table))
        {
            if (AttemptTables.Contains(table.Key))
            {
                continue;
            }

            var kept = table.Select(c => c.Column).Where(c => !ClockColumns.Contains(c) && !IsDerivedBatch(table.Key, c)).Select(c => "\"" + c + "\"");
            result[table.Key] = await db.ExecuteScalarAsync<string>(
                $"SELECT count(*) || ':' || COALESCE(CAST(sum(hash(row({string.Join(", ", kept)}))) AS VARCHAR), '-') FROM {table.Key}") ?? "";
        }

        if (onlyTable is not null)
        {
            return result;
        }

        result["ops.Batch (batches that loaded files)"] = string.Join("; ", await db.QueryAsync<string>(
            "SELECT FilesLoaded || '/' || RowsRead || '/' || RowsLoaded || '/' || RowsRejected || '@' || CAST(AsOfDate AS VARCHAR) || ':' || Status FROM ops.Batch WHERE FilesLoaded > 0 ORDER BY BatchId"));
        return result;
    }

    /// <summary>The batch that last refreshed a derived row: the killed batch's, or the one that finished it.</summary>
    private static bool IsDerivedBatch(string table, string column) =>
        column == "BatchId" && table is "dw.CustomerFeatures" or "dw.CustomerMonthlySnapshot";

    /// <summary>The tables whose fingerprints differ, each with both values.</summary>
    public static List<string> Differences(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual) =>
        expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal)
            .Where(k => expected.GetValueOrDefault(k) != actual.GetValueOrDefault(k))
            .Select(k => $"{k}: {expected.GetValueOrDefault(k) ?? "(absent)"} expected, {actual.GetValueOrDefault(k) ?? "(absent)"} after the kill and the re-run")
            .ToList();
}
