using System.Reflection;
using System.Security.Cryptography;
using Dapper;
using DuckDB.NET.Data;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>A warehouse built by the previous release upgrades in place: its rows stay, its loaded files stay loaded.</summary>
[TestFixture]
public sealed class UpgradeTests
{
    private const string Row = "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0";

    [Test]
    public async Task AWarehouseOfThePreviousRelease_MigratesInPlace_KeepsItsRows_AndSyncsOnIt()
    {
        using var w = new TestWarehouse();
        var loaded = w.Write("crm", "accounts.csv", H.Accounts, Row);
        await BuildPreviousReleaseAsync(w.Warehouse.FilePath, loaded);

        w.Write("crm", "accounts-2.csv", H.Accounts, "A2,Two,Retail,Japan,Asia Pacific,1-10,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        var result = await w.SyncAsync();

        Assert.That(await w.ScalarAsync<int>("SELECT max(Version) FROM ops.SchemaVersion"), Is.EqualTo(Migrations.LatestVersion("duckdb")), "migrated to this build's version");
        Assert.That(await w.QueryAsync<string>("SELECT ScriptName FROM ops.SchemaVersion WHERE AppliedAt > TIMESTAMP '2026-11-30 08:00:00' ORDER BY Version"),
            Is.EqualTo(Migrations.Load("duckdb").Where(m => m.Version > 6).Select(m => m.Name)), "only the scripts the old warehouse lacked ran");
        var accounts = result.Entities.Single(e => e.Entity == "accounts");
        Assert.That((accounts.FilesSkipped, accounts.FilesLoaded, accounts.Loaded), Is.EqualTo((1, 1, 1L)), "the file the old release loaded is recognised by its hash and not read again");
        Assert.That(await w.QueryAsync<(string, long)>("SELECT AccountId, BatchId FROM dw.DimCustomer ORDER BY AccountId"), Is.EqualTo(new[] { ("A1", 1L), ("A2", 2L) }),
            "the old row is kept as it was; the new one joins it");
        Assert.That(await w.QueryAsync<(string, long)>("SELECT AccountId, BatchId FROM dw.CustomerFeatures ORDER BY 1"), Is.EqualTo(new[] { ("A1", 1L), ("A2", 2L) }),
            "the same as-of date: only the new account's features are computed");
        Assert.That(await w.ScalarAsync<long>("SELECT count(*) FROM ops.Correction"), Is.Zero, "the table the new version added is there, and empty");
    }

    /// <summary>The previous release's schema (a frozen copy) with what its sync wrote for one file of one account.</summary>
    private static async Task BuildPreviousReleaseAsync(string file, string loadedFile)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("fixtures/duckdb-warehouse-v6.sql")!;
        var schema = await new StreamReader(stream).ReadToEndAsync();
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(loadedFile)));
        await using var db = new DuckDBConnection($"Data Source={file}");
        await db.OpenAsync();
        await db.ExecuteAsync(schema);
        await db.ExecuteAsync(
            """
            INSERT INTO ops.Batch VALUES (1, TIMESTAMP '2026-11-30 09:00:00', TIMESTAMP '2026-11-30 09:00:01', 'Committed', DATE '2026-11-15', 1, 1, 1, 0, NULL);
            INSERT INTO ops.SourceFile VALUES (1, 1, 'file', 'accounts', 'crm/accounts.csv', $size, $sha, 1, 1, 0, TIMESTAMP '2026-11-30 09:00:00');
            INSERT INTO stg.Account VALUES ('A1', 'One', 'Software', 'Germany', 'Europe', '11-50', NULL, TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-01', FALSE, 1, 1, 2);
            INSERT INTO dw.DimCustomer VALUES (1, 'A1', 'One', 'Software', 'Germany', 'Europe', '11-50', NULL, TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-01', NULL, TRUE, 1);
            INSERT INTO dw.CustomerFeatures (AccountId, AsOfDate, Name, Industry, Country, Region, EmployeeBand, TenureMonths, Attrited, BatchId)
            VALUES ('A1', DATE '2026-11-15', 'One', 'Software', 'Germany', 'Europe', '11-50', 34, FALSE, 1);
            """, new { size = new FileInfo(loadedFile).Length, sha });
    }
}
