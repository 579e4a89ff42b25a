using SegmentMiner.Warehouse.SqlServer;

namespace SegmentMiner.Warehouse.Status;

/// <summary>Status from a SQL Server warehouse: the same reads in T-SQL.</summary>
public sealed class SqlServerStatusReader(SqlServerWarehouse warehouse) : StatusReader
{
    internal const string Published = "SELECT Model, RunId, PublishedAt, ProcessedAt, Cases, Clusters FROM seg.ModelRun WHERE IsCurrent = 1 ORDER BY Model;";

    internal const string LastBatch = "SELECT TOP (1) BatchId, StartedAt FROM ops.Batch WHERE Status = N'Committed' ORDER BY BatchId DESC;";

    protected override async Task<System.Data.Common.DbConnection> OpenAsync(CancellationToken cancellationToken) => await warehouse.OpenAsync(cancellationToken);

    protected override string PublishedSql => Published;

    protected override string LastBatchSql => LastBatch;
}
