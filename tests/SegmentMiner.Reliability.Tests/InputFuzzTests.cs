using System.Globalization;
using System.Net;
using System.Text;
using SegmentMiner.Core;
using SegmentMiner.Core.Models;
using SegmentMiner.Embedded.Xmla;
using SegmentMiner.Tests.Shared;
using SegmentMiner.Xmla;

namespace SegmentMiner.Reliability.Tests;

/// <summary>
/// Mutated model definitions, settings files and XMLA request bodies: a definition is read or refused with a
/// ConfigurationException naming its file, and one that is read makes a deploy batch; a settings file is exit 0, 1
/// or 2 and never a stack trace; the endpoint answers every body with a well-formed answer or fault and stays up.
/// SEGMINER_FUZZ_INPUTS scales the campaign (README).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class InputFuzzTests
{
    private static readonly int Inputs = int.TryParse(Environment.GetEnvironmentVariable("SEGMINER_FUZZ_INPUTS"), CultureInfo.InvariantCulture, out var n) ? Math.Max(1, n / 10) : 100;

    [Test]
    public void MutatedModelDefinitions_AreReadOrRefusedNamingTheFile()
    {
        var shipped = Directory.EnumerateFiles(Path.Combine(CrashSafetyTests.RepositoryRoot(), "ssas-models"), "*.json")
            .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal)).Select(File.ReadAllText).ToList();
        var random = new Random(7);
        var (read, refused) = (0, 0);
        var problems = new List<string>();
        for (var i = 0; i < Inputs * 3; i++)
        {
            var text = Mutations.Text(shipped[i % shipped.Count], random);
            try
            {
                var definition = ModelDefinitionJson.Parse("fuzzed-model", text, "fuzzed-model.json");
                _ = Assl.DeployBatch([definition], "Provider=MSOLEDBSQL;Data Source=w").ToString();
                read++;
            }
            catch (ConfigurationException e) when (e.Message.Contains("fuzzed-model.json", StringComparison.Ordinal))
            {
                refused++;
            }
            catch (Exception e)
            {
                problems.Add($"input {i}: {e.GetType().Name}: {e.Message}");
            }
        }

        TestContext.Progress.WriteLine($"definition fuzzing: {Inputs * 3} mutated definitions, {read} read, {refused} refused naming the file, {problems.Count} crashes");
        Assert.That(problems, Is.Empty, () => string.Join("\n", problems.Take(10)));
    }

    [Test]
    public async Task MutatedSettingsFiles_AreExit0Or1Or2_NeverAStackTrace()
    {
        var root = Path.Combine(Path.GetTempPath(), "segminer-fuzz-settings-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var seed = File.ReadAllText(Path.Combine(CrashSafetyTests.RepositoryRoot(), "src", "SegmentMiner.Cli", "appsettings.json"));
        var random = new Random(11);
        var problems = new List<string>();
        using var cli = new CliRun();
        try
        {
            for (var i = 0; i < Inputs / 2; i++)
            {
                var path = Path.Combine(root, $"settings-{i}.json");
                File.WriteAllText(path, Mutations.Text(seed, random));
                var (code, _, error) = await cli.RunAsync("models", "deploy", "--dry-run", "--config", path, "--data-dir", Path.Combine(root, "data"));
                if (code is not (0 or 1 or 2) || error.Contains("   at ", StringComparison.Ordinal))
                {
                    problems.Add($"input {i}: exit {code}: {Segminer.Tail(error, 3)}");
                }
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }

        TestContext.Progress.WriteLine($"settings fuzzing: {Inputs / 2} mutated settings files, {problems.Count} crashes");
        Assert.That(problems, Is.Empty, () => string.Join("\n", problems.Take(10)));
    }

    [Test]
    public async Task MutatedXmlaBodies_GetAWellFormedAnswerOrFault_AndTheEndpointStaysUp()
    {
        await using var e = new FuzzEndpoint();
        using var http = new HttpClient();
        var seeds = new[]
        {
            Soap.Discover("DISCOVER_PROPERTIES", new Dictionary<string, string> { ["PropertyName"] = "DBMSVersion" }, new Dictionary<string, string> { ["Format"] = "Tabular" }, SessionMode.None, null).ToString(),
            Soap.Discover("DMSCHEMA_MINING_SERVICES", null, new Dictionary<string, string> { ["Format"] = "Tabular" }, SessionMode.None, null).ToString(),
            Soap.Execute("SELECT * FROM [m].CONTENT WHERE NODE_TYPE = 5", new Dictionary<string, string> { ["Catalog"] = "SegmentMiner" }, SessionMode.None, null).ToString(),
            Soap.Execute(new System.Xml.Linq.XElement(Ns.Engine + "Batch", new System.Xml.Linq.XElement(Ns.Engine + "Process", new System.Xml.Linq.XElement(Ns.Engine + "Type", "ProcessFull"))), null, SessionMode.Begin, null).ToString(),
        };
        var random = new Random(13);
        var problems = new List<string>();
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < Inputs * 2; i++)
        {
            var body = random.Next(10) == 0 ? Mutations.Deep(random) : Mutations.Text(seeds[i % seeds.Length], random);
            using var response = await http.PostAsync(e.Endpoint.Url, new StringContent(body, Encoding.UTF8, "text/xml"));
            var answer = await response.Content.ReadAsStringAsync();
            statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            try
            {
                _ = System.Xml.Linq.XDocument.Parse(answer);
            }
            catch (System.Xml.XmlException x)
            {
                problems.Add($"input {i}: HTTP {(int)response.StatusCode}, the answer is not well-formed XML ({x.Message})");
            }

            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.InternalServerError) || answer.Contains("Internal error", StringComparison.Ordinal))
            {
                problems.Add($"input {i}: HTTP {(int)response.StatusCode}: {answer[..Math.Min(300, answer.Length)]}");
            }
        }

        using var client = new XmlaClient(new XmlaClientOptions { Url = e.Endpoint.Url, Retries = 0 });
        Assert.That((await client.DiscoverAsync("DISCOVER_PROPERTIES")).Rows, Is.Not.Empty, "the endpoint is still up");
        TestContext.Progress.WriteLine($"XMLA fuzzing: {Inputs * 2} mutated request bodies ({string.Join(", ", statuses.Select(s => $"HTTP {s.Key}: {s.Value}"))}), {problems.Count} problems");
        Assert.That(problems, Is.Empty, () => string.Join("\n", problems.Take(10)));
    }

    /// <summary>The embedded endpoint over an empty data folder.</summary>
    private sealed class FuzzEndpoint : IAsyncDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "segminer-fuzz-xmla-" + Guid.NewGuid().ToString("N"));

        public FuzzEndpoint()
        {
            var folder = new Warehouse.DataFolder(_root);
            var engine = new Embedded.EmbeddedMiningServer(new Warehouse.Reading.DuckDbReader(new Warehouse.DuckDb.DuckDbWarehouse(folder, new Core.Configuration.WarehouseOptions())), new Embedded.ModelStore(folder.Models));
            Endpoint = XmlaEndpoint.StartAsync(new XmlaService(engine, EndpointCatalog.Load(null), TimeSpan.FromMinutes(5)), new XmlaEndpointOptions { Urls = "http://127.0.0.1:0" }).GetAwaiter().GetResult();
        }

        public XmlaEndpoint Endpoint { get; }

        public async ValueTask DisposeAsync()
        {
            await Endpoint.DisposeAsync();
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, true);
            }
        }
    }
}

