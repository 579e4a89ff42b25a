using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Embedded.Xmla;
using SegmentMiner.Tests.Shared;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;
using SegmentMiner.Xmla;

namespace SegmentMiner.Reliability.Tests;

/// <summary>
/// Hostile names (brackets, quotes, semicolons, ']]', XML metacharacters, '--', control characters) through every
/// place a name enters SQL, DMX, XMLA or a file path: settings and model definitions refuse them with exit 2 naming
/// the setting (and show them printable), source file names are read as the one file they name, and the endpoint
/// answers DMX and ASSL holding them with a fault or quotes them back exactly.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class InjectionTests
{
    public static readonly string[] Hostile =
    [
        "a]b", "a\"b", "a'b", "a;DROP TABLE dw.DimCustomer", "x]];--", "<x>&amp;</x>", "a\u0001b\u001b[31m", "a--b", "a b", "ü'\"]", "$(rm -rf)", "a\\b",
    ];

    /// <summary>The hostile names no identifier setting may take ("a--b" may: it is quoted wherever it goes).</summary>
    public static readonly string[] Refused = Hostile.Where(h => !Core.Identifiers.IsValid(h)).ToArray();

    /// <summary>Cases by index: a test name holding a control character is lost by test runners.</summary>
    public static readonly int[] RefusedCases = Enumerable.Range(0, Refused.Length).ToArray();

    public static readonly int[] HostileCases = Enumerable.Range(0, Hostile.Length).ToArray();

    private static int _attempts;
    private CliRun _cli = null!;
    private string _root = null!;

    [SetUp]
    public void SetUp()
    {
        _cli = new CliRun();
        _root = Path.Combine(Path.GetTempPath(), "segminer-inject-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void TearDown()
    {
        _cli.Dispose();
        Directory.Delete(_root, true);
    }

    [OneTimeTearDown]
    public static void Report() => TestContext.Progress.WriteLine($"injection: {_attempts} hostile names tried; every one refused with its setting named or quoted exactly");

    private async Task RefusedAsync(object settings, string[] command, string setting)
    {
        Interlocked.Increment(ref _attempts);
        var path = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(settings));
        var (code, output, error) = await _cli.RunAsync([.. command, "--data-dir", Path.Combine(_root, "data"), "--config", path]);
        Assert.That(code, Is.EqualTo(2), () => $"{setting}: {error}");
        Assert.That(error, Does.Contain(setting));
        Assert.That(error, Does.Not.Contain("   at "));
        Assert.That(error.Where(ch => char.IsControl(ch) && ch is not ('\n' or '\r' or '\t')), Is.Empty, "a control character is shown as \\uXXXX, never sent to the terminal");
        Assert.That(output, Is.Empty);
    }

    [TestCaseSource(nameof(RefusedCases))]
    public async Task HostileNamesInSettings_AreRefusedNamingTheSetting(int index)
    {
        var name = Refused[index];
        var entities = new Dictionary<string, object> { ["accounts"] = new { Query = "SELECT 1", WatermarkColumn = "ModifiedAt" } };
        await RefusedAsync(new { Sources = new Dictionary<string, object> { [name] = new { ConnectionString = "Server=x", Entities = entities } } }, ["sync"], "Sources:");
        await RefusedAsync(new { Sources = new { erp = new { ConnectionString = "Server=x", Entities = new { accounts = new { Query = "SELECT 1", WatermarkColumn = name } } } } }, ["sync"], "WatermarkColumn");
        await RefusedAsync(new { Worker = new { JobStore = new { TablePrefix = name } } }, ["run"], "Worker:JobStore:TablePrefix");
        await RefusedAsync(new { Sync = new { ReportingCurrency = name } }, ["sync"], "Sync:ReportingCurrency");
    }

    [TestCaseSource(nameof(RefusedCases))]
    public async Task HostileNamesInModelDefinitions_AreRefusedNamingTheFileAndField(int index)
    {
        var name = Refused[index];
        var shipped = File.ReadAllText(Path.Combine(CrashSafetyTests.RepositoryRoot(), "ssas-models", "market-segments.json"));
        foreach (var (field, json) in new[]
        {
            ("database", Replace(shipped, "\"caseView\"", $"\"database\": {JsonSerializer.Serialize(name)}, \"caseView\"")),
            ("dataSource", Replace(shipped, "\"caseView\"", $"\"dataSource\": {JsonSerializer.Serialize(name)}, \"caseView\"")),
            ("caseView", Replace(shipped, "\"mining.vMarketSegmentsCase\"", JsonSerializer.Serialize("mining." + name))),
            ("partitionBy", Replace(shipped, "\"caseView\"", $"\"partitionBy\": {JsonSerializer.Serialize(name)}, \"caseView\"")),
            ("source", Replace(shipped, "\"source\": \"AccountId\"", $"\"source\": {JsonSerializer.Serialize(name)}")),
            ("column", Replace(shipped, "\"name\": \"Industry\"", $"\"name\": {JsonSerializer.Serialize(name)}")),
        })
        {
            if (field == "column" && name == "a b")
            {
                continue; // a column name may hold spaces: it is quoted, and Analysis Services takes it
            }

            var models = Path.Combine(_root, "models-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(models);
            File.WriteAllText(Path.Combine(models, "market-segments.json"), json);
            await RefusedAsync(new { Mining = new { ModelsFolder = models } }, ["models", "deploy", "--dry-run"], "market-segments.json");
        }
    }

    private static string Replace(string text, string what, string with)
    {
        Assert.That(text, Does.Contain(what));
        return text.Replace(what, with, StringComparison.Ordinal);
    }

    [Test]
    public async Task HostileSourceFileNames_AreReadAsTheOneFileTheyName()
    {
        var data = Path.Combine(_root, "data");
        var folder = new DataFolder(data);
        folder.EnsureExists();
        var names = Hostile.Where(h => !h.Contains('/') && !h.Contains('\\')).Select((h, i) => $"accounts-{h}-{i}.csv").ToList();
        const string header = "AccountId,Name,Industry,Country,Region,EmployeeBand,AnnualRevenueBand,CreatedAt,ModifiedAt,IsDeleted";
        for (var i = 0; i < names.Count; i++)
        {
            File.WriteAllText(Path.Combine(folder.SourceFolder("crm"), names[i]), $"{header}\nA{i},Co {i},Software,Germany,Europe,11-50,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,0\n", new UTF8Encoding(false));
            Interlocked.Increment(ref _attempts);
        }

        var (code, _, error) = await _cli.RunAsync("sync", "--as-of", "2026-11-15", "--data-dir", data);

        Assert.That(code, Is.Zero, error);
        await using var db = await new DuckDbWarehouse(folder, new WarehouseOptions()).OpenReadOnlyAsync();
        var files = (await db.QueryAsync<(string, long)>("SELECT FileName, RowsLoaded FROM ops.SourceFile ORDER BY FileName")).ToList();
        Assert.That(files, Is.EquivalentTo(names.Select(n => ("crm/" + n, 1L))), "each file recorded by its exact name, read once");
        Assert.That(await db.ExecuteScalarAsync<long>("SELECT count(*) FROM dw.DimCustomer"), Is.EqualTo(names.Count));
    }

    [TestCaseSource(nameof(HostileCases))]
    public async Task HostileNamesInDmxAndAssl_GetAFaultOrComeBackExactly(int index)
    {
        var name = Hostile[index];
        await using var e = await HostileEndpoint.StartAsync(_root);
        using var client = new XmlaClient(new XmlaClientOptions { Url = e.Url, Retries = 0 });
        var bracketed = "[" + name.Replace("]", "]]", StringComparison.Ordinal) + "]";
        var quoted = "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'";
        foreach (var dmx in new[]
        {
            $"SELECT * FROM {bracketed}.CONTENT",
            $"SELECT * FROM [market-segments].CONTENT WHERE NODE_CAPTION = {quoted}",
            $"SELECT Cluster() FROM [market-segments] NATURAL PREDICTION JOIN (SELECT {quoted} AS [Industry]) AS t",
            $"DROP MINING STRUCTURE {bracketed}",
            $"CALL System.GetClusterCharacteristics({quoted}, {quoted}, 0.0005)",
        })
        {
            Interlocked.Increment(ref _attempts);
            try
            {
                await client.ExecuteAsync(XmlText(dmx), "SegmentMiner");
            }
            catch (XmlaException fault)
            {
                Assert.That(fault.Message, Is.Not.Empty, dmx);
            }
        }

        // An ASSL database whose name is hostile: stored and served back exactly, XML metacharacters escaped.
        Interlocked.Increment(ref _attempts);
        var create = new System.Xml.Linq.XElement(Ns.Engine + "Create",
            new System.Xml.Linq.XElement(Ns.Engine + "ObjectDefinition",
                new System.Xml.Linq.XElement(Ns.Engine + "Database", new System.Xml.Linq.XElement(Ns.Engine + "ID", "db-" + e.Next), new System.Xml.Linq.XElement(Ns.Engine + "Name", XmlText(name)))));
        await client.ExecuteAsync(create);
        var catalogs = await client.DiscoverAsync("DBSCHEMA_CATALOGS");
        Assert.That(catalogs.Rows.Select(r => r.String("CATALOG_NAME")), Does.Contain(XmlText(name)));
        Assert.That((await client.DiscoverAsync("DISCOVER_PROPERTIES")).Rows, Is.Not.Empty, "the endpoint is still up");
    }

    /// <summary>What XML can carry of a name: control characters cannot be sent in a request at all.</summary>
    private static string XmlText(string s) => new(s.Where(System.Xml.XmlConvert.IsXmlChar).ToArray());

    /// <summary>The endpoint with the market segments deployed and processed over a small warehouse, shared by the cases.</summary>
    private sealed class HostileEndpoint : IAsyncDisposable
    {
        private static readonly SemaphoreSlim Gate = new(1, 1);
        private static string? _data;
        private static int _next;
        private readonly XmlaEndpoint _endpoint;

        private HostileEndpoint(XmlaEndpoint endpoint) => _endpoint = endpoint;

        public Uri Url => _endpoint.Url;

        public string Next => Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);

        public static async Task<HostileEndpoint> StartAsync(string scratch)
        {
            await Gate.WaitAsync();
            try
            {
                if (_data is null)
                {
                    var data = Path.Combine(Path.GetTempPath(), "segminer-inject-endpoint-" + Guid.NewGuid().ToString("N"));
                    using var cli = new CliRun();
                    Assert.That((await cli.RunAsync("sources", "generate", "--customers", "150", "--as-of", "2026-11-15", "--data-dir", data)).Code, Is.Zero);
                    Assert.That((await cli.RunAsync("sync", "--as-of", "2026-11-15", "--data-dir", data)).Code, Is.Zero);
                    _data = data;
                }
            }
            finally
            {
                Gate.Release();
            }

            var folder = new DataFolder(_data);
            var engine = new Embedded.EmbeddedMiningServer(new Warehouse.Reading.DuckDbReader(new DuckDbWarehouse(folder, new WarehouseOptions())), new Embedded.ModelStore(Path.Combine(scratch, "server-models")));
            var service = new XmlaService(engine, EndpointCatalog.Load(null), TimeSpan.FromMinutes(5));
            var endpoint = await XmlaEndpoint.StartAsync(service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0" });
            var server = new XmlaMiningServer(new XmlaClient(new XmlaClientOptions { Url = endpoint.Url, Retries = 0 }), "Provider=MSOLEDBSQL;Data Source=w");
            var m = Core.Models.ModelCatalog.Shipped().Select("market-segments")[0];
            await server.DeployAsync(m);
            await server.ProcessAsync(m, ProcessType.Full);
            return new HostileEndpoint(endpoint);
        }

        public ValueTask DisposeAsync() => _endpoint.DisposeAsync();
    }
}
