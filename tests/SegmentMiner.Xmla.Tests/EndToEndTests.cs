using System.Text.Json;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Embedded.Xmla;

namespace SegmentMiner.Xmla.Tests;

/// <summary>
/// The embedded XMLA endpoint on loopback, driven by the XMLA client: deploy, process, list, content,
/// characteristics, discrimination, profiles and predictions through the protocol equal what the engine gives directly.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class EndToEndTests
{
    private DemoWarehouse _w = null!;
    private XmlaEndpoint _endpoint = null!;
    private XmlaMiningServer _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _w = await DemoWarehouse.CreateAsync();
        var service = new XmlaService(_w.Engine("endpoint-models"), EndpointCatalog.Load(Path.Combine(_w.Root, "xmla", "catalog.xml")), TimeSpan.FromMinutes(5));
        _endpoint = await XmlaEndpoint.StartAsync(service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0" });
        _client = new XmlaMiningServer(new XmlaClient(new XmlaClientOptions { Url = _endpoint.Url, Retries = 0 }), "Provider=MSOLEDBSQL;Data Source=unused");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _client.DisposeAsync();
        await _endpoint.DisposeAsync();
        _w.Dispose();
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);

    /// <summary>The data source's connection string is part of what was deployed: change it and the next deploy sends the model again.</summary>
    [Test]
    public async Task AChangedDataSourceConnectionString_IsDeployedAgain()
    {
        var m = ModelCatalog.Shipped().Select("market-segments")[0];
        await _client.DropAsync(m);
        Assert.That((await _client.DeployAsync(m)).Outcome, Is.EqualTo(DeployOutcome.Created));
        Assert.That((await _client.DeployAsync(m)).Outcome, Is.EqualTo(DeployOutcome.Unchanged));
        await using var moved = new XmlaMiningServer(new XmlaClient(new XmlaClientOptions { Url = _endpoint.Url, Retries = 0 }), "Provider=MSOLEDBSQL;Data Source=newhost;Password=rotated");
        Assert.That((await moved.DeployAsync(m)).Outcome, Is.EqualTo(DeployOutcome.Updated), "a new connection string is deployed");
        Assert.That((await moved.DeployAsync(m)).Outcome, Is.EqualTo(DeployOutcome.Unchanged), "and then is the deployed one");
        var stored = await moved.StructureMetadataAsync(m, CancellationToken.None);
        Assert.That(stored!.ToString(), Does.Not.Contain("rotated"), "only a fingerprint of the connection string is stored");
        Assert.That((await _client.DeployAsync(m)).Outcome, Is.EqualTo(DeployOutcome.Updated), "back to the first one: deployed again");
    }

    [Test]
    public async Task ShippedModels_ThroughXmla_EqualTheEngine()
    {
        var engine = _endpoint.Service.Engine;
        foreach (var m in _w.Catalog().Where(m => m.Partition is null or "Analytics" or "Core Platform")) // two products' personas, each a partition of the case view
        {
            await _client.DropAsync(m); // other tests of this fixture may have deployed it
            Assert.That((await _client.DeployAsync(m)).Outcome, Is.EqualTo(DeployOutcome.Created), m.Name);
            Assert.That((await _client.DeployAsync(m)).Outcome, Is.EqualTo(DeployOutcome.Unchanged), $"{m.Name}: a second deploy changes nothing");
            var before = (await _client.ListAsync([m]))[0];
            Assert.That(before is { Deployed: true, Processed: false }, $"{m.Name}: deployed, not processed: {before}");

            var processed = await _client.ProcessAsync(m, ProcessType.Full);
            Assert.That(processed.Processed, Is.True);
            var state = (await _client.ListAsync([m]))[0];
            var trained = engine.Trained(m.Name);
            Assert.Multiple(() =>
            {
                Assert.That(state.Processed, Is.True, m.Name);
                Assert.That(state.Cases, Is.EqualTo(trained.Cases), $"{m.Name}: cases");
                Assert.That(state.Clusters, Is.EqualTo(trained.ClusterCount), $"{m.Name}: clusters");
                Assert.That(state.LastProcessed, Is.EqualTo(trained.ProcessedAt).Within(TimeSpan.FromMilliseconds(1)), $"{m.Name}: last processed");
            });
            Assert.That((await _client.ProcessAsync(m, ProcessType.Default)).Processed, Is.False, "ProcessDefault leaves a processed model alone");
            if (m.Partition is { } product)
            {
                var rows = (await _w.QueryAsync<long>($"select count(*) from mining.vProductPersonasCase where Product = '{product}'"))[0];
                Assert.That(trained.Cases, Is.EqualTo(rows), $"{m.Name}: trained through XMLA on {product}'s contacts only");
            }

            var content = await _client.ContentAsync(m);
            Assert.That(content, Has.Count.EqualTo(trained.ClusterCount + 1));
            Assert.That(Json(content), Is.EqualTo(Json(await engine.ContentAsync(m))), $"{m.Name}: content");
            Assert.That(Json(await _client.ProfilesAsync(m)), Is.EqualTo(Json(await engine.ProfilesAsync(m))), $"{m.Name}: profiles");
            foreach (var node in new[] { "001", "002" })
            {
                var characteristics = await _client.CharacteristicsAsync(m, node);
                Assert.That(characteristics, Is.Not.Empty);
                Assert.That(Json(characteristics), Is.EqualTo(Json(await engine.CharacteristicsAsync(m, node))), $"{m.Name}: characteristics of {node}");
            }

            var complement = await _client.DiscriminationAsync(m, "001", null);
            Assert.That(complement.Max(r => Math.Abs(r.Score)), Is.EqualTo(100).Within(1e-9));
            Assert.That(Json(complement), Is.EqualTo(Json(await engine.DiscriminationAsync(m, "001", null))), $"{m.Name}: 001 against the rest");
            Assert.That(Json(await _client.DiscriminationAsync(m, "001", "002")), Is.EqualTo(Json(await engine.DiscriminationAsync(m, "001", "002"))), $"{m.Name}: 001 against 002");

            var viaXmla = new Dictionary<string, CaseMembership>();
            await foreach (var p in _client.PredictAsync(m))
            {
                viaXmla.Add(p.Key, p);
            }

            var direct = new Dictionary<string, CaseMembership>();
            await foreach (var p in engine.PredictAsync(m))
            {
                direct.Add(p.Key, p);
            }

            Assert.That(viaXmla, Has.Count.EqualTo(trained.Cases), $"{m.Name}: one prediction per case");
            Assert.That(viaXmla.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value), Is.EqualTo(direct.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)), $"{m.Name}: predictions");
        }
    }

    [Test]
    public async Task Drop_RemovesTheStructure_AndASecondDropFindsNothing()
    {
        var m = ModelCatalog.Shipped().Select("market-segments")[0] with { Name = "drop-me" };
        m = ModelDefinitionJson.Parse("drop-me", JsonSerializer.Serialize(m, ModelDefinitionJson.Options), "test");
        await _client.DeployAsync(m);
        Assert.That((await _client.ListAsync([m]))[0].Deployed, Is.True);
        Assert.That(await _client.DropAsync(m), Is.True);
        Assert.That((await _client.ListAsync([m]))[0].Deployed, Is.False);
        Assert.That(await _client.DropAsync(m), Is.False);
    }

    [Test]
    public async Task ProcessedByTheEngineDirectly_GivesTheSameContent()
    {
        // A second, independent engine over the same warehouse trains the same model: content is reproducible.
        var m = ModelCatalog.Shipped().Select("buyer-clusters")[0];
        await _client.DeployAsync(m);
        await _client.ProcessAsync(m, ProcessType.Default);
        await using var direct = _w.Engine("direct-models");
        await direct.DeployAsync(m);
        await direct.ProcessAsync(m, ProcessType.Full);
        Assert.That(Json(await direct.ContentAsync(m)), Is.EqualTo(Json(await _client.ContentAsync(m))));
    }

    [Test]
    public async Task FreshEndpoint_AnswersTheConnectRowsets_WithoutSessionOrCatalog()
    {
        await using var w = new EmptyEndpoint();
        var client = new XmlaClient(new XmlaClientOptions { Url = w.Endpoint.Url, Retries = 0 });
        Assert.That(await client.CheckServerAsync(), Does.StartWith("15."));
        var properties = await client.DiscoverAsync("DISCOVER_PROPERTIES");
        Assert.That(properties.Rows.Select(r => r.String("PropertyName")), Does.Contain("DBMSVersion"));
        var rowsets = await client.DiscoverAsync("DISCOVER_SCHEMA_ROWSETS");
        Assert.That(rowsets.Rows.Select(r => r.String("SchemaName")), Does.Contain("DMSCHEMA_MINING_MODEL_CONTENT"));
        Assert.That(rowsets.Rows.First(r => r.String("SchemaName") == "DMSCHEMA_MINING_MODELS").Table("Restrictions").Select(r => r.String("Name")), Does.Contain("MODEL_NAME"));
        Assert.That((await client.DiscoverAsync("DBSCHEMA_CATALOGS")).Rows, Is.Empty);
        foreach (var r in new[] { "DMSCHEMA_MINING_STRUCTURES", "DMSCHEMA_MINING_MODELS", "DMSCHEMA_MINING_COLUMNS", "DMSCHEMA_MINING_STRUCTURE_COLUMNS", "DMSCHEMA_MINING_MODEL_CONTENT" })
        {
            var rowset = await client.DiscoverAsync(r);
            Assert.That(rowset.HadSchema && rowset.Rows.Count == 0, $"{r}: a schema and no rows");
        }

        Assert.That((await client.DiscoverAsync("DMSCHEMA_MINING_SERVICES")).Rows.Single().String("SERVICE_NAME"), Is.EqualTo("Microsoft_Clustering"));
        client.Dispose();
    }
}

/// <summary>An endpoint over an empty data folder (no warehouse, nothing deployed).</summary>
internal sealed class EmptyEndpoint : IAsyncDisposable
{
    private readonly string _root = DemoWarehouse.NewRoot();

    public EmptyEndpoint(TimeSpan? sessionTimeout = null, string? user = null, string? password = null)
    {
        var folder = new Warehouse.DataFolder(_root);
        var engine = new Embedded.EmbeddedMiningServer(new Warehouse.Reading.DuckDbReader(new Warehouse.DuckDb.DuckDbWarehouse(folder, new Core.Configuration.WarehouseOptions())), new Embedded.ModelStore(folder.Models));
        Service = new XmlaService(engine, EndpointCatalog.Load(null), sessionTimeout ?? TimeSpan.FromMinutes(5));
        Endpoint = XmlaEndpoint.StartAsync(Service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0", User = user, Password = password }).GetAwaiter().GetResult();
    }

    public XmlaService Service { get; }

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
