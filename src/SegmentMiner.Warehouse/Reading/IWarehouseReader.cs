using System.Data;

namespace SegmentMiner.Warehouse.Reading;

/// <summary>
/// Read-only access to the warehouse's views for the embedded engine (case views, nested tables, OPENQUERY): one
/// connection per reader, closed with it. The SQL is ANSI (double-quoted identifiers), which both dialects take.
/// </summary>
public interface IWarehouseReader
{
    /// <summary>What to name in messages: the DuckDB file, or the SQL Server and database.</summary>
    string Describe { get; }

    /// <summary>Whether there is a warehouse to read yet (a DuckDB file is created by the first sync).</summary>
    bool Exists { get; }

    /// <summary>Runs one read-only query; the reader closes its connection. Fails with a <see cref="WarehouseException"/>.</summary>
    IDataReader ExecuteReader(string sql);

    /// <summary>Writes a query's rows to a Parquet file; returns how many.</summary>
    long CopyToParquet(string sql, string path);
}
