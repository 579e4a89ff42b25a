using System.Net;
using System.Text;
using System.Xml.Linq;
using Dapper;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Embedded.Xmla;

namespace SegmentMiner.Xmla.Tests;

/// <summary>
/// Requests and data an attacker or bad luck brings to the endpoint: deep nesting, control characters in source
/// values, secrets in data source connection strings, and a password in the client's URL. Each was a defect.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class HostileRequestTests
{
    private static async Task<HttpResponseMessage> PostAsync(Uri url, string body)
    {
        using var http = new HttpClient();
        var content = new StringContent(body, Encoding.UTF8, "text/xml");
        return await http.PostAsync(url, content);
    }

    [Test]
    public async Task DeeplyNestedBatches_GetAParserFault_AndTheEndpointServesOn()
    {
        await using var e = new EmptyEndpoint();
        var depth = 20_000;
        var body = new StringBuilder()
            .Append("<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\"><Body><Execute xmlns=\"urn:schemas-microsoft-com:xml-analysis\"><Command>")
            .Insert(0, "", 1);
        for (var i = 0; i < depth; i++)
        {
            body.Append("<Batch xmlns=\"http://schemas.microsoft.com/analysisservices/2003/engine\">");
        }

        for (var i = 0; i < depth; i++)
        {
            body.Append("</Batch>");
        }

        body.Append("</Command><Properties/></Execute></Body></Envelope>");
        Assert.That(body.Length, Is.GreaterThan(1_500_000));

        var response = await PostAsync(e.Endpoint.Url, body.ToString());

        Assert.That((int)response.StatusCode, Is.EqualTo(500));
        var fault = Assert.Throws<XmlaException>(() => Soap.ReadResponse(response.Content.ReadAsStringAsync().Result, "Execute"));
        Assert.That(fault!.Message, Does.Contain("nested deeper than"));
        using var client = new XmlaClient(new XmlaClientOptions { Url = e.Endpoint.Url, Retries = 0 });
        Assert.That((await client.DiscoverAsync("DISCOVER_PROPERTIES")).Rows, Is.Not.Empty, "the endpoint is still up");
    }

    [TestCase("<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]><x>&a;</x>", "DTD")]
    [TestCase("<Envelope><Body>", "Unexpected end of file")]
    [TestCase("not xml at all", "Data at the root level is invalid")]
    public async Task MalformedBodies_GetAParserFaultWithTheirPosition(string body, string expected)
    {
        await using var e = new EmptyEndpoint();
        var response = await PostAsync(e.Endpoint.Url, body);
        Assert.That((int)response.StatusCode, Is.EqualTo(500));
        var fault = Assert.Throws<XmlaException>(() => Soap.ReadResponse(response.Content.ReadAsStringAsync().Result, "Execute"));
        Assert.That(fault!.Message, Does.Contain("XML parsing failed at line").And.Contain(expected));
    }

    [Test]
    public async Task AControlCharacterInASourceValue_ComesBackAsAReplacementCharacter_NotACutAnswer()
    {
        using var w = await DemoWarehouse.CreateAsync(400);
        await using (var db = await w.Warehouse.OpenForWriteAsync(CancellationToken.None))
        {
            await db.ExecuteAsync("UPDATE dw.CustomerFeatures SET Industry = 'Health' || chr(1) || 'care' || chr(27) || '[31m' WHERE Industry = (SELECT min(Industry) FROM dw.CustomerFeatures)");
        }

        var service = new XmlaService(w.Engine("endpoint-models"), EndpointCatalog.Load(null), TimeSpan.FromMinutes(5));
        await using var endpoint = await XmlaEndpoint.StartAsync(service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0" });
        await using var server = new XmlaMiningServer(new XmlaClient(new XmlaClientOptions { Url = endpoint.Url, Retries = 0 }), "unused");
        var m = ModelCatalog.Shipped().Select("market-segments")[0];
        await server.DeployAsync(m);
        await server.ProcessAsync(m, ProcessType.Full);

        var content = await server.ContentAsync(m);

        var values = content.SelectMany(n => n.NodeDistribution).Select(d => d.AttributeValue).ToList();
        Assert.That(values, Does.Contain("Health\uFFFDcare\uFFFD[31m"), "the value arrives whole, its control characters replaced");
        Assert.That(values.Any(v => v?.Any(char.IsControl) == true), Is.False);
        var members = await server.PredictAsync(m).ToListAsync();
        var customers = (await w.QueryAsync<long>("SELECT count(*) FROM dw.CustomerFeatures")).Single();
        Assert.That(members, Has.Count.EqualTo(customers), "every member's row arrives");
    }

    [Test]
    public async Task DataSourceSecrets_AreNeitherStoredNorServed_WhateverTheirSpelling()
    {
        var root = DemoWarehouse.NewRoot();
        Directory.CreateDirectory(root);
        try
        {
            var catalogFile = Path.Combine(root, "catalog.xml");
            await using var e = new EmptyEndpoint();
            var service = new XmlaService(e.Service.Engine, EndpointCatalog.Load(catalogFile), TimeSpan.FromMinutes(5));
            await using var endpoint = await XmlaEndpoint.StartAsync(service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0" });
            using var client = new XmlaClient(new XmlaClientOptions { Url = endpoint.Url, Retries = 0 });
            var m = ModelCatalog.Shipped().Select("market-segments")[0];
            foreach (var connection in new[]
            {
                "Provider=MSOLEDBSQL;Data Source=db;User ID=u;Pwd=MARKER-ONE",
                "Provider=MSOLEDBSQL;Data Source=db;User ID=u;Password=\"a;MARKER-TWO\"",
                "Provider=MSOLEDBSQL;Data Source=db;PASSWORD = 'x;y=MARKER-THREE';Initial Catalog=c",
                "Provider=MSOLEDBSQL;Data Source=db;Password=MARKER-FOUR;Password=again",
                "Provider=MSOLEDBSQL;Data Source=db;Password=\"unterminated;MARKER-FIVE",
            })
            {
                await client.ExecuteAsync(Assl.DeployBatch([m], connection));
                var stored = await File.ReadAllTextAsync(catalogFile);
                var metadata = await client.DiscoverAsync("DISCOVER_XML_METADATA", new Dictionary<string, string> { ["DatabaseID"] = m.Database, ["ObjectExpansion"] = "ExpandFull" });
                var served = string.Join("\n", metadata.Rows.Select(r => r["METADATA"]?.ToString()));
                Assert.That(served, Does.Contain("data source=db").IgnoreCase.Or.Contain("withheld"), "the served metadata is the data source's");
                Assert.That(stored + served, Does.Not.Contain("MARKER"), connection);
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Test]
    public void APasswordInTheClientsUrl_IsRefusedAtStart_AndNeverShown()
    {
        var options = new Core.Configuration.MiningOptions { Server = Core.Configuration.MiningServerKind.AnalysisServices };
        options.Xmla.Url = "https://analyst:MARKER-PW@olap.example/olap/msmdpump.dll";
        var errors = Core.Configuration.SettingsRules.Mining(options).ToList();
        Assert.That(errors, Has.Some.Contains("Mining:Xmla:Url").And.Some.Contains("Mining:Xmla:User"));
        Assert.That(string.Join("\n", errors), Does.Not.Contain("MARKER-PW").And.Not.Contain("analyst"));
    }

    [Test]
    public async Task AnUnreachableServersUrl_IsShownWithoutItsUserInformation()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now: connection refused
        using var client = new XmlaClient(new XmlaClientOptions { Url = new Uri($"http://analyst:MARKER-PW@127.0.0.1:{port}/olap/msmdpump.dll"), Retries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) });
        var error = Assert.ThrowsAsync<XmlaTransportException>(() => client.DiscoverAsync("DISCOVER_PROPERTIES"));
        Assert.That(error!.Message, Does.Contain($"127.0.0.1:{port}/olap/msmdpump.dll").And.Not.Contain("MARKER-PW"));
        await Task.CompletedTask;
    }
}
