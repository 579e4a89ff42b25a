using DuckDB.NET.Data;
using SegmentMiner.Core.Configuration;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>
/// SQL sources read past their watermark. The DuckDB source kind runs the same reader code as SQL Server (the
/// query is wrapped and parameterised the same way), so the watermark logic is tested here without a server.
/// </summary>
[TestFixture]
public sealed class SqlSourceTests
{
    private TestWarehouse _w = null!;
    private string _source = null!;

    [SetUp]
    public void SetUp()
    {
        _w = new TestWarehouse();
        _source = Path.Combine(_w.Root, "crm-source.duckdb");
        Exec("CREATE TABLE accounts_src (AccountId VARCHAR, Name VARCHAR, Industry VARCHAR, Country VARCHAR, Region VARCHAR, EmployeeBand VARCHAR, CreatedAt TIMESTAMP, ModifiedAt TIMESTAMP, IsDeleted BOOLEAN)");
        Exec("INSERT INTO accounts_src VALUES ('A1','One','Software','Germany','Europe','11-50','2024-01-01','2025-01-01 10:00:00',false), ('A2','Two','Retail','France','Europe','1-10','2024-01-01','2025-02-01 10:00:00',false)");
        _w.Options.Sources["crm-db"] = new SqlSourceOptions
        {
            Kind = SqlSourceKind.DuckDb,
            ConnectionString = $"Data Source={_source}",
            Entities = new(StringComparer.OrdinalIgnoreCase) { ["accounts"] = new SqlEntityOptions { Query = "SELECT * FROM accounts_src" } },
        };
    }

    [TearDown]
    public void TearDown() => _w.Dispose();

    private void Exec(string sql)
    {
        using var db = new DuckDBConnection($"Data Source={_source}");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Test]
    public async Task Sync_SqlSource_ReadsPastWatermark_WithoutLosingOrDoublingRowsAtTheWatermark()
    {
        await _w.SyncAsync();
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.CustomerFeatures"), Is.EqualTo(2));
        Assert.That(await _w.ScalarAsync<DateTime>("SELECT Watermark FROM ops.SourceWatermark WHERE SourceName = 'crm-db'"), Is.EqualTo(new DateTime(2025, 2, 1, 10, 0, 0)));

        var fingerprint = await _w.FingerprintAsync();
        var again = await _w.SyncAsync();
        Assert.That(again.UpToDate, Is.True, "rows at the watermark are read again, but they are not news");
        Assert.That(await _w.FingerprintAsync(), Is.EqualTo(fingerprint));

        // A row that shares the watermark's timestamp, and a newer version of A1.
        Exec("INSERT INTO accounts_src VALUES ('A3','Three','Media','Japan','Asia Pacific','1-10','2024-01-01','2025-02-01 10:00:00',false), ('A1','One Renamed','Software','Germany','Europe','11-50','2024-01-01','2025-03-01 10:00:00',false)");
        var third = await _w.SyncAsync();
        Assert.That(third.Entities.Single(e => e.Entity == "accounts").Loaded, Is.EqualTo(2));
        Assert.That(await _w.QueryAsync<string>("SELECT Name FROM dw.CustomerFeatures ORDER BY AccountId"), Is.EqualTo(new[] { "One Renamed", "Two", "Three" }));
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM stg.Account WHERE AccountId = 'A2'"), Is.EqualTo(1), "never doubled");
    }

    [Test]
    public async Task Sync_SqlSourceRow_IsValidatedLikeAFileRow()
    {
        Exec("INSERT INTO accounts_src VALUES ('A9','Nine','Media','Japan','Asia Pacific','enormous','2024-01-01','2025-03-01 10:00:00',false)");
        _w.Options.Sync.MaxRejectedFraction = 0.5;
        await _w.SyncAsync();
        var rejected = await _w.QueryAsync<(string FileName, long LineNumber, string Reason)>("SELECT FileName, LineNumber, Reason FROM ops.RejectedRow");
        Assert.That(rejected.Single().Reason, Is.EqualTo("unknown EmployeeBand value: enormous"));
        Assert.That(rejected.Single().FileName, Does.StartWith("sql:crm-db/accounts"));
    }

    [Test]
    public void Sync_SqlSourceQueryFails_NamesTheSource()
    {
        _w.Options.Sources["crm-db"].Entities["accounts"].Query = "SELECT * FROM no_such_table";
        var ex = Assert.ThrowsAsync<WarehouseException>(() => _w.SyncAsync());
        Assert.That(ex!.Message, Does.Contain("crm-db/accounts"));
    }
}
