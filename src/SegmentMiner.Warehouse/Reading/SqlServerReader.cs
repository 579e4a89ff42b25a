using System.Data;
using Microsoft.Data.SqlClient;
using SegmentMiner.Warehouse.SqlServer;

namespace SegmentMiner.Warehouse.Reading;

/// <summary>
/// The SQL Server warehouse read for the embedded engine: rows stream from the server through one connection per
/// reader, closed with it; a query may run for Warehouse:CommandTimeout.
/// </summary>
public sealed class SqlServerReader(SqlServerWarehouse warehouse) : IWarehouseReader
{
    public string Describe => warehouse.Describe;

    public bool Exists => true;

    /// <summary>The rows, streamed from the server into <see cref="ParquetFile"/>.</summary>
    public long CopyToParquet(string sql, string path)
    {
        using var reader = ExecuteReader(sql);
        return ParquetFile.Write(reader, path);
    }

    public IDataReader ExecuteReader(string sql)
    {
        var connection = warehouse.OpenAsync().GetAwaiter().GetResult();
        try
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.CommandTimeout = warehouse.CommandTimeoutSeconds;
            return command.ExecuteReader(CommandBehavior.CloseConnection);
        }
        catch (SqlException e)
        {
            connection.Dispose();
            throw new WarehouseException($"reading {Describe} failed: {e.Message}", e);
        }
    }
}
