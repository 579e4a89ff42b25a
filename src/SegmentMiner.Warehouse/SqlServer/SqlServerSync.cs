using Microsoft.Extensions.Logging;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Warehouse.SqlServer.Sync;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Warehouse.SqlServer;

/// <summary>
/// Sync into the SQL Server warehouse: checks the warehouse first (reachable, schema current), then runs one
/// <see cref="SqlServerSyncBatch"/> on its own connection, bulk copying with SqlBulkCopy.
/// </summary>
public sealed class SqlServerSync(
    SqlServerWarehouse warehouse, SegmentMinerOptions options, DataFolder folder, ILogger log, ISqlSourceReader? sqlReader = null, TimeProvider? clock = null) : ISyncService
{
    public async Task<SyncResult> RunAsync(DateOnly asOf, CancellationToken cancellationToken = default, bool rebuild = false)
    {
        await warehouse.EnsureCurrentAsync(cancellationToken);
        await using var connection = await warehouse.OpenAsync(cancellationToken);
        var batch = new SqlServerSyncBatch(connection, new SqlBulkLoader(warehouse.CommandTimeoutSeconds), options, folder, log, warehouse.Describe, sqlReader, clock);
        try
        {
            return await batch.RunAsync(asOf, rebuild, cancellationToken);
        }
        catch (Microsoft.Data.SqlClient.SqlException ex)
        {
            // The server's message names the object or the statement, never a credential; the batch was rolled back.
            throw new WarehouseException($"sync into {warehouse.Describe} failed and was rolled back: {ex.Message}", ex);
        }
    }
}
