using System.Xml.Linq;
using SegmentMiner.Core.Mining;

namespace SegmentMiner.Xmla.Tests;

/// <summary>
/// The examples of the data mining guide pages: Content Queries (Data Mining), Prediction Queries (Data Mining),
/// Create a Singleton Prediction Query from a Template, and Data Mining Schema Rowsets, adapted only in model and
/// column names (the guide's placeholders filled with the shipped models). Each test names its page and example.
/// </summary>
public sealed partial class DmxConformanceTests
{
    // Content Queries (Data Mining), "Get all the cases for a model": refused without drillthrough, answered with it
    [Test]
    public async Task ContentQueriesPage_AllCasesOfAModel()
    {
        var refused = Refused("SELECT * FROM [market-segments].CASES");
        Assert.That(refused.Message, Does.Contain("Drillthrough is not enabled on the 'market-segments' mining model"));
        var r = await Query("SELECT * FROM [market-drillthrough].CASES");
        Assert.That(r.Rows, Has.Count.EqualTo(_service.Engine.Trained("market-drillthrough").Cases));
    }

    // Content Queries (Data Mining), "View all the data that is included in the structure"
    [Test]
    public async Task ContentQueriesPage_AllDataOfTheStructure()
    {
        var r = await Query("SELECT * FROM [market-segments Structure].CASES");
        Assert.That(Names(r), Is.EqualTo(_market.Columns.Select(c => c.Name)));
        Assert.That(r.Rows, Has.Count.EqualTo(Trained.Cases));
    }

    // Content Queries (Data Mining), "Get range of values"
    [Test]
    public async Task ContentQueriesPage_RangeOfValues()
    {
        var r = await Query("SELECT DISTINCT RangeMin([Mrr]), RangeMax([Mrr]) FROM [buyer-clusters]");
        Assert.That(Names(r), Is.EqualTo(new[] { "Expression", "Expression 1" }));
        var mrr = (await Query("SELECT [Mrr] FROM [buyer-clusters Structure].CASES")).Rows.Where(x => x.Has("Mrr")).Select(x => x.Double("Mrr")).ToList();
        Assert.That((r.Rows[^1].Double("Expression"), r.Rows[^1].Double("Expression 1")), Is.EqualTo((mrr.Min(), mrr.Max())));
    }

    // Content Queries (Data Mining), "Get distinct values"
    [Test]
    public async Task ContentQueriesPage_DistinctValues()
    {
        var r = await Query("SELECT DISTINCT [Employee Band] FROM [market-segments]");
        var root = Trained.Content()[0].NodeDistribution.Where(d => d.AttributeName == "Employee Band" && d.ValueType != MiningValueType.Missing).Select(d => d.AttributeValue);
        Assert.That(r.Rows.Where(x => x.Has("Employee Band")).Select(x => x.String("Employee Band")), Is.EquivalentTo(root));
    }

    // Content Queries (Data Mining), "Find the cases that were used to train a model or structure"
    [Test]
    public async Task ContentQueriesPage_TrainingCases()
    {
        var r = await Query("SELECT * FROM [market-segments Structure].CASES WHERE IsTrainingCase()");
        Assert.That(r.Rows, Has.Count.EqualTo(Trained.Cases));
    }

    // Content Queries (Data Mining), "Find the cases that are used for testing" (the page spells it IsTestingCase)
    [Test]
    public async Task ContentQueriesPage_TestingCases()
    {
        var r = await Query("SELECT * FROM [market-segments Structure].CASES WHERE IsTestingCase()");
        Assert.That(r.Rows, Is.Empty, "structures keep no holdout");
    }

    // Content Queries (Data Mining), "Drillthrough from a specific model pattern to underlying case data"
    [Test]
    public async Task ContentQueriesPage_DrillthroughToANode()
    {
        var one = await Query("SELECT [Account Id] FROM [market-drillthrough].CASES WHERE IsTrainingCase() AND IsInNode('001')");
        var every = await Query("SELECT t.[AccountId], Cluster() FROM [market-drillthrough] PREDICTION JOIN OPENQUERY([Warehouse], 'SELECT [AccountId], [Industry], [EmployeeBand], [AnnualRevenueBand] FROM [mining].[vMarketSegmentsCase]') AS t ON [market-drillthrough].[Industry] = t.[Industry] AND [market-drillthrough].[Employee Band] = t.[EmployeeBand] AND [market-drillthrough].[Annual Revenue Band] = t.[AnnualRevenueBand]");
        Assert.That(one.Rows.Select(x => x.String("Account Id")), Is.EquivalentTo(every.Rows.Where(x => x.String("$CLUSTER") == "Cluster 1").Select(x => x.String("AccountId"))).And.Not.Empty);
    }

