using System.Data;
using DuckDB.NET.Data;
using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Warehouse.Reading;

/// <summary>The DuckDB warehouse read through read-only connections.</summary>
public sealed class DuckDbReader(DuckDbWarehouse warehouse) : IWarehouseReader
{
    public string Describe => $"the warehouse {Path.GetFileName(warehouse.FilePath)}";

    public bool Exists => warehouse.Exists;

    /// <summary>DuckDB's own COPY, on a read-only connection.</summary>
    public long CopyToParquet(string sql, string path)
    {
        using var connection = warehouse.OpenReadOnlyAsync().GetAwaiter().GetResult();
        using var copy = connection.CreateCommand();
        copy.CommandText = $"COPY ({sql}) TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet)";
        copy.ExecuteNonQuery();
        using var count = connection.CreateCommand();
        count.CommandText = $"SELECT count(*) FROM ({sql})";
        return Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public IDataReader ExecuteReader(string sql)
    {
        var connection = warehouse.OpenReadOnlyAsync().GetAwaiter().GetResult();
        try
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteReader(CommandBehavior.CloseConnection);
        }
        catch (DuckDBException e)
        {
            connection.Dispose();
            throw new WarehouseException($"reading {Describe} failed: {e.Message}", e);
        }
    }
}
