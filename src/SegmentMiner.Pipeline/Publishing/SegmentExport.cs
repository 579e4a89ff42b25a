using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Reading;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Pipeline.Publishing;

/// <summary>
/// The report views of the current run, one file each, written aside and moved into place: CSV (RFC 4180, one header
/// row, values as <c>segminer sql --format csv</c> writes them, text that a spreadsheet would take for a formula
/// neutralised) or Parquet.
/// </summary>
public static class SegmentExport
{
    public static readonly string[] Views = ["vSegment", "vCustomerSegment", "vSegmentCharacteristic", "vSegmentTrait", "vSegmentMigration", "vPersonaMap", "vContactSegment", "vGoldenPersona", "vPortfolioMap", "vBuyingUnit"];

    public static Task<IReadOnlyList<(string File, long Rows)>> WriteAsync(IWarehouseReader warehouse, string folder, string format, CancellationToken cancellationToken)
    {
        if (format is not ("csv" or "parquet"))
        {
            throw new Core.ConfigurationException([$"--format: '{format}' is not csv or parquet."]);
        }

        if (File.Exists(folder))
        {
            throw new WarehouseException($"--out: '{Path.GetFullPath(folder)}' is a file, not a folder");
        }

        if (!warehouse.Exists || !HasSegViews(warehouse))
        {
            throw new WarehouseException("the warehouse has no seg schema yet; run 'segminer publish' first");
        }

        Directory.CreateDirectory(folder);
        var written = new List<(string, long)>();
        foreach (var view in Views)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = Path.GetFullPath(Path.Combine(folder, $"{view}.{format}"));
            var temp = file + ".tmp";
            var sql = $"SELECT * FROM seg.{view}";
            var rows = format == "csv" ? WriteCsv(warehouse, sql, temp, cancellationToken) : warehouse.CopyToParquet(sql, temp);
            File.Move(temp, file, overwrite: true);
            written.Add((file, rows));
        }

        return Task.FromResult<IReadOnlyList<(string File, long Rows)>>(written);
    }

    private static bool HasSegViews(IWarehouseReader warehouse)
    {
        using var reader = warehouse.ExecuteReader("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'seg' AND table_type = 'VIEW'");
        return reader.Read() && Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static long WriteCsv(IWarehouseReader warehouse, string sql, string path, CancellationToken cancellationToken)
    {
        using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false)) { NewLine = "\r\n" };
        using var reader = warehouse.ExecuteReader(sql);
        writer.WriteLine(string.Join(",", Enumerable.Range(0, reader.FieldCount).Select(i => Csv.Escape(reader.GetName(i)))));
        var values = new object[reader.FieldCount];
        long rows = 0;
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            reader.GetValues(values);
            writer.WriteLine(string.Join(",", values.Select(v => Csv.Escape(ValueText.ForSpreadsheet(v)))));
            rows++;
        }

        return rows;
    }
}