    // Content Queries (Data Mining), "Get patterns from the model"
    [Test]
    public async Task ContentQueriesPage_Patterns()
    {
        var r = await Query("SELECT * FROM [market-segments].CONTENT");
        Assert.That(r.Rows, Has.Count.EqualTo(Trained.ClusterCount + 1));
        Assert.That(r.Rows.Select(x => x.Long("NODE_TYPE")), Is.EqualTo(new long[] { 1 }.Concat(Enumerable.Repeat(5L, Trained.ClusterCount))));
    }

    // Content Queries (Data Mining), "Retrieve attributes used in a trained model": System.GetModelAttributes
    [Test]
    public async Task ContentQueriesPage_GetModelAttributes()
    {
        var r = await Query("CALL System.GetModelAttributes('buyer-clusters')");
        Assert.That(r.Rows.Select(x => x.String("ATTRIBUTE_NAME")), Is.EquivalentTo(Buyer.Attributes.Attributes.Select(a => a.Name)));
        Assert.That(r.Rows.Single(x => x.String("ATTRIBUTE_NAME") == "Attrited").String("USAGE"), Is.EqualTo("Predict"), "PredictOnly: not an input");
        Assert.That(r.Rows.Single(x => x.String("ATTRIBUTE_NAME") == "Mrr").String("CONTENT_TYPE"), Is.EqualTo("CONTINUOUS"));
    }

    // Content Queries (Data Mining), "Retrieve content stored in a data mining dimension": a clustering model's is its node tree
    [Test]
    public async Task ContentQueriesPage_DimensionContent()
    {
        var r = await Query("SELECT NODE_UNIQUE_NAME, PARENT_UNIQUE_NAME FROM [market-segments].DIMENSIONCONTENT");
        Assert.That(r.Rows.Select(x => x.String("NODE_UNIQUE_NAME")), Is.EqualTo(Trained.Content().Select(n => n.NodeUniqueName)));
        Assert.That(r.Rows.Skip(1).Select(x => x.String("PARENT_UNIQUE_NAME")), Has.All.EqualTo("000"));
    }

