using System.Data;
using DuckDB.NET.Data;
using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Warehouse.Reading;

/// <summary>The DuckDB warehouse read through read-only connections.</summary>
public sealed class DuckDbReader(DuckDbWarehouse warehouse) : IWarehouseReader
{
    public string Describe => $"the warehouse {Path.GetFileName(warehouse.FilePath)}";

    public bool Exists => warehouse.Exists;

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
