using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Embedded.Xmla;

namespace SegmentMiner.Xmla.Tests;

/// <summary>
/// The DMX examples of Microsoft's documentation, adapted only in model and column names to the shipped models
/// (market-segments: discrete firmographics; buyer-clusters: continuous behaviour), sent to the embedded endpoint
/// over XMLA. Each test names its page and checks the documented columns and semantics.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class DmxConformanceTests
{
    private const string Firmographics = "(SELECT 'Software' AS [Industry], 'Europe' AS [Region], 'Germany' AS [Country], '11-50' AS [Employee Band]) AS t";
    private const string ProductBaskets = """
        {
          "description": "Accounts by the products they subscribe to: the association examples' nested table.",
          "caseView": "mining.vBuyerClustersCase",
          "columns": [
            { "name": "Account Id", "source": "AccountId", "type": "Text", "content": "Key" },
            { "name": "Tenure Months", "type": "Long", "content": "Continuous", "flags": [ "NOT NULL" ] },
            { "name": "Mrr", "type": "Double", "content": "Continuous" },
            { "name": "Products", "type": "Text", "content": "Table", "view": "mining.vTestProducts", "foreignKey": "AccountId",
              "columns": [ { "name": "Product", "type": "Text", "content": "Key" } ] }
          ],
          "model": { "parameters": { "CLUSTER_COUNT": 4, "CLUSTER_SEED": 3 }, "usage": { "Products": "Predict" } }
        }
        """;

    private DemoWarehouse _warehouse = null!;
    private XmlaService _service = null!;
    private XmlaEndpoint _endpoint = null!;
    private XmlaClient _client = null!;
    private ModelDefinition _market = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _warehouse = await DemoWarehouse.CreateAsync(500);
        _service = new XmlaService(_warehouse.Engine("conformance-models"), EndpointCatalog.Load(null), TimeSpan.FromMinutes(5));
        _endpoint = await XmlaEndpoint.StartAsync(_service, new XmlaEndpointOptions { Urls = "http://127.0.0.1:0" });
        _client = new XmlaClient(new XmlaClientOptions { Url = _endpoint.Url, Retries = 0 });
        var server = new XmlaMiningServer(_client, "unused");
        _market = ModelCatalog.Shipped().Select("market-segments")[0];
        var kmeans = _market with
        {
            Name = "market-kmeans",
            Model = _market.Model with { Parameters = new Dictionary<string, double>(_market.Model.Parameters) { ["CLUSTERING_METHOD"] = 4 } },
        };
        var buyer = ModelCatalog.Shipped().Select("buyer-clusters")[0];
        var predictOnly = buyer with
        {
            Name = "buyer-clusters-predictonly",
            Model = buyer.Model with { Usage = new Dictionary<string, ColumnUsage>(buyer.Model.Usage) { ["Attrited"] = ColumnUsage.PredictOnly } },
        };
        // Drillthrough on (the model CASES pages), and a structure whose [Billed 12m] is discretized (SELECT DISTINCT)
        var drillthrough = _market with { Name = "market-drillthrough", Model = _market.Model with { Drillthrough = true } };
        var discretized = buyer with
        {
            Name = "buyer-discretized",
            Columns = buyer.Columns.Select(c => c.Name == "Billed 12m" ? c with { Content = ContentType.Discretized, Buckets = 5 } : c).ToList(),
        };
        // The association examples' nested table: the products each account subscribes to, predictable
        await _warehouse.CreateProductsViewAsync();

        var baskets = ModelDefinitionJson.Parse("product-baskets", ProductBaskets, "product-baskets.json");
        foreach (var m in new[] { _market, buyer, kmeans, predictOnly, drillthrough, discretized, baskets })
        {
            await server.DeployAsync(m);
            await server.ProcessAsync(m, ProcessType.Full);
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _endpoint.DisposeAsync();
        _warehouse.Dispose();
    }

    private Mining.ClusteringModel Trained => _service.Engine.Trained("market-segments");

    private async Task<Rowset> Query(string dmx) => (await _client.ExecuteAsync(dmx, _market.Database)).Rowset();

    private XmlaException Refused(string dmx) => Assert.ThrowsAsync<XmlaException>(() => _client.ExecuteAsync(dmx, _market.Database))!;

    private static IEnumerable<string?> Names(Rowset r) => r.Columns.Select(c => c.Name);

    // Clustering Model Query Examples, Sample Query 1: Getting Model Metadata by Using DMX
    [Test]
    public async Task ClusteringExamples_1_ModelMetadata()
    {
        var r = await Query("""
            SELECT MODEL_CATALOG, MODEL_NAME, NODE_CAPTION,
            NODE_SUPPORT, [CHILDREN_CARDINALITY], NODE_DESCRIPTION
            FROM [market-segments].CONTENT
            WHERE NODE_TYPE = 1
            """);
        Assert.That(Names(r), Is.EqualTo(new[] { "MODEL_CATALOG", "MODEL_NAME", "NODE_CAPTION", "NODE_SUPPORT", "CHILDREN_CARDINALITY", "NODE_DESCRIPTION" }));
        var root = r.Rows.Single();
        Assert.That(root.String("MODEL_NAME"), Is.EqualTo("market-segments"));
        Assert.That(root.String("NODE_CAPTION"), Is.EqualTo("Cluster Model"));
        Assert.That(root.Double("NODE_SUPPORT"), Is.EqualTo(Trained.Cases));
        Assert.That(root.Long("CHILDREN_CARDINALITY"), Is.EqualTo(Trained.ClusterCount));
    }

    // Clustering Model Query Examples, Sample Query 2: Retrieving Model Metadata from the Schema Rowset
    [Test]
    public async Task ClusteringExamples_2_ModelMetadataFromTheSchemaRowset()
    {
        var r = await Query("""
            SELECT MODEL_NAME, DATE_CREATED, LAST_PROCESSED, PREDICTION_ENTITY, MINING_PARAMETERS
            from $system.DMSCHEMA_MINING_MODELS
            WHERE MODEL_NAME = 'market-segments'
            """);
        Assert.That(Names(r), Is.EqualTo(new[] { "MODEL_NAME", "DATE_CREATED", "LAST_PROCESSED", "PREDICTION_ENTITY", "MINING_PARAMETERS" }));
        var row = r.Rows.Single();
        Assert.That(row.Has("LAST_PROCESSED"), "processed");
        var predictable = _market.Model.Usage.Where(u => u.Value is ColumnUsage.Predict or ColumnUsage.PredictOnly).Select(u => u.Key);
        Assert.That(row.String("PREDICTION_ENTITY")?.Split(','), Is.EquivalentTo(predictable), "the columns the definition marks Predict");
        Assert.That(row.String("MINING_PARAMETERS"), Does.Contain("CLUSTER_COUNT="));
    }

    // Clustering Model Query Examples, Sample Query 3: Returning a Cluster or List of Clusters
    [Test]
    public async Task ClusteringExamples_3_ClustersAboveASupport()
    {
        var r = await Query("""
            SELECT NODE_NAME, NODE_CAPTION ,NODE_SUPPORT, NODE_DESCRIPTION
            FROM [market-segments].CONTENT
            WHERE NODE_TYPE = 5 AND NODE_SUPPORT > 40
            """);
        var expected = Trained.Content().Where(n => n.NodeType == 5 && n.NodeSupport > 40).Select(n => n.NodeUniqueName).ToList();
        Assert.That(expected, Is.Not.Empty.And.Count.LessThan(Trained.ClusterCount + 1));
        Assert.That(r.Rows.Select(x => x.String("NODE_NAME")), Is.EqualTo(expected));
        Assert.That(r.Rows.Select(x => x.String("NODE_CAPTION")), Has.All.StartsWith("Cluster "));
    }

    // Clustering Model Query Examples, Sample Query 4: Returning Attributes for a Cluster
    [Test]
    public async Task ClusteringExamples_4_AttributesOfTheTopTwoClusters()
    {
        var r = await Query("""
            SELECT TOP 2 NODE_NAME,
            (SELECT ATTRIBUTE_VALUE, [PROBABILITY] FROM NODE_DISTRIBUTION WHERE ATTRIBUTE_NAME = 'Industry')
            AS t
            FROM [market-segments].CONTENT
            WHERE NODE_TYPE = 5
            """);
        Assert.That(r.Rows.Select(x => x.String("NODE_NAME")), Is.EqualTo(new[] { "001", "002" }), "clusters come by support, the largest first");
        foreach (var row in r.Rows)
        {
            var t = row.Table("t");
            var node = Trained.Content().Single(n => n.NodeUniqueName == row.String("NODE_NAME"));
            Assert.That(t.Select(x => x.String("ATTRIBUTE_VALUE")), Is.EqualTo(node.NodeDistribution.Where(d => d.AttributeName == "Industry").Select(d => d.AttributeValue)));
            Assert.That(t.Sum(x => x.Double("PROBABILITY")), Is.EqualTo(1).Within(1e-6));
        }

        var flat = await Query("SELECT FLATTENED TOP 2 NODE_NAME, (SELECT ATTRIBUTE_VALUE, [PROBABILITY] FROM NODE_DISTRIBUTION WHERE ATTRIBUTE_NAME = 'Industry') AS t FROM [market-segments].CONTENT WHERE NODE_TYPE = 5");
        Assert.That(Names(flat), Is.EqualTo(new[] { "NODE_NAME", "t.ATTRIBUTE_VALUE", "t.PROBABILITY" }));
        Assert.That(flat.Rows.Count, Is.EqualTo(r.Rows.Sum(x => x.Table("t").Count)));
    }

    // Clustering Model Query Examples, Sample Queries 5 and 6: the clustering system procedures, their arguments honoured
    [Test]
    public async Task ClusteringExamples_5_6_SystemProcedures()
    {
        var profile = await Query("CALL System.Microsoft.AnalysisServices.System.DataMining.Clustering.GetClusterProfiles('market-segments', '002', 0.0005)");
        Assert.That(profile.Rows, Is.Not.Empty);
        Assert.That(profile.Rows.Select(x => x.String("NodeUniqueName")).Distinct(), Is.EqualTo(new[] { "002" }), "the profile of cluster 002 only");

        var characteristics = await Query("CALL System.Microsoft.AnalysisServices.System.DataMining.Clustering.GetClusterCharacteristics('market-segments', '001', 0.0005)");
        Assert.That(Names(characteristics), Is.EqualTo(new[] { "Attributes", "Values", "Frequency", "Support" }));
        Assert.That(characteristics.Rows.Select(x => x.Double("Frequency")), Has.All.InRange(0.0005, 1.0));

        var versus = await Query("CALL System.Microsoft.AnalysisServices.System.DataMining.Clustering.GetClusterDiscrimination('market-segments','001','002',0.0005,true)");
        var complement = await Query("CALL System.Microsoft.AnalysisServices.System.DataMining.Clustering.GetClusterDiscrimination('market-segments','001','',0.0005,true)");
        Assert.That(Names(versus), Is.EqualTo(new[] { "Attributes", "Values", "Score" }));
        Assert.That(versus.Rows.Select(x => x.Double("Score")), Has.All.InRange(-100.0, 100.0));
        Assert.That(complement.Rows.Select(x => (x.String("Attributes"), x.String("Values"), x.Double("Score"))),
            Is.Not.EqualTo(versus.Rows.Select(x => (x.String("Attributes"), x.String("Values"), x.Double("Score")))), "against the complement differs from against cluster 002");
    }

    // Clustering Model Query Examples, Sample Query 7: Returning Cases that Belong to a Cluster (drillthrough is off)
    [Test]
    public void ClusteringExamples_7_CasesOfAModelWithoutDrillthrough_AreRefused()
    {
        var e = Refused("SELECT [Industry], [Region] FROM [market-segments].CASES WHERE IsInNode('001')");
        Assert.That(e.Message, Does.Contain("rillthrough"));
    }

    // Clustering Model Query Examples, Sample Query 9: Determining Cluster Membership
    [Test]
    public async Task ClusteringExamples_9_ClusterMembership()
    {
        var r = await Query($"SELECT Cluster(), ClusterProbability() FROM [market-segments] NATURAL PREDICTION JOIN {Firmographics}");
        Assert.That(Names(r), Is.EqualTo(new[] { "$CLUSTER", "Expression" }));
        var p = Trained.Predict(new Dictionary<string, object?> { ["Industry"] = "Software", ["Region"] = "Europe", ["Country"] = "Germany", ["Employee Band"] = "11-50" });
        Assert.That(r.Rows.Single().String("$CLUSTER"), Is.EqualTo(p.Cluster));
        Assert.That(r.Rows.Single().Double("Expression"), Is.EqualTo(p.Probability).Within(1e-12));
    }

    // Clustering Model Query Examples, Sample Query 10: Returning All Possible Clusters with Probability and Distance
    [Test]
    public async Task ClusteringExamples_10_EveryClusterWithProbabilityAndDistance()
    {
        var r = await Query("""
            SELECT FLATTENED PredictHistogram(Cluster())
            From [market-segments]
            NATURAL PREDICTION JOIN
            (SELECT 'Software' AS [Industry], 'Europe' AS [Region], 'Germany' AS [Country])
            """);
        Assert.That(Names(r), Is.EqualTo(new[] { "Expression.$CLUSTER", "Expression.$DISTANCE", "Expression.$PROBABILITY" }));
        var probabilities = r.Rows.Select(x => x.Double("Expression.$PROBABILITY")).ToList();
        Assert.That(r.Rows, Has.Count.EqualTo(Trained.ClusterCount));
        Assert.That(probabilities, Is.Ordered.Descending, "ranked by probability");
        Assert.That(probabilities.Sum(), Is.EqualTo(1).Within(1e-9));
        Assert.That(r.Rows.Select(x => x.Double("Expression.$DISTANCE") + x.Double("Expression.$PROBABILITY")), Has.All.EqualTo(1).Within(1e-12));
    }

    // Clustering Model Query Examples, Sample Query 8 (second query): PredictCaseLikelihood; PredictCaseLikelihood (DMX)
    [Test]
    public async Task PredictCaseLikelihood_NormalizedAndNot_AreProbabilities()
    {
        var r = await Query($"""
            SELECT
            PredictCaseLikelihood(NORMALIZED) AS [NormalizedValue], PredictCaseLikelihood(NONNORMALIZED) AS [NonNormalizedValue]
            FROM [market-segments]
            NATURAL PREDICTION JOIN
            {Firmographics}
            """);
        Assert.That(Names(r), Is.EqualTo(new[] { "NormalizedValue", "NonNormalizedValue" }));
        var row = r.Rows.Single();
        Assert.That(row.Double("NormalizedValue"), Is.InRange(0.0, 1.0));
        Assert.That(row.Double("NonNormalizedValue"), Is.InRange(0.0, 1.0));
    }

    // PredictCaseLikelihood (DMX) on continuous attributes: the non-normalized value is a probability too
    [Test]
    public async Task PredictCaseLikelihood_OnContinuousAttributes_StaysAProbability()
    {
        var values = await Query("""
            SELECT PredictCaseLikelihood(NORMALIZED) AS [NormalizedValue], PredictCaseLikelihood(NONNORMALIZED) AS [NonNormalizedValue]
            FROM [buyer-clusters] NATURAL PREDICTION JOIN
            (SELECT 12 AS [Recency Days], 10 AS [Invoices 12m], 24000.5 AS [Billed 12m], 30 AS [Tenure Months], 2000 AS [Mrr], 15 AS [Mrr Trend 3m], 2 AS [Active Products]
             UNION SELECT 400 AS [Recency Days], 0 AS [Invoices 12m], 0 AS [Billed 12m], 3 AS [Tenure Months], 0 AS [Mrr], 0 AS [Mrr Trend 3m], 0 AS [Active Products]
             UNION SELECT 30 AS [Recency Days], 4 AS [Invoices 12m], 900 AS [Billed 12m], 12 AS [Tenure Months], 75 AS [Mrr], 0 AS [Mrr Trend 3m], 1 AS [Active Products]) AS t
            """);
        Assert.That(values.Rows, Has.Count.EqualTo(3));
        Assert.That(values.Rows.Select(r => r.Double("NonNormalizedValue")), Has.All.InRange(0.0, 1.0));
        Assert.That(values.Rows.Select(r => r.Double("NormalizedValue")), Has.All.InRange(0.0, 1.0));

        // Every customer of the warehouse, as a prediction over the case view scores them.
        var model = ModelCatalog.Shipped().Select("buyer-clusters")[0];
        var everyone = _service.Engine.Trained(model.Name).PredictAll(await _service.Engine.CaseSourceAsync(model, default)).ToList();
        Assert.That(everyone, Has.Count.GreaterThan(100));
        Assert.That(everyone.Select(p => p.CaseLikelihoodNonNormalized), Has.All.InRange(0.0, 1.0));
    }

    // ClusterProbability (DMX) and ClusterDistance (DMX) on a K-means model: one cluster per case, every caption valid
    [Test]
    public async Task KMeans_ClusterFunctions_TakeEveryCaption()
    {
        var r = await Query($"""
            SELECT Cluster(), ClusterProbability(), ClusterDistance(), ClusterProbability('Cluster 2'), ClusterDistance('Cluster 2')
            FROM [market-kmeans] NATURAL PREDICTION JOIN {Firmographics}
            """);
        var row = r.Rows.Single();
        Assert.That(row.Double("Expression"), Is.EqualTo(1), "K-means membership is hard");
        Assert.That(row.Double("Expression 1"), Is.EqualTo(0), "the distance to its own cluster is 0");
        var inTwo = row.String("$CLUSTER") == "Cluster 2";
        Assert.That(row.Double("Expression 2"), Is.EqualTo(inTwo ? 1 : 0));
        Assert.That(row.Double("Expression 3"), Is.EqualTo(inTwo ? 0 : 1));
        var histogram = await Query($"SELECT FLATTENED PredictHistogram(Cluster()) FROM [market-kmeans] NATURAL PREDICTION JOIN {Firmographics}");
        Assert.That(histogram.Rows, Has.Count.EqualTo(1), "K-means: one row, as the documentation says");
    }

    // Clustering Model Query Examples, Sample Query 8: Predicting Outcomes from a Clustering Model (a Predict column);
    // Predict (DMX); PredictProbability (DMX); PredictSupport (DMX)
    [Test]
    public async Task ClusteringExamples_8_PredictingAColumn()
    {
        var r = await Query("""
            SELECT
              [market-segments].[Region], PredictProbability([Region], 'Europe'), Predict([Region]), PredictProbability([Region]), PredictSupport([Region])
            FROM
              [market-segments]
            NATURAL PREDICTION JOIN
            (SELECT 'Software' AS [Industry],
              '11-50' AS [Employee Band]) AS t
            """);
        Assert.That(Names(r), Is.EqualTo(new[] { "Region", "Expression", "Region 1", "Expression 1", "Expression 2" }));
        var row = r.Rows.Single();

        // The expected prediction: each state's probability in each cluster, weighted by the case's membership.
        var p = Trained.Predict(new Dictionary<string, object?> { ["Industry"] = "Software", ["Employee Band"] = "11-50" });
        var states = Trained.Content().Where(n => n.NodeType == 5)
            .SelectMany(n => n.NodeDistribution.Where(d => d.AttributeName == "Region" && d.ValueType != MiningValueType.Missing)
                .Select(d => (d.AttributeValue, P: p.Histogram.Single(h => h.Cluster == n.NodeCaption).Probability * d.Probability)))
            .GroupBy(x => x.AttributeValue).ToDictionary(g => g.Key, g => g.Sum(x => x.P));
        var best = states.MaxBy(x => x.Value);
        Assert.That(row.String("Region"), Is.EqualTo(best.Key));
        Assert.That(row.String("Region 1"), Is.EqualTo(best.Key));
        Assert.That(row.Double("Expression 1"), Is.EqualTo(best.Value).Within(1e-9));
        Assert.That(row.Double("Expression"), Is.EqualTo(states.GetValueOrDefault("Europe")).Within(1e-9));
        Assert.That(states.Values.Sum(), Is.EqualTo(1).Within(1e-4), "the known states' probabilities add up (the Missing state keeps a sliver)");
        Assert.That(row.Double("Expression 2"), Is.GreaterThan(0));

        var notPredictable = Refused($"SELECT Predict([Industry]) FROM [market-segments] NATURAL PREDICTION JOIN {Firmographics}");
        Assert.That(notPredictable.Message, Does.Contain("'Industry' is not predictable"));
    }

    // Clustering Model Query Examples, Sample Query 8 with the column PredictOnly (a copy of buyer-clusters)
    [Test]
    public async Task ClusteringExamples_8_PredictOnlyColumn()
    {
        var r = await Query("""
            SELECT [buyer-clusters-predictonly].[Attrited], PredictProbability([Attrited])
            FROM [buyer-clusters-predictonly]
            NATURAL PREDICTION JOIN
            (SELECT 400 AS [Recency Days], 0 AS [Invoices 12m], 0 AS [Mrr]) AS t
            """);
        var row = r.Rows.Single();
        Assert.That(row.String("Attrited"), Is.Not.Null);
        Assert.That(row.Double("Expression"), Is.InRange(0.5, 1.0), "the most likely of two states");
    }

    // Cluster (DMX); ClusterProbability (DMX); ClusterDistance (DMX), examples 1 and 2
    [Test]
    public async Task ClusterFunctions_OfANamedCluster()
    {
        var r = await Query($"""
            SELECT Cluster(), ClusterDistance(), ClusterProbability('Cluster 2'), ClusterDistance('Cluster 2') AS [Cluster 2 Distance]
            FROM [market-segments] NATURAL PREDICTION JOIN {Firmographics}
            """);
        Assert.That(Names(r), Is.EqualTo(new[] { "$CLUSTER", "Expression", "Expression 1", "Cluster 2 Distance" }));
        var row = r.Rows.Single();
        Assert.That(row.Double("Expression 1") + row.Double("Cluster 2 Distance"), Is.EqualTo(1).Within(1e-12), "ClusterDistance(N) = 1 - ClusterProbability(N)");
        var byName = await Query($"SELECT ClusterProbability('002') FROM [market-segments] NATURAL PREDICTION JOIN {Firmographics}");
        Assert.That(byName.Rows.Single().Double("Expression"), Is.EqualTo(row.Double("Expression 1")).Within(1e-12), "a node name names the same cluster");
        var e = Refused($"SELECT ClusterProbability('Cluster 99') FROM [market-segments] NATURAL PREDICTION JOIN {Firmographics}");
        Assert.That(e.Message, Does.Contain("'Cluster 99'"));
    }

    // TopCount (DMX), adapted from its association example to the clustering histogram
    [Test]
    public async Task TopCount_OfTheHistogram()
    {
        var r = await Query($"SELECT FLATTENED TopCount(PredictHistogram(Cluster()), $PROBABILITY, 3) FROM [market-segments] NATURAL PREDICTION JOIN {Firmographics}");
        var all = await Query($"SELECT FLATTENED PredictHistogram(Cluster()) FROM [market-segments] NATURAL PREDICTION JOIN {Firmographics}");
        Assert.That(r.Rows.Select(x => x.String("Expression.$CLUSTER")), Is.EqualTo(all.Rows.Take(3).Select(x => x.String("Expression.$CLUSTER"))));
    }

    // SELECT FROM <model>.CONTENT (DMX): the three examples, adapted to a clustering model (root node "000", type 1)
    [Test]
    public async Task SelectFromContent_Examples()
    {
        var parent = await Query("SELECT MODEL_NAME, NODE_NAME FROM [market-segments].CONTENT WHERE NODE_TYPE = 1");
        Assert.That(parent.Rows.Single().String("NODE_NAME"), Is.EqualTo("000"));

        var children = await Query("SELECT NODE_NAME, NODE_TYPE, NODE_CAPTION FROM [market-segments].CONTENT WHERE ISDESCENDANT('000')");
        Assert.That(children.Rows, Has.Count.EqualTo(Trained.ClusterCount));
        Assert.That(children.Rows.Select(x => x.Long("NODE_TYPE")), Has.All.EqualTo(5));

        var flat = await Query("SELECT FLATTENED MODEL_NAME, NODE_DISTRIBUTION FROM [market-segments].CONTENT WHERE NODE_TYPE = 1");
        Assert.That(Names(flat), Is.EqualTo(new[] { "MODEL_NAME", "NODE_DISTRIBUTION.ATTRIBUTE_NAME", "NODE_DISTRIBUTION.ATTRIBUTE_VALUE", "NODE_DISTRIBUTION.SUPPORT",
            "NODE_DISTRIBUTION.PROBABILITY", "NODE_DISTRIBUTION.VARIANCE", "NODE_DISTRIBUTION.VALUETYPE" }));
        Assert.That(flat.Rows.Count, Is.EqualTo(Trained.Content()[0].NodeDistribution.Count));

        var sub = await Query("SELECT MODEL_NAME, (SELECT ATTRIBUTE_NAME, ATTRIBUTE_VALUE, [SUPPORT] FROM NODE_DISTRIBUTION) AS t FROM [market-segments].CONTENT WHERE NODE_TYPE = 1");
        Assert.That(sub.Rows.Single().Table("t").Count, Is.EqualTo(flat.Rows.Count));
    }

    // SELECT FROM <model>.CONTENT: ORDER BY and expressions
    [Test]
    public async Task Content_OrderBy_Descending()
    {
        var r = await Query("SELECT NODE_UNIQUE_NAME, NODE_SUPPORT FROM [market-segments].CONTENT WHERE NODE_TYPE = 5 ORDER BY NODE_SUPPORT ASC");
        Assert.That(r.Rows.Select(x => x.Double("NODE_SUPPORT")), Is.Ordered.Ascending);
        var top = await Query("SELECT TOP 1 NODE_UNIQUE_NAME FROM [market-segments].CONTENT WHERE NODE_TYPE = 5 ORDER BY NODE_SUPPORT ASC");
        Assert.That(top.Rows.Single().String("NODE_UNIQUE_NAME"), Is.EqualTo(r.Rows[0].String("NODE_UNIQUE_NAME")));
    }

    // Data Mining Schema Rowsets: $system rowsets queried as tables, with column lists and typed literals
    [Test]
    public async Task SystemRowsets_WithColumnListsAndTypedLiterals()
    {
        var models = await Query("SELECT MODEL_NAME, SERVICE_NAME FROM $system.DMSCHEMA_MINING_MODELS WHERE MODEL_NAME = 'market-segments'");
        Assert.That(Names(models), Is.EqualTo(new[] { "MODEL_NAME", "SERVICE_NAME" }));
        Assert.That(models.Rows.Single().String("SERVICE_NAME"), Is.EqualTo("Microsoft_Clustering"));

        var clusters = await Query("SELECT MODEL_NAME, NODE_UNIQUE_NAME FROM $system.DMSCHEMA_MINING_MODEL_CONTENT WHERE NODE_TYPE = 5 AND MODEL_NAME = 'market-segments'");
        Assert.That(clusters.Rows, Has.Count.EqualTo(Trained.ClusterCount));
        var quoted = await Query("SELECT * FROM $system.DMSCHEMA_MINING_MODEL_CONTENT WHERE NODE_TYPE = '5' AND MODEL_NAME = 'market-segments'");
        Assert.That(quoted.Rows, Has.Count.EqualTo(Trained.ClusterCount), "a quoted number compares as the number");
    }

    // SELECT FROM <structure>.CASES (DMX): the structure's cases; every one a training case (no holdout)
    [Test]
    public async Task SelectFromStructureCases()
    {
        var training = await Query("SELECT [Account Id], [Industry], [Region] FROM [market-segments Structure].CASES WHERE IsTrainingCase()");
        Assert.That(Names(training), Is.EqualTo(new[] { "Account Id", "Industry", "Region" }));
        Assert.That(training.Rows, Has.Count.EqualTo(Trained.Cases));
        Assert.That((await Query("SELECT [Account Id] FROM [market-segments Structure].CASES WHERE IsTestCase()")).Rows, Is.Empty);
        var software = await Query("SELECT [Account Id] FROM [market-segments Structure].CASES WHERE [Industry] = 'Software'");
        Assert.That(software.Rows.Count, Is.EqualTo(training.Rows.Count(r => r.String("Industry") == "Software")).And.GreaterThan(0));
    }

    // SELECT DISTINCT FROM <model> (DMX): the states of a discrete column
    [Test]
    public async Task SelectDistinct_ReturnsTheStatesOfAColumn()
    {
        var states = await Query("SELECT DISTINCT [Industry] FROM [market-segments]");
        Assert.That(Names(states), Is.EqualTo(new[] { "Industry" }));
        var cases = await Query("SELECT [Industry] FROM [market-segments Structure].CASES");
        Assert.That(states.Rows.Select(r => r.String("Industry")).Where(v => v is not null),
            Is.EquivalentTo(cases.Rows.Select(r => r.String("Industry")).Where(v => v is not null).Distinct()));
    }

    // Prediction Queries (Data Mining): a singleton query of several cases (UNION) bound with ON
    [Test]
    public async Task SingletonCases_UnionAndOn()
    {
        var r = await Query("""
            SELECT t.[Industry], Cluster(), ClusterProbability()
            FROM [market-segments] PREDICTION JOIN
            (SELECT 'Software' AS [Industry], 'Europe' AS [Region]
             UNION SELECT 'Retail' AS [Industry], 'Asia Pacific' AS [Region]) AS t
            ON [market-segments].[Industry] = t.[Industry] AND [market-segments].[Region] = t.[Region]
            ORDER BY ClusterProbability() DESC
            """);
        Assert.That(r.Rows.Select(x => x.String("Industry")), Is.EquivalentTo(new[] { "Software", "Retail" }));
        Assert.That(r.Rows.Select(x => x.Double("Expression")), Is.Ordered.Descending);
    }

    // XML for Analysis 1.1, the required Discover request types: DISCOVER_DATASOURCES, DISCOVER_ENUMERATORS,
    // DISCOVER_KEYWORDS, DISCOVER_LITERALS (columns as the specification lists them), each with one restriction.
    [TestCase("DISCOVER_DATASOURCES", "DataSourceName,DataSourceDescription,URL,DataSourceInfo,ProviderName,ProviderType,AuthenticationMode", "DataSourceName", "SegmentMiner", 1)]
    [TestCase("DISCOVER_ENUMERATORS", "EnumName,EnumDescription,EnumType,ElementName,ElementDescription,ElementValue", "EnumName", "Content", 4)]
    [TestCase("DISCOVER_KEYWORDS", "Keyword", "Keyword", "PREDICTION", 1)]
    [TestCase("DISCOVER_LITERALS", "LiteralName,LiteralValue,LiteralInvalidChars,LiteralInvalidStartingChars,LiteralMaxLength", "LiteralName", "DBLITERAL_QUOTE_PREFIX", 1)]
    public async Task RequiredDiscoverTypes_HaveTheirColumns_AndHonourARestriction(string type, string columns, string restriction, string value, int rows)
    {
        var all = await _client.DiscoverAsync(type);
        Assert.That(Names(all), Is.EqualTo(columns.Split(',')));
        Assert.That(all.Rows.Count, Is.GreaterThanOrEqualTo(rows));
        var one = await _client.DiscoverAsync(type, new Dictionary<string, string> { [restriction] = value });
        Assert.That(one.Rows, Has.Count.EqualTo(rows));
        Assert.That(one.Rows.Select(r => r.String(restriction)), Has.All.EqualTo(value));
        var schemaRowsets = await _client.DiscoverAsync("DISCOVER_SCHEMA_ROWSETS", new Dictionary<string, string> { ["SchemaName"] = type });
        Assert.That(schemaRowsets.Rows, Has.Count.EqualTo(1), "listed among the schema rowsets");
    }

    // XML for Analysis: a mining-only server answers the OLAP schema rowsets with empty rowsets, not faults
    [Test]
    public async Task MdSchemaRowsets_AreEmpty()
    {
        foreach (var type in new[] { "MDSCHEMA_CUBES", "MDSCHEMA_DIMENSIONS", "MDSCHEMA_MEASURES" })
        {
            var r = await _client.DiscoverAsync(type);
            Assert.That(r.Rows, Is.Empty, type);
            Assert.That(r.HadSchema, type + ": an empty rowset still carries its inline schema");
        }

        var none = await Query("SELECT [Account Id] FROM [market-segments Structure].CASES WHERE IsTestCase()");
        Assert.That((none.Rows.Count, none.HadSchema, Names(none).Single()), Is.EqualTo((0, true, "Account Id")), "an empty DMX answer too");
    }

    // XML for Analysis, the Content property: Schema answers the schema alone; None executes nothing
    [Test]
    public async Task TheContentProperty_SchemaAndNone()
    {
        var schema = await Soap("Discover", "<RequestType>DMSCHEMA_MINING_MODELS</RequestType><Restrictions><RestrictionList/></Restrictions>", "Schema");
        Assert.That(schema.Descendants(Ns.Xsd + "schema").Count(), Is.EqualTo(1));
        Assert.That(schema.Descendants(Ns.Rowset + "row"), Is.Empty);

        var none = await Soap("Execute", "<Command><Statement>DELETE FROM MINING STRUCTURE [market-segments Structure]</Statement></Command>", "None");
        Assert.That(none.Descendants(Ns.Rowset + "row"), Is.Empty);
        Assert.That(_service.Engine.Trained("market-segments").ClusterCount, Is.GreaterThan(0), "validate only: nothing was cleared");
        var models = await Query("SELECT MODEL_NAME, IS_POPULATED FROM $system.DMSCHEMA_MINING_MODELS WHERE MODEL_NAME = 'market-segments'");
        Assert.That(models.Rows.Single()["IS_POPULATED"], Is.EqualTo(true));

        var bad = Assert.ThrowsAsync<XmlaFault>(() => Soap("Execute", "<Command><Statement>SELECT NODE_NAME FORM [market-segments].CONTENT</Statement></Command>", "None"));
        Assert.That(bad!.Message, Does.Contain("Query (1, 18) Parser: The syntax for 'FORM' is incorrect."), "None still parses the statement");
    }

    private async Task<System.Xml.Linq.XElement> Soap(string method, string body, string content)
    {
        var xml = $"""
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
            <{method} xmlns="urn:schemas-microsoft-com:xml-analysis">{body}
            <Properties><PropertyList><Catalog>SegmentMiner</Catalog><Content>{content}</Content></PropertyList></Properties></{method}>
            </soap:Body></soap:Envelope>
            """;
        var response = await _service.HandleAsync(System.Xml.Linq.XDocument.Parse(xml), default);
        return response.Root!;
    }

    // SELECT FROM <model> PREDICTION JOIN (DMX): OPENQUERY over the case view, ON bindings, then WHERE and ORDER BY on the result
    [Test]
    public async Task PredictionJoin_OpenQuery_WithWhereAndOrderByAfterOn()
    {
        var r = await Query("""
            SELECT t.[AccountId], t.[Industry], Cluster(), ClusterProbability() AS [p]
            FROM [market-segments]
            PREDICTION JOIN OPENQUERY([Warehouse], 'SELECT [AccountId], [Industry], [Region] FROM [mining].[vMarketSegmentsCase]') AS t
            ON [market-segments].[Industry] = t.[Industry] AND [market-segments].[Region] = t.[Region]
            WHERE t.[Industry] = 'Software' AND ClusterProbability() > 0.2
            ORDER BY ClusterProbability() DESC
            """);
        Assert.That(r.Rows, Is.Not.Empty);
        Assert.That(r.Rows.Select(x => x.String("Industry")), Has.All.EqualTo("Software"));
        Assert.That(r.Rows.Select(x => x.Double("p")), Is.Ordered.Descending.And.All.GreaterThan(0.2));
        var software = await Query("SELECT [Account Id] FROM [market-segments Structure].CASES WHERE [Industry] = 'Software'");
        Assert.That(r.Rows.Count, Is.LessThanOrEqualTo(software.Rows.Count));
    }

    // Errors as Analysis Services reports them: the position and the token
    [Test]
    public void ASyntaxError_NamesItsLineColumnAndToken()
    {
        var e = Refused("SELECT NODE_NAME\nFORM [market-segments].CONTENT");
        Assert.That(e.Message, Does.Contain("Query (2, 1) Parser: The syntax for 'FORM' is incorrect."));
        const string open = "SELECT NODE_NAME FROM [market-segments].CONTENT WHERE NODE_CAPTION = 'Cluster 1";
        var unclosed = Refused(open);
        Assert.That(unclosed.Message, Does.Contain($"Query (1, {open.IndexOf('\'', StringComparison.Ordinal) + 1}) Parser: a string is not closed."));
        var unsupported = Refused("CREATE MINING MODEL [x] ([Id] LONG KEY) USING Microsoft_Clustering");
        Assert.That(unsupported.Message, Does.Contain("Query (1, 1) Parser: This form of CREATE MINING MODEL is not supported by this server."));
    }
}
