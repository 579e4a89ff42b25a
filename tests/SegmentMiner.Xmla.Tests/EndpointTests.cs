using System.Net;
using System.Text;
using System.Xml.Linq;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Embedded.Xmla;

namespace SegmentMiner.Xmla.Tests;

/// <summary>The endpoint's protocol behaviour: sessions, cancel, strictness, errors shaped as Analysis Services shapes them.</summary>
[TestFixture]
[NonParallelizable]
public sealed class EndpointTests
{
    private static XmlaClient ClientFor(EmptyEndpoint e, string? user = null, string? password = null) =>
        new(new XmlaClientOptions
        {
            Url = e.Endpoint.Url,
            Retries = 0,
            Authentication = user is null ? XmlaAuthentication.Anonymous : XmlaAuthentication.Basic,
            User = user,
            Password = password,
            AllowBasicOverHttp = true,
        });

    private static ModelDefinition Model(string name = "market-segments") => ModelCatalog.Shipped().Select(name)[0];

    [Test]
    public async Task CancelledProcess_SendsCancel_ForItsSession()
    {
        using var w = await DemoWarehouse.CreateAsync(800);
        var service = new XmlaService(w.Engine("endpoint-models"), EndpointCatalog.Load(null), TimeSpan.FromMinutes(5));
        await using var endpoint = await XmlaEndpoint.StartAsync(service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0" });
        var server = new XmlaMiningServer(new XmlaClient(new XmlaClientOptions { Url = endpoint.Url, Retries = 0 }), "unused");
        var m = Model("buyer-clusters");
        await server.DeployAsync(m);

        using var cts = new CancellationTokenSource();
        using var cancelArrived = new ManualResetEventSlim();
        string? cancelledSession = null;
        service.CancelReceived += id =>
        {
            cancelledSession = id;
            cancelArrived.Set();
        };
        // The user presses Ctrl+C once the server has started processing; the server holds until the Cancel arrives.
        service.ProcessStarted += _ =>
        {
            cts.Cancel();
            cancelArrived.Wait(TimeSpan.FromSeconds(20));
        };

        Assert.CatchAsync<OperationCanceledException>(() => server.ProcessAsync(m, ProcessType.Full, cancellationToken: cts.Token));
        Assert.That(service.CancelsReceived, Is.EqualTo(1), "the endpoint received one Cancel");
        Assert.That(cancelledSession, Is.Not.Null);
        var state = (await server.ListAsync([m]))[0];
        Assert.That(state.Processed, Is.False, "a cancelled process leaves the model unprocessed");
        await server.DisposeAsync();
    }

    [Test]
    public async Task ExpiredSession_IsAClearError()
    {
        await using var e = new EmptyEndpoint(sessionTimeout: TimeSpan.FromMilliseconds(300));
        using var client = ClientFor(e);
        var session = await client.BeginSessionAsync();
        Assert.That(e.Service.Sessions.Count, Is.EqualTo(1));
        await client.DiscoverAsync("DISCOVER_PROPERTIES", session: session);
        await Task.Delay(700);
        var error = Assert.ThrowsAsync<XmlaException>(() => client.DiscoverAsync("DISCOVER_PROPERTIES", session: session));
        Assert.That(error!.Errors.Single().Code, Is.EqualTo(XmlaFault.Session));
        Assert.That(error.Message, Does.Contain(session.Id).And.Contain("expired"));
        await session.DisposeAsync(); // ending an expired session is logged, not thrown
    }

    [Test]
    public async Task Sessions_AreEnded_WhenDisposed()
    {
        await using var e = new EmptyEndpoint();
        using var client = ClientFor(e);
        await using (var session = await client.BeginSessionAsync())
        {
            Assert.That(e.Service.Sessions.Find(session.Id), Is.Not.Null);
        }

        Assert.That(e.Service.Sessions.Count, Is.Zero);
    }

    [Test]
    public async Task Endpoint_IsStrict_WhereAnalysisServicesIsStrict()
    {
        await using var e = new EmptyEndpoint();
        using var client = ClientFor(e);
        var m = Model();
        var engine = Ns.Engine;
        XElement Create(XElement definition, bool overwrite, string? database = null) => new(engine + "Create",
            overwrite ? new XAttribute("AllowOverwrite", "true") : null,
            database is null ? null : new XElement(engine + "ParentObject", new XElement(engine + "DatabaseID", database)),
            new XElement(engine + "ObjectDefinition", definition));
        var database = new XElement(engine + "Database", new XElement(engine + "ID", "Db1"), new XElement(engine + "Name", "Db1"));

        // A data source view whose data source does not exist.
        await client.ExecuteAsync(Create(database, overwrite: false));
        var missingSource = Assert.ThrowsAsync<XmlaException>(() => client.ExecuteAsync(Create(Assl.DataSourceView(m with { Database = "Db1" }), false, "Db1")));
        Assert.That(missingSource!.Message, Does.Contain("data source 'Warehouse'").And.Contain("does not exist"));
        Assert.That(missingSource.Errors.Single().Code, Is.EqualTo(XmlaFault.Metadata));

        // A duplicate without AllowOverwrite; the same with it.
        var duplicate = Assert.ThrowsAsync<XmlaException>(() => client.ExecuteAsync(Create(database, overwrite: false)));
        Assert.That(duplicate!.Message, Does.Contain("already exists"));
        await client.ExecuteAsync(Create(database, overwrite: true));

        // Unknown objects.
        var unknown = Assert.ThrowsAsync<XmlaException>(() => client.ExecuteAsync(new XElement(engine + "Delete",
            new XElement(engine + "Object", new XElement(engine + "DatabaseID", "Db1"), new XElement(engine + "MiningStructureID", "nope")))));
        Assert.That(unknown!.Message, Does.Contain("'nope' does not exist"));
        Assert.ThrowsAsync<XmlaException>(() => client.ExecuteAsync(new XElement(engine + "Process", new XElement(engine + "Type", "ProcessFull"),
            new XElement(engine + "Object", new XElement(engine + "DatabaseID", "NoSuchDb")))));
        Assert.That(Assert.ThrowsAsync<XmlaException>(() => client.DiscoverAsync("MDSCHEMA_NOTHING"))!.Message, Does.Contain("not recognized"));
        Assert.That(Assert.ThrowsAsync<XmlaException>(() => client.ExecuteAsync("SELECT * FROM [nope].CONTENT"))!.Message, Does.Contain("'nope'"));

        // A transactional batch that fails half-way leaves nothing behind.
        var batch = Assl.DeployBatch([m with { Database = "Db2" }], "x");
        batch.Add(new XElement(engine + "Delete", new XElement(engine + "Object", new XElement(engine + "DatabaseID", "Db2"), new XElement(engine + "MiningStructureID", "nope"))));
        Assert.ThrowsAsync<XmlaException>(() => client.ExecuteAsync(batch));
        Assert.That((await client.DiscoverAsync("DBSCHEMA_CATALOGS")).Rows.Select(r => r.String("CATALOG_NAME")), Is.EqualTo(new[] { "Db1" }));
    }

    [Test]
    public async Task OpenQuery_ReadsOnlyTheCaseViews_OfDeployedStructures()
    {
        using var w = await DemoWarehouse.CreateAsync(400);
        var service = new XmlaService(w.Engine("endpoint-models"), EndpointCatalog.Load(null), TimeSpan.FromMinutes(5));
        await using var endpoint = await XmlaEndpoint.StartAsync(service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0" });
        using var client = new XmlaClient(new XmlaClientOptions { Url = endpoint.Url, Retries = 0 });
        var server = new XmlaMiningServer(client, "unused");
        var m = Model();
        await server.DeployAsync(m);
        var insert = $"INSERT INTO MINING STRUCTURE [{m.StructureName}] OPENQUERY([Warehouse], 'SELECT [AccountId], [Industry] FROM [mining].[vMarketSegmentsCase]')";
        await client.ExecuteAsync(insert, m.Database);
        Assert.That((await server.ListAsync([m]))[0].Processed, Is.True, "INSERT INTO ... OPENQUERY processes the structure");

        foreach (var query in new[] { "SELECT [AccountId] FROM [dw].[CustomerFeatures]", "SELECT [AccountId] FROM [mining].[vMarketSegmentsCase] WHERE 1=1", "COPY x TO 'y'" })
        {
            var e = Assert.ThrowsAsync<XmlaException>(() => client.ExecuteAsync(
                $"SELECT t.[AccountId], Cluster() FROM [{m.Name}] PREDICTION JOIN OPENQUERY([Warehouse], '{query.Replace("'", "''")}') AS t ON [{m.Name}].[Industry] = t.[Industry]", m.Database));
            Assert.That(e!.Message, Does.Contain("OPENQUERY"), query);
        }

        var noSource = Assert.ThrowsAsync<XmlaException>(() => client.ExecuteAsync(
            $"SELECT t.[AccountId], Cluster() FROM [{m.Name}] PREDICTION JOIN OPENQUERY([Elsewhere], 'SELECT [AccountId] FROM [mining].[vMarketSegmentsCase]') AS t", m.Database));
        Assert.That(noSource!.Message, Does.Contain("data source 'Elsewhere' does not exist"));

        var singleton = (await client.ExecuteAsync(
            $"SELECT FLATTENED t.[AccountId], Cluster(), ClusterProbability(), ClusterDistance() FROM [{m.Name}] NATURAL PREDICTION JOIN OPENQUERY([Warehouse], 'SELECT [AccountId], [Industry] FROM [mining].[vMarketSegmentsCase]') AS t", m.Database)).Rowset();
        Assert.That(singleton.Columns.Select(c => c.Name), Is.EqualTo(new[] { "AccountId", "$CLUSTER", "Expression", "Expression 1" }));
        Assert.That(singleton.Rows.Count, Is.EqualTo(service.Engine.Trained(m.Name).Cases));
        Assert.That(singleton.Rows.All(r => r.String("$CLUSTER")!.StartsWith("Cluster ", StringComparison.Ordinal)));

        var flat = (await client.ExecuteAsync($"SELECT FLATTENED * FROM [{m.Name}].CONTENT", m.Database)).Rowset();
        var nested = await server.ContentAsync(m);
        Assert.That(flat.Rows.Count, Is.EqualTo(nested.Sum(n => n.NodeDistribution.Count)), "FLATTENED repeats a node per distribution row");
        Assert.That(flat.Columns.Select(c => c.Name), Does.Contain("NODE_DISTRIBUTION.ATTRIBUTE_NAME"));
    }

    [Test]
    public async Task Get_AnswersTheParserFault_AsTheRealPumpDoes()
    {
        await using var e = new EmptyEndpoint();
        using var http = new HttpClient();
        foreach (var path in new[] { "/xmla", "/olap/msmdpump.dll" })
        {
            var response = await http.GetAsync(new Uri(e.Endpoint.Addresses[0], path));
            Assert.That((int)response.StatusCode, Is.EqualTo(500));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/xml"));
            var error = Assert.Throws<XmlaException>(() => Soap.ReadResponse(response.Content.ReadAsStringAsync().Result, "GET"));
            Assert.That(error!.Errors.Single().Code, Is.EqualTo(0xC10E0002));
        }

        // A compressed request is refused with a fault, not misread.
        var request = new HttpRequestMessage(HttpMethod.Post, e.Endpoint.Url) { Content = new ByteArrayContent([1, 2, 3]) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/sx+xpress");
        var refused = await http.SendAsync(request);
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("plain XML requests only"));
        Assert.That(refused.Headers.GetValues(Ns.NegotiationHeader).Single(), Is.EqualTo("0,0,0,0,0"));
    }

    [Test]
    public async Task BasicAuthentication_IsRequired_WhenConfigured()
    {
        await using var e = new EmptyEndpoint(user: "analyst", password: "s3cret");
        using var anonymous = ClientFor(e);
        var denied = Assert.ThrowsAsync<XmlaTransportException>(() => anonymous.DiscoverAsync("DISCOVER_PROPERTIES"));
        Assert.That(denied!.Status, Is.EqualTo(401));
        using var wrong = ClientFor(e, "analyst", "guess");
        Assert.ThrowsAsync<XmlaTransportException>(() => wrong.DiscoverAsync("DISCOVER_PROPERTIES"));
        using var right = ClientFor(e, "analyst", "s3cret");
        Assert.That((await right.DiscoverAsync("DISCOVER_PROPERTIES")).Rows, Is.Not.Empty);

        var open = Assert.ThrowsAsync<Core.ConfigurationException>(() => XmlaEndpoint.StartAsync(e.Service, new XmlaEndpointOptions { Urls = "http://0.0.0.0:0" }));
        Assert.That(open!.Message, Does.Contain("not a loopback address"));
    }
}
