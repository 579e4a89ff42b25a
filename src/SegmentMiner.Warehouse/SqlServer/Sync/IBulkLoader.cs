using System.Data.Common;

namespace SegmentMiner.Warehouse.SqlServer.Sync;

/// <summary>Copies rows into a table inside the batch's transaction: SqlBulkCopy on SQL Server, a recorder in tests.</summary>
public interface IBulkLoader
{
    /// <summary>Streams <paramref name="rows"/> into <paramref name="table"/>, column i of the reader into <paramref name="columns"/>[i]; returns the rows copied.</summary>
    Task<long> WriteAsync(DbTransaction transaction, string table, IReadOnlyList<string> columns, DbDataReader rows, CancellationToken cancellationToken);
}
