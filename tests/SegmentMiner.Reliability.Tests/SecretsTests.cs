using System.Text;
using Dapper;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Embedded;
using SegmentMiner.Embedded.Xmla;
using SegmentMiner.Tests.Shared;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;
using SegmentMiner.Warehouse.Reading;
using SegmentMiner.Xmla;

namespace SegmentMiner.Reliability.Tests;

/// <summary>
/// Marker passwords in every place a secret can live (the Analysis Services password and data source connection
/// string, the endpoint's password, a SQL source's and the job store's connection strings), the whole job run against
/// the embedded endpoint with Basic authentication, and a sync whose SQL source cannot be reached: no marker in
/// stdout, stderr (the log), any file under the data folder, the endpoint's answers or any published table.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SecretsTests
{
    private const string Marker = "MARKER7Q";

    [Test]
    public async Task NoSecretReachesOutputLogsFilesAnswersOrTables()
    {
        var root = Path.Combine(Path.GetTempPath(), "segminer-secrets-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(root, "data");
        var models = Path.Combine(root, "models-folder");
        Directory.CreateDirectory(models);
        File.Copy(Path.Combine(CrashSafetyTests.RepositoryRoot(), "ssas-models", "market-segments.json"), Path.Combine(models, "market-segments.json"));
        using var cli = new CliRun();
        var said = new StringBuilder();
        async Task<int> Run(params string[] args)
        {
            var (code, output, error) = await cli.RunAsync(args);
            said.Append(output).Append('\n').Append(error).Append('\n');
            return code;
        }

        try
        {
            Assert.That(await Run("sources", "generate", "--customers", "200", "--as-of", "2026-11-15", "--data-dir", data), Is.Zero);
            Assert.That(await Run("sync", "--as-of", "2026-11-15", "--data-dir", data), Is.Zero);
            var folder = new DataFolder(data);
            var engine = new EmbeddedMiningServer(new DuckDbReader(new DuckDbWarehouse(folder, new WarehouseOptions())), new ModelStore(Path.Combine(data, "server-models")));
            var service = new XmlaService(engine, EndpointCatalog.Load(Path.Combine(data, "xmla", "catalog.xml")), TimeSpan.FromMinutes(5));
            await using var endpoint = await XmlaEndpoint.StartAsync(service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0", User = "analyst", Password = Marker + "-endpoint" });
            var config = Path.Combine(root, "settings.json");
            File.WriteAllText(config, $$"""
                {
                  "Mining": {
                    "Server": "AnalysisServices", "ModelsFolder": "{{models}}",
                    "Xmla": { "Url": "{{endpoint.Url}}", "Authentication": "Basic", "User": "analyst", "Password": "{{Marker}}-endpoint", "AllowBasicOverHttp": true,
                              "DataSourceConnectionString": "Provider=MSOLEDBSQL;Data Source=w;User ID=u;Pwd={{Marker}}-ds;Initial Catalog=c" },
                    "Endpoint": { "User": "analyst", "Password": "{{Marker}}-endpoint" }
                  },
                  "Worker": { "JobStore": { "ConnectionString": "Server=h;Password=\"a;{{Marker}}-jobstore\"" } }
                }
                """);
            foreach (var step in new[] { "models deploy", "models process", "publish", "status", "report", "models list" })
            {
                Assert.That(await Run([.. step.Split(' '), "--data-dir", data, "--config", config]), Is.AnyOf(0, 4, 5), step);
            }

            Assert.That(await Run("export", "--out", Path.Combine(data, "csv-export"), "--format", "csv", "--data-dir", data, "--config", config), Is.Zero);
            var unreachable = Path.Combine(root, "source.json");
            File.WriteAllText(unreachable, $$"""
                { "Sources": { "erp": { "ConnectionString": "Server=127.0.0.1,1;User ID=u;Password={{Marker}}-source;Connect Timeout=1;Encrypt=false",
                                        "Entities": { "accounts": { "Query": "SELECT * FROM a", "WatermarkColumn": "ModifiedAt" } } } } }
                """);
            Assert.That(await Run("sync", "--as-of", "2026-11-16", "--data-dir", data, "--config", unreachable), Is.Not.Zero, "the SQL source cannot be reached");
            Assert.That(said.ToString(), Does.Contain("erp").Or.Contain("127.0.0.1"), "the failure was said");

            var answers = await EndpointAnswersAsync(endpoint.Url);
            Assert.That(answers, Does.Contain("market").And.Contain("pwd=" + Core.Secrets.Mask), "the endpoint's metadata holds the data source, its password masked");
            var leaks = new List<string>();
            if (said.ToString().Contains(Marker, StringComparison.Ordinal))
            {
                leaks.Add("stdout or stderr: " + said.ToString().Split('\n').First(l => l.Contains(Marker, StringComparison.Ordinal)));
            }

            if (answers.Contains(Marker, StringComparison.Ordinal))
            {
                leaks.Add("the endpoint's answers");
            }

            leaks.AddRange(FilesHolding(data));
            leaks.AddRange(await TablesHoldingAsync(data));
            Assert.That(leaks, Is.Empty);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    private static async Task<string> EndpointAnswersAsync(Uri url)
    {
        using var client = new XmlaClient(new XmlaClientOptions { Url = url, Authentication = XmlaAuthentication.Basic, User = "analyst", Password = Marker + "-endpoint", AllowBasicOverHttp = true });
        var text = new StringBuilder();
        foreach (var (request, restrictions) in new (string, Dictionary<string, string>)[]
        {
            ("DISCOVER_XML_METADATA", new() { ["DatabaseID"] = "SegmentMiner", ["ObjectExpansion"] = "ExpandFull" }),
            ("DBSCHEMA_CATALOGS", new()),
            ("DMSCHEMA_MINING_MODELS", new()),
            ("DISCOVER_PROPERTIES", new()),
        })
        {
            var rows = await client.DiscoverAsync(request, restrictions);
            foreach (var row in rows.Rows)
            {
                text.AppendJoin('|', rows.Columns.Select(c => row[c.Name]?.ToString())).Append('\n');
            }
        }

        return text.ToString();
    }

    private static IEnumerable<string> FilesHolding(string folder)
    {
        var utf8 = Encoding.UTF8.GetBytes(Marker);
        var utf16 = Encoding.Unicode.GetBytes(Marker);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.AsSpan().IndexOf(utf8) >= 0 || bytes.AsSpan().IndexOf(utf16) >= 0)
            {
                yield return "file " + Path.GetRelativePath(folder, file);
            }
        }
    }

    /// <summary>Every text column of every table (DuckDB compresses strings, so a byte scan of the file is not enough).</summary>
    private static async Task<List<string>> TablesHoldingAsync(string folder)
    {
        await using var db = await new DuckDbWarehouse(new DataFolder(folder), new WarehouseOptions()).OpenReadOnlyAsync();
        var columns = await db.QueryAsync<(string Table, string Column)>(
            "SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR' AND table_schema IN ('ops', 'stg', 'dw', 'seg', 'mining')");
        var found = new List<string>();
        foreach (var (table, column) in columns)
        {
            if (await db.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table} WHERE \"{column}\" LIKE '%{Marker}%'") > 0)
            {
                found.Add($"table {table}.{column}");
            }
        }

        return found;
    }
}
