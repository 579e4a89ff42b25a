using SegmentMiner.Embedded.Xmla;
using SegmentMiner.Tests.Shared;

namespace SegmentMiner.Xmla.Tests;

/// <summary>One catalog: the endpoint serves the models the CLI deployed and processed on its data folder.</summary>
[TestFixture]
[NonParallelizable]
public sealed class SharedCatalogTests
{
    [Test]
    public async Task AfterDemo_TheEndpointListsTheModelsAsProcessed_AndPredictsWhatWasPublished()
    {
        using var cli = new CliRun();
        var root = DemoWarehouse.NewRoot();
        using var w = DemoWarehouse.Open(root);
        var demo = await cli.RunAsync("demo", "--customers", "600", "--data-dir", root);
        Assert.That(demo.Code, Is.Zero, demo.Err);

        var service = new XmlaService(w.Engine("models"), EndpointCatalog.Load(Path.Combine(root, "xmla", "catalog.xml")), TimeSpan.FromMinutes(5));
        await using var endpoint = await XmlaEndpoint.StartAsync(service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0" });
        using var client = new XmlaClient(new XmlaClientOptions { Url = endpoint.Url, Retries = 0 });

        var models = await client.DiscoverAsync("DMSCHEMA_MINING_MODELS");
        var products = await w.QueryAsync<string>("select distinct lower(replace(Product, ' ', '-')) from mining.vProductPersonasCase");
        var expected = new[] { "buyer-clusters", "customer-segments", "market-segments" }.Concat(products.Select(p => "product-personas-" + p)).ToList();
        Assert.That(models.Rows.Select(r => r.String("MODEL_NAME")), Is.EquivalentTo(expected), "the account layers and a product-persona model per product");
        Assert.That(models.Rows.Select(r => r.String("MINING_STRUCTURE")), Is.EquivalentTo(expected.Select(m => m + " Structure")));
        Assert.That(models.Rows.Select(r => r.String("MODEL_CATALOG")), Has.All.EqualTo("SegmentMiner"));
        Assert.That(models.Rows.Select(r => r["IS_POPULATED"]), Has.All.EqualTo(true), "processed by the demo, not again by the endpoint");

        // The published membership of 25 customers, and the same customers' values sent as singleton cases.
        var published = await cli.RunAsync("sql", """
            select c.CustomerId, s.ClusterNode, v.Industry, v.Region, v.Country, v.EmployeeBand, v.AnnualRevenueBand
            from seg.vCustomerSegment c join seg.vSegment s on s.Model = c.Model and s.SegmentKey = c.SegmentKey
            join mining.vMarketSegmentsCase v on v.AccountId = c.CustomerId
            where c.Model = 'market-segments' and s.ClusterNode is not null order by c.CustomerId limit 25
            """, "--format", "csv", "--data-dir", root);
        Assert.That(published.Code, Is.Zero, published.Err);
        var rows = published.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.That(rows, Has.Count.EqualTo(25));
        static string Literal(string v) => v.Length == 0 ? "NULL" : "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'";
        var cases = string.Join("\n UNION ", rows.Select(r =>
            $"SELECT {Literal(r[0])} AS [Account Id], {Literal(r[2])} AS [Industry], {Literal(r[3])} AS [Region], {Literal(r[4])} AS [Country], {Literal(r[5])} AS [Employee Band], {Literal(r[6])} AS [Annual Revenue Band]"));
        var predicted = (await client.ExecuteAsync($"SELECT t.[Account Id], Cluster() FROM [market-segments] NATURAL PREDICTION JOIN ({cases}) AS t", "SegmentMiner")).Rowset();
        var captions = (await client.ExecuteAsync("SELECT NODE_UNIQUE_NAME, NODE_CAPTION FROM [market-segments].CONTENT WHERE NODE_TYPE = 5", "SegmentMiner")).Rowset()
            .Rows.ToDictionary(r => r.String("NODE_CAPTION")!, r => r.String("NODE_UNIQUE_NAME")!);
        var byCustomer = predicted.Rows.ToDictionary(r => r.String("Account Id")!, r => captions[r.String("$CLUSTER")!]);
        Assert.That(rows.Select(r => byCustomer[r[0]]), Is.EqualTo(rows.Select(r => r[1])), "Cluster() of a customer's values is the cluster publish put the customer in");
    }

    /// <summary>A second serve on a port another endpoint holds: a clear error naming the setting, exit 1, not 70.</summary>
    [Test]
    public async Task ASecondServeOnABusyPort_SaysSo()
    {
        var root = DemoWarehouse.NewRoot();
        using var w = DemoWarehouse.Open(root);
        var service = new XmlaService(w.Engine("models"), EndpointCatalog.Load(Path.Combine(root, "xmla", "catalog.xml")), TimeSpan.FromMinutes(5));
        await using var endpoint = await XmlaEndpoint.StartAsync(service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0" });
        using var cli = new CliRun();
        var url = endpoint.Url.GetLeftPart(UriPartial.Authority);
        var second = await cli.RunAsync("xmla", "serve", "--urls", url, "--data-dir", root);
        Assert.That(second.Code, Is.EqualTo(1), second.Err);
        Assert.That(second.Err, Does.Contain($"cannot listen on {url} (--urls or Mining:Endpoint:Urls)").And.Contain("address already in use"));
        Assert.That(second.Err, Does.Not.Contain("   at "), "no stack trace");
    }

    /// <summary>
    /// Two endpoints on one data folder (each with its own copy of the catalog in memory, as two processes have) and
    /// the CLI deploying beside them: 100 database creations alternating between the endpoints, all at once, and 10
    /// models deployed by the CLI. Nothing is lost: both endpoints and the file end with all of them.
    /// </summary>
    [Test]
    public async Task TwoEndpointsAndTheCli_OnOneDataFolder_LoseNothing()
    {
        var root = DemoWarehouse.NewRoot();
        using var w = DemoWarehouse.Open(root);
        var file = Path.Combine(root, "xmla", "catalog.xml");
        var services = Enumerable.Range(0, 2).Select(_ => new XmlaService(w.Engine("models"), EndpointCatalog.Load(file), TimeSpan.FromMinutes(5))).ToList();
        var endpoints = new List<XmlaEndpoint>();
        foreach (var s in services)
        {
            endpoints.Add(await XmlaEndpoint.StartAsync(s, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0" }));
        }

        var clients = endpoints.Select(e => new XmlaClient(new XmlaClientOptions { Url = e.Url, Retries = 0 })).ToList();
        try
        {
            static System.Xml.Linq.XElement Create(int i) => new(Ns.Engine + "Create",
                new System.Xml.Linq.XElement(Ns.Engine + "ObjectDefinition", new System.Xml.Linq.XElement(Ns.Engine + "Database",
                    new System.Xml.Linq.XElement(Ns.Engine + "ID", $"Db{i:000}"), new System.Xml.Linq.XElement(Ns.Engine + "Name", $"Db{i:000}"))));
            var shipped = Core.Models.ModelCatalog.Shipped().Select("market-segments")[0];
            var cli = Task.Run(async () =>
            {
                for (var i = 0; i < 10; i++)
                {
                    await w.Engine("models").DeployAsync(shipped with { Name = $"cli-model-{i}" });
                }
            });
            await Task.WhenAll(Enumerable.Range(0, 100).Select(i => clients[i % 2].ExecuteAsync(Create(i))).Append(cli));

            var expected = Enumerable.Range(0, 100).Select(i => $"Db{i:000}").Append("SegmentMiner").ToList();
            foreach (var client in clients)
            {
                var catalogs = (await client.DiscoverAsync("DBSCHEMA_CATALOGS")).Rows.Select(r => r.String("CATALOG_NAME")).ToList();
                Assert.That(catalogs, Is.EquivalentTo(expected), "every database, whichever endpoint created it, and the CLI's");
                var models = (await client.DiscoverAsync("DMSCHEMA_MINING_MODELS")).Rows.Select(r => r.String("MODEL_NAME")).ToList();
                Assert.That(models, Is.EquivalentTo(Enumerable.Range(0, 10).Select(i => $"cli-model-{i}")));
            }

            Assert.That(EndpointCatalog.Load(file).Databases.Select(EndpointCatalog.Name), Is.EquivalentTo(expected), "the file holds them all");
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(file)!, "*.tmp"), Is.Empty, "no temporary file left");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
            foreach (var e in endpoints)
            {
                await e.DisposeAsync();
            }
        }
    }
}