/// <summary>Text mutations shared by the fuzz tests.</summary>
internal static class Mutations
{
    private static readonly string[] Inserts = ["\"", "{", "}", "[", "]", ",", ":", "<", ">", "&", "]]>", "<!--", "\\u0000", "\u0001", "null", "-1e999", "1e400", "\"\"", "<![CDATA[", "&amp;", "&#x1;", "'"];

    public static string Text(string seed, Random random)
    {
        var s = new StringBuilder(seed);
        for (var m = random.Next(1, 4); m > 0 && s.Length > 0; m--)
        {
            var at = random.Next(s.Length);
            switch (random.Next(6))
            {
                case 0:
                    s.Length = at; // truncation
                    break;
                case 1:
                    s[at] = (char)random.Next(1, 0x3000); // a character flipped
                    break;
                case 2:
                    s.Insert(at, Inserts[random.Next(Inserts.Length)]);
                    break;
                case 3:
                    s.Remove(at, Math.Min(s.Length - at, random.Next(1, 40)));
                    break;
                case 4:
                    s.Insert(at, new string('x', random.Next(1000, 200_000))); // a huge token
                    break;
                default:
                    var from = random.Next(s.Length);
                    s.Insert(at, s.ToString(from, Math.Min(s.Length - from, random.Next(1, 200)))); // a piece repeated
                    break;
            }
        }

        return s.ToString();
    }

    /// <summary>An XMLA body nested thousands of levels deep.</summary>
    public static string Deep(Random random)
    {
        var depth = random.Next(100, 30_000);
        return "<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\"><Body><Execute xmlns=\"urn:schemas-microsoft-com:xml-analysis\"><Command>"
            + string.Concat(Enumerable.Repeat("<Batch xmlns=\"http://schemas.microsoft.com/analysisservices/2003/engine\">", depth))
            + string.Concat(Enumerable.Repeat("</Batch>", depth)) + "</Command><Properties/></Execute></Body></Envelope>";
    }
}
