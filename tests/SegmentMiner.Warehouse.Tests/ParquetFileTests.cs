using Dapper;
using DuckDB.NET.Data;
using SegmentMiner.Warehouse.Demo;
using SegmentMiner.Warehouse.Reading;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// The Parquet files <c>export</c> writes from a SQL Server warehouse come from any data reader through
/// <see cref="ParquetFile"/>: on the same rows, it writes what DuckDB's own COPY writes.
/// </summary>
[TestFixture]
public sealed class ParquetFileTests
{
    [Test]
    public async Task RowsFromAReader_GiveTheSameParquetAsDuckDbsOwnCopy()
    {
        using var w = new TestWarehouse();
        new DemoGenerator(new DemoRequest(300, 3, new DateOnly(2026, 11, 15))).Write(w.Folder.Sources, w.Folder.TruthFile);
        await w.SyncAsync();
        var reader = new DuckDbReader(w.Warehouse);
        foreach (var table in new[] { "dw.CustomerFeatures", "dw.FactInvoice", "dw.DimCustomer" })
        {
            var native = Path.Combine(w.Root, table + ".native.parquet");
            var generic = Path.Combine(w.Root, table + ".generic.parquet");
            var rows = reader.CopyToParquet($"SELECT * FROM {table}", native);
            using (var source = reader.ExecuteReader($"SELECT * FROM {table}"))
            {
                Assert.That(ParquetFile.Write(source, generic), Is.EqualTo(rows).And.GreaterThan(250), table);
            }

            await using var db = new DuckDBConnection("Data Source=:memory:");
            await db.OpenAsync();
            Assert.That(await db.QueryAsync<string>($"SELECT column_name FROM (DESCRIBE SELECT * FROM '{generic}')"),
                Is.EqualTo(await db.QueryAsync<string>($"SELECT column_name FROM (DESCRIBE SELECT * FROM '{native}')")), table);
            var differ = await db.ExecuteScalarAsync<long>(
                $"SELECT count(*) FROM ((SELECT * FROM '{native}' EXCEPT ALL SELECT * FROM '{generic}') UNION ALL (SELECT * FROM '{generic}' EXCEPT ALL SELECT * FROM '{native}'))");
            Assert.That(differ, Is.Zero, $"{table}: the same rows and values");
        }
    }
}
