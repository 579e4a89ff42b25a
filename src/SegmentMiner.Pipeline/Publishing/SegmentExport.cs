using Dapper;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;

namespace SegmentMiner.Pipeline.Publishing;

/// <summary>The report views of the current run, one file each (CSV with a header, or Parquet), written aside and moved into place.</summary>
public static class SegmentExport
{
    public static readonly string[] Views = ["vSegment", "vCustomerSegment", "vSegmentCharacteristic", "vSegmentMigration", "vPersonaMap"];

    public static async Task<IReadOnlyList<(string File, long Rows)>> WriteAsync(DuckDbWarehouse warehouse, string folder, string format, CancellationToken cancellationToken)
    {
        if (format is not ("csv" or "parquet"))
        {
            throw new Core.ConfigurationException([$"--format: '{format}' is not csv or parquet."]);
        }

        Directory.CreateDirectory(folder);
        await using var db = await warehouse.OpenReadOnlyAsync(cancellationToken);
        if (await db.ExecuteScalarAsync<long>("SELECT count(*) FROM duckdb_views() WHERE schema_name = 'seg'") == 0)
        {
            throw new WarehouseException("the warehouse has no seg schema yet; run 'segminer publish' first");
        }

        var written = new List<(string, long)>();
        foreach (var view in Views)
        {
            var file = Path.GetFullPath(Path.Combine(folder, $"{view}.{format}"));
            var temp = file + ".tmp";
            var options = format == "csv" ? "FORMAT csv, HEADER true" : "FORMAT parquet";
            await db.ExecuteAsync($"COPY (SELECT * FROM seg.{view}) TO '{temp.Replace("'", "''", StringComparison.Ordinal)}' ({options})");
            File.Move(temp, file, overwrite: true);
            written.Add((file, await db.ExecuteScalarAsync<long>($"SELECT count(*) FROM seg.{view}")));
        }

        return written;
    }
}