    // Content Queries (Data Mining), "Get the PMML representation of a model": PMML 4.1 ClusteringModel
    [Test]
    public async Task ContentQueriesPage_Pmml()
    {
        var r = await Query("SELECT * FROM [buyer-clusters].PMML");
        var row = r.Rows.Single();
        Assert.That(row.String("MODEL_NAME"), Is.EqualTo("buyer-clusters"));
        var pmml = XDocument.Parse(row.String("MODEL_PMML")!);
        XNamespace ns = "http://www.dmg.org/PMML-4_1";
        Assert.That(pmml.Root!.Name, Is.EqualTo(ns + "PMML"));
        Assert.That(row.Long("SIZE"), Is.EqualTo(row.String("MODEL_PMML")!.Length));
        var model = pmml.Root.Element(ns + "ClusteringModel")!;
        Assert.That((string?)model.Attribute("modelClass"), Is.EqualTo("distributionBased"));
        Assert.That((int)model.Attribute("numberOfClusters")!, Is.EqualTo(Buyer.ClusterCount));
        var fields = pmml.Root.Element(ns + "DataDictionary")!.Elements(ns + "DataField").ToDictionary(f => (string)f.Attribute("name")!, f => (string)f.Attribute("optype")!);
        Assert.That(fields["Mrr"], Is.EqualTo("continuous"));
        Assert.That(fields["Attrited"], Is.EqualTo("categorical"));
        Assert.That(model.Element(ns + "MiningSchema")!.Elements().Single(f => (string?)f.Attribute("name") == "Attrited").Attribute("usageType")!.Value, Is.EqualTo("predicted"));

        // Each cluster's size and its Mrr mean are the content's.
        var clusters = Buyer.Content().Where(n => n.NodeType == 5).ToList();
        var written = model.Elements(ns + "Cluster").ToList();
        Assert.That(written.Select(c => (string?)c.Attribute("name")), Is.EqualTo(clusters.Select(c => c.NodeCaption)));
        for (var i = 0; i < clusters.Count; i++)
        {
            Assert.That((double)written[i].Attribute("size")!, Is.EqualTo(clusters[i].NodeSupport));
            var mrr = written[i].Descendants(ns + "PartitionFieldStats").Single(f => (string?)f.Attribute("field") == "Mrr").Element(ns + "NumericInfo")!;
            Assert.That((double)mrr.Attribute("mean")!, Is.EqualTo(double.Parse(clusters[i].NodeDistribution.Single(d => d.AttributeName == "Mrr" && d.ValueType == MiningValueType.Continuous).AttributeValue, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    // Content Queries (Data Mining), Example 1 (association): the top 10 itemsets, NODE_TYPE = 7 (SUPPORT named
    // NODE_SUPPORT as the CONTENT rowset calls it); a clustering model has no itemset nodes
    [Test]
    public async Task ContentQueriesPage_Example1_TopItemsets()
    {
        var r = await Query("SELECT TOP 10 NODE_DESCRIPTION, NODE_PROBABILITY, NODE_SUPPORT \nFROM [market-segments].CONTENT WHERE NODE_TYPE = 7");
        Assert.That(Names(r), Is.EqualTo(new[] { "NODE_DESCRIPTION", "NODE_PROBABILITY", "NODE_SUPPORT" }));
        Assert.That(r.Rows, Is.Empty);
        var clusters = await Query("SELECT TOP 10 NODE_DESCRIPTION, NODE_PROBABILITY, NODE_SUPPORT \nFROM [market-segments].CONTENT WHERE NODE_TYPE = 5");
        Assert.That(clusters.Rows, Has.Count.EqualTo(Math.Min(10, Trained.ClusterCount)));
    }

    // Content Queries (Data Mining), Example 1 (association): rules with RIGHT and LEN in a flattened sub-select
    [Test]
    public async Task ContentQueriesPage_Example1_RightSideOfRules()
    {
        const string Text = """
            SELECT FLATTENED NODE_UNIQUE_NAME, NODE_DESCRIPTION,
                 (SELECT RIGHT(ATTRIBUTE_NAME, (LEN(ATTRIBUTE_NAME)-LEN('market-segments')))
            FROM NODE_DISTRIBUTION
            WHERE LEN(ATTRIBUTE_NAME)>2
            )
            AS RightSideProduct
            FROM [market-segments].CONTENT
            WHERE NODE_TYPE = {0}
            ORDER BY NODE_SUPPORT DESC
            """;
        var rules = await Query(string.Format(System.Globalization.CultureInfo.InvariantCulture, Text, 8));
        Assert.That(Names(rules), Is.EqualTo(new[] { "NODE_UNIQUE_NAME", "NODE_DESCRIPTION", "RightSideProduct.Expression" }));
        Assert.That(rules.Rows, Is.Empty, "a clustering model has no rule nodes");

        // RIGHT and LEN as the page uses them, on the clusters' attribute names
        var clusters = await Query("""
            SELECT FLATTENED NODE_UNIQUE_NAME,
              (SELECT ATTRIBUTE_NAME, RIGHT(ATTRIBUTE_NAME, (LEN(ATTRIBUTE_NAME)-LEN('ab'))) AS [Rest] FROM NODE_DISTRIBUTION WHERE LEN(ATTRIBUTE_NAME)>2) AS d
            FROM [market-segments].CONTENT WHERE NODE_TYPE = 5 ORDER BY NODE_SUPPORT DESC
            """);
        Assert.That(clusters.Rows, Is.Not.Empty);
        Assert.That(clusters.Rows.Select(x => x.String("d.Rest")), Is.EqualTo(clusters.Rows.Select(x => x.String("d.ATTRIBUTE_NAME")![2..])));
    }

    // Content Queries (Data Mining), Example 2: Predict and PredictNodeID (a clustering model predicts from the case's cluster)
    [Test]
    public async Task ContentQueriesPage_Example2_PredictNodeId()
    {
        var r = await Query("SELECT  Predict([Region]), PredictNodeID([Region]) \nFROM [market-segments]\nPREDICTION JOIN \n(SELECT 'Software' AS [Industry], '11-50' AS [Employee Band]) AS t ON [market-segments].[Industry] = t.[Industry] AND [market-segments].[Employee Band] = t.[Employee Band]");
        var p = Trained.Predict(new Dictionary<string, object?> { ["Industry"] = "Software", ["Employee Band"] = "11-50" });
        var node = r.Rows.Single().String("$NODEID");
        Assert.That(Trained.Content().Single(n => n.NodeUniqueName == node).NodeCaption, Is.EqualTo(p.Cluster));
        var caption = await Query($"SELECT NODE_CAPTION FROM [market-segments].CONTENT WHERE NODE_UNIQUE_NAME = '{node}'");
        Assert.That(caption.Rows.Single().String("NODE_CAPTION"), Is.EqualTo(p.Cluster));
    }

    // Prediction Queries (Data Mining), Batch Prediction Queries: with no column joined, the marginal prediction, as
    // SELECT <predictable-column> FROM <model>
    [Test]
    public async Task PredictionQueriesPage_MarginalPrediction()
    {
        var r = await Query("SELECT [Region] FROM [market-segments]");
        var root = Trained.Content()[0].NodeDistribution.Where(d => d.AttributeName == "Region" && d.ValueType != MiningValueType.Missing).MaxBy(d => d.Support)!;
        Assert.That(r.Rows.Single().String("Region"), Is.EqualTo(root.AttributeValue), "the most common region");
        var joined = await Query("SELECT [Region] FROM [market-segments] PREDICTION JOIN (SELECT 'x' AS [Unrelated]) AS t");
        Assert.That(joined.Rows.Single().String("Region"), Is.EqualTo(root.AttributeValue), "no column joined: the same");
    }

    // Create a Singleton Prediction Query from a Template: SELECT * with the template's stray semicolon, string values
    [Test]
    public async Task SingletonTemplatePage_Example()
    {
        var r = await Query("SELECT * FROM [buyer-clusters] ;\nNATURAL PREDICTION JOIN\n(SELECT '2' AS [Active Products], '45' as [Tenure Months])\nAS [t]");
        Assert.That(Names(r), Is.EqualTo(new[] { "Active Products", "Tenure Months", "Attrited" }), "the inputs given, then the predictable column");
        var p = Buyer.Predict(new Dictionary<string, object?> { ["Active Products"] = "2", ["Tenure Months"] = "45" });
        var expected = Buyer.Predict(new Dictionary<string, object?> { ["Active Products"] = 2L, ["Tenure Months"] = 45L });
        Assert.That(p.Cluster, Is.EqualTo(expected.Cluster), "a quoted number is the number");
        Assert.That(r.Rows.Single()["Attrited"], Is.InstanceOf<bool>());
    }

    // Data Mining Schema Rowsets, Example 1: the mining services
    [Test]
    public async Task SchemaRowsetsPage_Example1_Services()
    {
        var r = await Query("SELECT * \nFROM $system.DMSCHEMA_MINING_SERVICES");
        Assert.That(r.Rows.Select(x => x.String("SERVICE_NAME")), Is.EqualTo(new[] { "Microsoft_Clustering" }));
        Assert.That(r.Rows.Single().String("SUPPORTED_INPUT_CONTENT_TYPES"), Does.Contain("CONTINUOUS"));
    }

    // Data Mining Schema Rowsets, Example 2: the parameters of a model
    [Test]
    public async Task SchemaRowsetsPage_Example2_ModelParameters()
    {
        var r = await Query("SELECT MINING_PARAMETERS \nFROM $system.DMSCHEMA_MINING_MODELS\nWHERE MODEL_NAME = 'market-kmeans'");
        Assert.That(r.Rows.Single().String("MINING_PARAMETERS"), Does.Contain("CLUSTERING_METHOD=4"));
    }

    // Data Mining Schema Rowsets, Example 3: every rowset, with DBSCHEMA_TABLES
    [Test]
    public async Task SchemaRowsetsPage_Example3_Tables()
    {
        var r = await Query("SELECT * \nFROM $system.DBSCHEMA_TABLES");
        var system = r.Rows.Where(x => x.String("TABLE_SCHEMA") == "$system").Select(x => x.String("TABLE_NAME")).ToList();
        Assert.That(system, Does.Contain("DMSCHEMA_MINING_MODELS").And.Contain("DMSCHEMA_MINING_MODEL_CONTENT").And.Contain("DBSCHEMA_TABLES"));
        foreach (var table in system.Where(t => t!.StartsWith("DMSCHEMA", StringComparison.Ordinal)))
        {
            Assert.DoesNotThrowAsync(() => Query($"SELECT * FROM $system.{table}"), $"every listed rowset answers: {table}");
        }

        Assert.That(r.Rows.Select(x => x.String("TABLE_NAME")), Does.Contain("market-segments.CONTENT"));
    }
}
