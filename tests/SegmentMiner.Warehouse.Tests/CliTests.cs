using System.Security.Cryptography;
using SegmentMiner.Cli;
using SegmentMiner.Tests.Shared;

namespace SegmentMiner.Warehouse.Tests;

/// <summary>The command line as users and scripts see it: results on stdout, everything else on stderr, exit codes.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CliTests
{
    private TestWarehouse _w = null!;
    private CliRun _cli = null!;

    [SetUp]
    public void SetUp()
    {
        _w = new TestWarehouse();
        _cli = new CliRun();
    }

    [TearDown]
    public void TearDown()
    {
        _cli.Dispose();
        _w.Dispose();
    }

    private Task<(int Code, string Out, string Err)> Run(params string[] args) => _cli.RunAsync(args);

    private static Dictionary<string, string> Hashes(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Test]
    public async Task SourcesGenerate_SameSeedAndAsOf_GiveTheSameFiles()
    {
        var a = Path.Combine(_w.Root, "a");
        var b = Path.Combine(_w.Root, "b");
        var c = Path.Combine(_w.Root, "c");
        string[] common = ["sources", "generate", "--customers", "300", "--as-of", "2026-06-30", "--bad-rows", "7"];
        Assert.That((await Run([.. common, "--seed", "5", "--out", a])).Code, Is.Zero);
        Assert.That((await Run([.. common, "--seed", "5", "--out", b])).Code, Is.Zero);
        Assert.That((await Run([.. common, "--seed", "6", "--out", c])).Code, Is.Zero);
        Assert.That((await Run([.. common, "--seed", "5", "--increment", "2", "--out", a])).Code, Is.Zero);
        Assert.That((await Run([.. common, "--seed", "5", "--increment", "2", "--out", b])).Code, Is.Zero);
        Assert.That(Hashes(a), Is.EqualTo(Hashes(b)));
        Assert.That(Hashes(a)["crm/accounts-000-base.csv"], Is.Not.EqualTo(Hashes(c)["crm/accounts-000-base.csv"]));
        Assert.That(Hashes(a).Keys, Does.Contain("truth.csv").And.Contain("billing/invoices-000-base.csv").And.Contain("survey/responses-000-base.csv")
            .And.Contain("crm/accounts-002-increment.csv"));
    }

    [Test]
    public async Task Sql_RefusesStatementsThatWrite_AndPrintsCsvPerRfc4180()
    {
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        Assert.That((await Run("sync", "--data-dir", _w.Root, "--as-of", "2026-11-15")).Code, Is.Zero);

        foreach (var write in new[]
        {
            "INSERT INTO ops.Batch VALUES (9, now(), NULL, 'x', DATE '2026-01-01', 0, 0, 0, 0, NULL)",
            "DELETE FROM dw.CustomerFeatures",
            "CREATE TABLE x (a INTEGER)",
            $"COPY dw.CustomerFeatures TO '{Path.Combine(_w.Root, "leak.csv")}'",
            "SELECT 1; DELETE FROM dw.CustomerFeatures",
            "ATTACH 'other.duckdb'",
            $"SELECT * FROM read_csv('{Path.Combine(_w.Folder.SourceFolder("crm"), "accounts.csv")}')",
        })
        {
            var r = await Run("sql", "--data-dir", _w.Root, write);
            Assert.That(r.Code, Is.Not.Zero, write);
            Assert.That(r.Out, Is.Empty, write);
            Assert.That(r.Err, Does.StartWith("error:"), write);
        }

        Assert.That(File.Exists(Path.Combine(_w.Root, "leak.csv")), Is.False);
        Assert.That(await _w.ScalarAsync<long>("SELECT count(*) FROM dw.CustomerFeatures"), Is.EqualTo(1));

        var csv = await Run("sql", "--data-dir", _w.Root, "--format", "csv",
            "SELECT AccountId, Name || ', \"Ltd\"' AS Name, TenureMonths, Region, NULL AS Nothing, DATE '2026-01-02' AS D FROM dw.CustomerFeatures");
        Assert.That(csv.Code, Is.Zero, csv.Err);
        Assert.That(csv.Out, Is.EqualTo("AccountId,Name,TenureMonths,Region,Nothing,D\r\nA1,\"One, \"\"Ltd\"\"\",34,Europe,,2026-01-02\r\n"));

        var json = await Run("sql", "--data-dir", _w.Root, "--format", "json", "SELECT AccountId, TenureMonths FROM dw.CustomerFeatures");
        Assert.That(json.Out.Replace(" ", "").Replace("\n", "").Replace("\r", ""), Is.EqualTo("[{\"AccountId\":\"A1\",\"TenureMonths\":34}]"));
    }

    [Test]
    public async Task Sync_WritesOnlyTheResultToStdout()
    {
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        var r = await Run("sync", "--data-dir", _w.Root, "--format", "csv");
        Assert.That(r.Code, Is.Zero, r.Err);
        var lines = r.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("Entity,FilesLoaded,FilesAlreadyLoaded,RowsRead,RowsLoaded,RowsUnchanged,RowsRejected"));
        Assert.That(lines, Has.Length.EqualTo(9), "a header and one row per entity, nothing after them");
        Assert.That(lines[2], Is.EqualTo("accounts,1,0,1,1,0,0"));
        Assert.That(r.Err, Does.Contain("batch 1 committed"), "progress and notices go to stderr");
        Assert.That(r.Err, Does.Contain("no invoices source"));
    }

    [Test]
    public async Task Config_InvalidSetting_IsNamed_AndExitCodeIsTwo()
    {
        var config = Path.Combine(_w.Root, "bad.json");
        await File.WriteAllTextAsync(config, """{ "Sync": { "MaxRejectedFraction": 2, "ReportingCurrency": "usd" } }""");
        var r = await Run("sync", "--data-dir", _w.Root, "--config", config);
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("Sync:MaxRejectedFraction").And.Contain("Sync:ReportingCurrency"));
        Assert.That(r.Out, Is.Empty);

        var missing = await Run("sync", "--data-dir", _w.Root, "--config", Path.Combine(_w.Root, "nope.json"));
        Assert.That(missing.Code, Is.EqualTo(2));
        Assert.That(missing.Err, Does.Contain("nope.json"));

        var env = "SEGMINER__Sync__LockTimeout";
        Environment.SetEnvironmentVariable(env, "not-a-timespan");
        try
        {
            var bad = await Run("sync", "--data-dir", _w.Root);
            Assert.That(bad.Code, Is.EqualTo(2));
            Assert.That(bad.Err, Does.Contain("LockTimeout"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(env, null);
        }
    }

    [Test]
    public async Task DbMigrateScript_PrintsTheSqlServerUpgrade_WithoutTouchingAnything()
    {
        var r = await Run("db", "migrate", "--script", "--data-dir", Path.Combine(_w.Root, "untouched"));
        Assert.That(r.Code, Is.Zero);
        Assert.That(r.Out, Does.Contain("CREATE TABLE dw.CustomerFeatures").And.Contain("INSERT INTO ops.SchemaVersion"));
        Assert.That(Directory.Exists(Path.Combine(_w.Root, "untouched")), Is.False);
    }
}
