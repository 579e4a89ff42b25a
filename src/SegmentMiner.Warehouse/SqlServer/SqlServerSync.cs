using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Warehouse.SqlServer;

/// <summary>
/// Sync into the SQL Server warehouse: not built yet. The warehouse is checked first (reachable, schema current), so
/// a user learns about the server before this refusal; until it is built, sync into DuckDB and publish there, or
/// load the SQL Server warehouse's staging tables with your own tools.
/// </summary>
public sealed class SqlServerSync(SqlServerWarehouse warehouse) : ISyncService
{
    public async Task<SyncResult> RunAsync(DateOnly asOf, CancellationToken cancellationToken = default, bool rebuild = false)
    {
        await warehouse.EnsureCurrentAsync(cancellationToken);
        throw new WarehouseException(
            $"sync into {warehouse.Describe} is not available in this build: Warehouse:Provider=SqlServer supports db migrate, sql, status, " +
            "models process (embedded engine or Analysis Services), publish and the worker's run history; sync with Warehouse:Provider=DuckDb");
    }
}
