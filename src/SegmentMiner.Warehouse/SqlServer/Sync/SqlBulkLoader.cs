using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace SegmentMiner.Warehouse.SqlServer.Sync;

/// <summary>
/// SqlBulkCopy into the batch's transaction, streaming from the reader (rows are never all in memory), with the
/// statement timeout of Warehouse:CommandTimeout.
/// </summary>
public sealed class SqlBulkLoader(int timeoutSeconds) : IBulkLoader
{
    public async Task<long> WriteAsync(DbTransaction transaction, string table, IReadOnlyList<string> columns, DbDataReader rows, CancellationToken cancellationToken)
    {
        var connection = (SqlConnection)transaction.Connection!;
        using var copy = new SqlBulkCopy(connection, SqlBulkCopyOptions.Default, (SqlTransaction)transaction)
        {
            DestinationTableName = table,
            BulkCopyTimeout = timeoutSeconds,
            EnableStreaming = true,
            BatchSize = 10_000,
        };
        for (var i = 0; i < columns.Count; i++)
        {
            copy.ColumnMappings.Add(i, columns[i]);
        }

        await copy.WriteToServerAsync(rows, cancellationToken);
        return copy.RowsCopied64;
    }
}
