using Dapper;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Pipeline.Publishing;

/// <summary>
/// The report views of the current run, one file each, written aside and moved into place: CSV (RFC 4180, one header
/// row, values as <c>segminer sql --format csv</c> writes them, text that a spreadsheet would take for a formula
/// neutralised) or Parquet.
/// </summary>
public static class SegmentExport
{
    public static readonly string[] Views = ["vSegment", "vCustomerSegment", "vSegmentCharacteristic", "vSegmentTrait", "vSegmentMigration", "vPersonaMap"];

    public static async Task<IReadOnlyList<(string File, long Rows)>> WriteAsync(DuckDbWarehouse warehouse, string folder, string format, CancellationToken cancellationToken)
    {
        if (format is not ("csv" or "parquet"))
        {
            throw new Core.ConfigurationException([$"--format: '{format}' is not csv or parquet."]);
        }

        if (File.Exists(folder))
        {
            throw new WarehouseException($"--out: '{Path.GetFullPath(folder)}' is a file, not a folder");
        }

        Directory.CreateDirectory(folder);
        await using var db = await warehouse.OpenReadOnlyAsync(cancellationToken);
        if (await db.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM duckdb_views() WHERE schema_name = 'seg'", cancellationToken: cancellationToken)) == 0)
        {
            throw new WarehouseException("the warehouse has no seg schema yet; run 'segminer publish' first");
        }

        var written = new List<(string, long)>();
        foreach (var view in Views)
        {
            var file = Path.GetFullPath(Path.Combine(folder, $"{view}.{format}"));
            var temp = file + ".tmp";
            if (format == "csv")
            {
                await WriteCsvAsync(db, view, temp, cancellationToken);
            }
            else
            {
                await db.ExecuteAsync(new CommandDefinition($"COPY (SELECT * FROM seg.{view}) TO '{temp.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet)", cancellationToken: cancellationToken));
            }

            File.Move(temp, file, overwrite: true);
            written.Add((file, await db.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM seg.{view}", cancellationToken: cancellationToken))));
        }

        return written;
    }

    private static async Task WriteCsvAsync(System.Data.Common.DbConnection db, string view, string path, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false)) { NewLine = "\r\n" };
        await using var command = db.CreateCommand();
        command.CommandText = $"SELECT * FROM seg.{view}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await writer.WriteLineAsync(string.Join(",", Enumerable.Range(0, reader.FieldCount).Select(i => Csv.Escape(reader.GetName(i)))));
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync(cancellationToken))
        {
            reader.GetValues(values);
            await writer.WriteLineAsync(string.Join(",", values.Select(v => Csv.Escape(ValueText.ForSpreadsheet(v)))));
        }
    }
}
