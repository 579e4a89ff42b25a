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
        Assert.That(lines, Has.Length.EqualTo(Core.SourceEntities.InLoadOrder.Count + 1), "a header and one row per entity, nothing after them");
        Assert.That(lines[2], Is.EqualTo("accounts,1,0,1,1,0,0"));
        Assert.That(r.Err, Does.Contain("batch 1 committed"), "progress and notices go to stderr");
        Assert.That(r.Err, Does.Contain("no invoices source"));
    }

    [Test]
    public async Task Config_InvalidSetting_IsNamed_AndExitCodeIsTwo()
    {
        var config = Path.Combine(_w.Root, "bad.json");
        await File.WriteAllTextAsync(config, """{ "Sync": { "MaxRejectedFraction": 2, "ReportingCurrency": "usd", "MaxRejectedRows": -1 }, "Warehouse": { "MemoryLimit": "lots" } }""");
        var r = await Run("sync", "--data-dir", _w.Root, "--config", config);
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("Sync:MaxRejectedFraction").And.Contain("Sync:ReportingCurrency").And.Contain("Sync:MaxRejectedRows: -1")
            .And.Contain("Warehouse:MemoryLimit: 'lots' is not a size"));
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
    public async Task Config_UnknownKeys_BadJson_AndUnknownNames_AreErrorsNamingThem()
    {
        async Task<(int Code, string Out, string Err)> With(string json)
        {
            var file = Path.Combine(_w.Root, "settings.json");
            await File.WriteAllTextAsync(file, json);
            return await Run("sql", "select 1", "--data-dir", _w.Root, "--config", file);
        }

        var misspelled = await With("""{"Warehouse":{"Providr":"SqlServer"}}""");
        Assert.That(misspelled.Code, Is.EqualTo(2));
        Assert.That(misspelled.Err, Does.Contain("Warehouse:Providr"));
        Assert.That(misspelled.Out, Is.Empty);

        var nested = await With("""{"Sources":{"crm":{"Entities":{"accounts":{"Query":"select 1","Watermark":"x"}}}}, "Logging":{"LogLevel":{"Default":"Warning"}}}""");
        Assert.That(nested.Code, Is.EqualTo(2));
        Assert.That(nested.Err, Does.Contain("Sources:crm:Entities:accounts:Watermark").And.Not.Contain("Logging"), "source and entity names are the user's; other sections are not ours");

        var provider = await With("""{"Warehouse":{"Provider":"Oracle"}}""");
        Assert.That(provider.Code, Is.EqualTo(2));
        Assert.That(provider.Err, Does.Contain("Warehouse:Provider").And.Contain("'Oracle'").And.Contain("DuckDb, SqlServer"));

        var malformed = await With("{\n  \"Sync\": {\n    \"MaxRejectedFraction\": 0.1,,\n  }\n}");
        Assert.That(malformed.Code, Is.EqualTo(2));
        Assert.That(malformed.Err, Does.Contain("settings.json").And.Contain("line 3"));
        Assert.That(malformed.Err, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public async Task OrdinaryMistakes_ExitOneWithOneLine_NeverSeventy()
    {
        static void OneLine((int Code, string Out, string Err) r, string about)
        {
            Assert.That(r.Code, Is.EqualTo(1), $"{about}: {r.Err}");
            Assert.That(r.Err.Trim().Split('\n'), Has.Length.EqualTo(1), $"{about}: one line, no stack trace: {r.Err}");
        }

        var file = Path.Combine(_w.Root, "a-file.txt");
        await File.WriteAllTextAsync(file, "not a folder");
        var dataDir = await Run("sync", "--data-dir", file);
        OneLine(dataDir, "--data-dir naming a file");
        Assert.That(dataDir.Err, Does.Contain("a-file.txt"));

        var export = await Run("export", "--out", file, "--data-dir", _w.Root);
        OneLine(export, "export --out naming a file");
        Assert.That(export.Err, Does.Contain("a-file.txt"));

        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        var billing = Path.Combine(_w.Root, "sources", "billing");
        if (Directory.Exists(billing))
        {
            Directory.Delete(billing, true);
        }

        await File.WriteAllTextAsync(billing, "a file where the billing folder should be");
        var sync = await Run("sync", "--data-dir", _w.Root);
        OneLine(sync, "a file where a source folder should be");
        Assert.That(sync.Err, Does.Contain(billing));

        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        var serve = await Run("xmla", "serve", "--urls", $"http://127.0.0.1:{port}", "--data-dir", _w.Root);
        OneLine(serve, "a busy port for xmla serve");
        Assert.That(serve.Err, Does.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task Sql_UnderAGermanLocale_WritesInvariantCsv()
    {
        _w.Write("crm", "accounts.csv", H.Accounts, "A1,One,Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0");
        Assert.That((await Run("sync", "--data-dir", _w.Root)).Code, Is.Zero);
        var program = typeof(CliApp).Assembly.Location;
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { program, "sql", "select 1.5 as x, 1234567.25 as y, date '2026-01-02' as d, timestamp '2026-01-02 00:00:00' as t", "--format", "csv", "--data-dir", _w.Root })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LANG"] = "de_DE.UTF-8";
        start.Environment["LC_ALL"] = "de_DE.UTF-8";
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, error);
        Assert.That(output, Is.EqualTo("x,y,d,t\r\n1.5,1234567.25,2026-01-02,2026-01-02T00:00:00\r\n"));
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
