using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Warehouse.Status;

/// <summary>Status from the DuckDB warehouse (opened as a writer opens it, so that pending migrations are applied first).</summary>
public sealed class DuckDbStatusReader(DuckDbWarehouse warehouse) : StatusReader
{
    protected override async Task<System.Data.Common.DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        warehouse.Exists
            ? await warehouse.OpenForWriteAsync(cancellationToken)
            : throw new WarehouseException($"the warehouse '{warehouse.FilePath}' does not exist yet; run 'segminer sync' first");

    protected override string PublishedSql => "SELECT Model, RunId, PublishedAt, ProcessedAt, Cases, Clusters FROM seg.ModelRun WHERE IsCurrent ORDER BY Model";

    protected override string LastBatchSql => "SELECT BatchId, StartedAt FROM ops.Batch WHERE Status = 'Committed' ORDER BY BatchId DESC LIMIT 1";
}
