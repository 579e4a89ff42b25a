using System.Data;
using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Tests.Shared;
using SegmentMiner.Warehouse.Reading;

namespace SegmentMiner.Reliability.Tests;

/// <summary>
/// An operator's mistakes in settings are exit 2 with the setting named, never exit 70 with a stack trace, and the
/// password in them is never printed; values that would run as formulas in a spreadsheet are neutralised on export.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OperatorMistakeTests
{
    private CliRun _cli = null!;
    private string _root = null!;

    [SetUp]
    public void SetUp()
    {
        _cli = new CliRun();
        _root = Path.Combine(Path.GetTempPath(), "segminer-mistake-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void TearDown()
    {
        _cli.Dispose();
        Directory.Delete(_root, true);
    }

    private string Settings(string json)
    {
        var path = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    [TestCase("Server=db;Password=\\\"a;MARKER-1", "Sources:erp:ConnectionString: not a well-formed connection string")]
    [TestCase("Server=db;Host=elsewhere;Password=MARKER-2", "the SqlServer connection string is not one its driver takes: Keyword not supported: 'host'")]
    public async Task AMalformedSourceConnectionString_IsExit2NamingTheSetting(string connection, string expected)
    {
        var config = Settings($$"""{ "Sources": { "erp": { "ConnectionString": "{{connection}}", "Entities": { "accounts": { "Query": "SELECT 1", "WatermarkColumn": "ModifiedAt" } } } } }""");
        var (code, output, error) = await _cli.RunAsync("sync", "--data-dir", Path.Combine(_root, "data"), "--config", config);
        Assert.That(code, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain(expected));
        Assert.That(output + error, Does.Not.Contain("MARKER").And.Not.Contain("   at "));
    }

    [TestCase("Host=db;Password=\\\"a;MARKER-3", "Worker:JobStore:ConnectionString: not a well-formed connection string")]
    [TestCase("Host=db;Password=MARKER-4", "Worker:JobStore:ConnectionString: not one the SqlServer driver takes")]
    public async Task AMalformedJobStoreConnectionString_IsExit2NamingTheSetting(string connection, string expected)
    {
        var config = Settings($$"""{ "Worker": { "JobStore": { "Kind": "AdoNet", "Provider": "SqlServer", "ConnectionString": "{{connection}}" } } }""");
        var (code, output, error) = await _cli.RunAsync("run", "--data-dir", Path.Combine(_root, "data"), "--config", config);
        Assert.That(code, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain(expected));
        Assert.That(output + error, Does.Not.Contain("MARKER").And.Not.Contain("   at "));
    }

    [Test]
    public async Task ExportedCsv_NeutralisesTextThatSpreadsheetsRunAsFormulas()
    {
        var table = new DataTable();
        table.Columns.Add("Name", typeof(string));
        table.Columns.Add("Amount", typeof(decimal));
        foreach (var text in new[] { "=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "Plain", "" })
        {
            table.Rows.Add(text, -5.5m);
        }

        var folder = Path.Combine(_root, "export");
        await SegmentExport.WriteAsync(new TableReader(table), folder, "csv", CancellationToken.None);

        var lines = File.ReadAllText(Path.Combine(folder, "vSegment.csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[1], Is.EqualTo("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",-5.5"));
        Assert.That(lines.Skip(1).Take(6).Select(l => l.TrimStart('"')[0]), Is.All.EqualTo('\''), "every formula-like text starts with an apostrophe");
        Assert.That(lines[7], Is.EqualTo("Plain,-5.5"), "plain text and negative numbers are left as they are");
    }

    /// <summary>A warehouse whose every view holds the same rows.</summary>
    private sealed class TableReader(DataTable table) : IWarehouseReader
    {
        public string Describe => "test rows";

        public bool Exists => true;

        public IDataReader ExecuteReader(string sql) =>
            sql.Contains("information_schema", StringComparison.Ordinal) ? Single(1L) : table.CreateDataReader();

        public long CopyToParquet(string sql, string path) => throw new NotSupportedException();

        private static DataTableReader Single(long value)
        {
            var t = new DataTable();
            t.Columns.Add("n", typeof(long));
            t.Rows.Add(value);
            return t.CreateDataReader();
        }
    }
}
