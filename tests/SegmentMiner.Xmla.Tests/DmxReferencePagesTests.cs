using System.Xml.Linq;
using SegmentMiner.Core.Mining;

namespace SegmentMiner.Xmla.Tests;

/// <summary>
/// The examples of the DMX reference pages (functions and SELECT forms), adapted only in model and column names:
/// [TM Clustering] is market-segments (discrete firmographics) or buyer-clusters (continuous behaviour); the
/// documentation's customer values become an account's. Each test names its page and example.
/// </summary>
public sealed partial class DmxConformanceTests
{
    private const string Case = """
        (SELECT 'Software' AS [Industry],
          'Europe' AS [Region],
          'Germany' AS [Country],
          '11-50' AS [Employee Band]) AS t
        """;

    private Core.Mining.ClusterPrediction CasePrediction => Trained.Predict(new Dictionary<string, object?>
    {
        ["Industry"] = "Software", ["Region"] = "Europe", ["Country"] = "Germany", ["Employee Band"] = "11-50",
    });

    private Mining.ClusteringModel Buyer => _service.Engine.Trained("buyer-clusters");

    // Cluster (DMX), Examples: PredictHistogram(Cluster()) in a singleton query
    [Test]
    public async Task ClusterPage_Example_HistogramOfTheClusters()
    {
        var r = await Query($"""
            SELECT
              PredictHistogram(Cluster())
            FROM
              [market-segments]
              NATURAL PREDICTION JOIN
            {Case}
            """);
        var histogram = r.Rows.Single().Table("Expression");
        Assert.That(histogram, Has.Count.EqualTo(Trained.ClusterCount));
        Assert.That(histogram[0].String("$CLUSTER"), Is.EqualTo(CasePrediction.Cluster), "the most likely cluster first");
        Assert.That(histogram.Sum(h => h.Double("$PROBABILITY")), Is.EqualTo(1).Within(1e-9));
        Assert.That(histogram.Select(h => h.Double("$DISTANCE") + h.Double("$PROBABILITY")), Has.All.EqualTo(1).Within(1e-12));
    }

    // ClusterDistance (DMX), Example 1: distance to the most likely cluster, and Cluster() in its place
    [Test]
    public async Task ClusterDistancePage_Example1_DistanceToTheMostLikelyCluster()
    {
        var distance = await Query($"SELECT\n    ClusterDistance()\nFROM\n    [market-segments]\nNATURAL PREDICTION JOIN\n{Case}");
        Assert.That(Names(distance), Is.EqualTo(new[] { "Expression" }));
        Assert.That(distance.Rows.Single().Double("Expression"), Is.EqualTo(1 - CasePrediction.Probability).Within(1e-12), "1 - ClusterProbability (EM)");

        var cluster = await Query($"SELECT\n    Cluster()\nFROM\n    [market-segments]\nNATURAL PREDICTION JOIN\n{Case}");
        Assert.That(Names(cluster), Is.EqualTo(new[] { "$CLUSTER" }));
        Assert.That(cluster.Rows.Single().String("$CLUSTER"), Is.EqualTo(CasePrediction.Cluster));
    }

    // ClusterDistance (DMX), Example 2: node ids and captions, then the distance to a cluster named by caption
    [Test]
    public async Task ClusterDistancePage_Example2_DistanceToASpecifiedCluster()
    {
        var nodes = await Query("SELECT NODE_UNIQUE_NAME, NODE_CAPTION \nFROM [market-segments].CONTENT \nWHERE NODE_TYPE = 5");
        Assert.That(nodes.Rows.Select(n => (n.String("NODE_UNIQUE_NAME"), n.String("NODE_CAPTION"))),
            Is.EqualTo(Enumerable.Range(1, Trained.ClusterCount).Select(i => ($"{i:000}", $"Cluster {i}"))));

        var r = await Query($"""
            SELECT
                ClusterDistance('Cluster 2')
            AS [Cluster 2 Distance]
            FROM [market-segments]
            NATURAL PREDICTION JOIN
            {Case}
            """);
        Assert.That(Names(r), Is.EqualTo(new[] { "Cluster 2 Distance" }));
        Assert.That(r.Rows.Single().Double("Cluster 2 Distance"), Is.EqualTo(CasePrediction.DistanceOf("Cluster 2")).Within(1e-12));
    }

    // ClusterProbability (DMX), Remarks: the node captions of the model
    [Test]
    public async Task ClusterProbabilityPage_Remarks_NodeCaptions()
    {
        var r = await Query("SELECT NODE_CAPTION FROM [market-segments].CONTENT");
        Assert.That(r.Rows.Select(x => x.String("NODE_CAPTION")),
            Is.EqualTo(Trained.Content().Select(n => n.NodeCaption)).And.Contains("Cluster 1"));
    }

    // ClusterProbability (DMX), Examples: the probability of the case in Cluster 2
    [Test]
    public async Task ClusterProbabilityPage_Example_ProbabilityOfCluster2()
    {
        var r = await Query($"SELECT\n  ClusterProbability('Cluster 2')\nFrom\n  [market-segments]\nNATURAL PREDICTION JOIN\n{Case}");
        Assert.That(r.Rows.Single().Double("Expression"), Is.EqualTo(CasePrediction.ProbabilityOf("Cluster 2")).Within(1e-12));
    }

    // PredictCaseLikelihood (DMX), Examples: default, NORMALIZED and NONNORMALIZED (the page's comma before FROM kept)
    [Test]
    public async Task PredictCaseLikelihoodPage_Example_ThreeForms()
    {
        var r = await Query($"""
            SELECT
              PredictCaseLikelihood() AS Default_Likelihood,
              PredictCaseLikelihood(NORMALIZED) AS Normalized_Likelihood,
              PredictCaseLikelihood(NONNORMALIZED) AS Raw_Likelihood,
            FROM
              [market-segments]
            NATURAL PREDICTION JOIN
            {Case}
            """);
        Assert.That(Names(r), Is.EqualTo(new[] { "Default_Likelihood", "Normalized_Likelihood", "Raw_Likelihood" }));
        var row = r.Rows.Single();
        Assert.That(row.Double("Default_Likelihood"), Is.EqualTo(row.Double("Normalized_Likelihood")), "normalized by default");
        Assert.That(row.Double("Normalized_Likelihood"), Is.EqualTo(CasePrediction.CaseLikelihood).Within(1e-12).And.InRange(0.0, 1.0));
        Assert.That(row.Double("Raw_Likelihood"), Is.EqualTo(CasePrediction.CaseLikelihoodNonNormalized).Within(1e-12).And.InRange(0.0, 1.0));
    }

    // PredictHistogram (DMX), Examples: the predicted state and the top 3 states by $AdjustedProbability
    [Test]
    public async Task PredictHistogramPage_Example_TopStatesOfAPredictableColumn()
    {
        var r = await Query("""
            SELECT
              [market-segments].[Region],
              TopCount(PredictHistogram([Region]),$AdjustedProbability,3)
            From
              [market-segments]
            NATURAL PREDICTION JOIN
            (SELECT 'Software' AS [Industry],
              '11-50' AS [Employee Band]) AS t
            """);
        var row = r.Rows.Single();
        var top = row.Table("Expression");
        Assert.That(top, Has.Count.EqualTo(Math.Min(3, RegionStates().Count)));
        Assert.That(top.Select(t => t.Double("$ADJUSTEDPROBABILITY")), Is.Ordered.Descending);
        Assert.That(top[0].String("Region"), Is.EqualTo(row.String("Region")), "the prediction is the most likely state");
        Assert.That(top.Select(t => t.Double("$PROBABILITYVARIANCE") + t.Double("$PROBABILITYSTDEV")), Has.All.EqualTo(0), "0 for Microsoft algorithms, as the page says");
    }

    // PredictProbability (DMX), Examples: the prediction and the probability of two named states
    [Test]
    public async Task PredictProbabilityPage_Example_ProbabilityOfEachState()
    {
        var states = RegionStates();
        var r = await Query($"""
            SELECT
              [Region],
              PredictProbability([Region], '{states[0]}') AS [Region = A],
              PredictProbability([Region], '{states[1]}') AS [Region = B]
            FROM [market-segments]
            NATURAL PREDICTION JOIN
            (SELECT 'Software' AS [Industry],
              '11-50' AS [Employee Band]) AS t
            """);
        var histogram = (await Query("SELECT FLATTENED PredictHistogram([Region]) FROM [market-segments] NATURAL PREDICTION JOIN (SELECT 'Software' AS [Industry], '11-50' AS [Employee Band]) AS t")).Rows;
        double P(string s) => histogram.Single(h => h.String("Expression.Region") == s).Double("Expression.$PROBABILITY");
        var row = r.Rows.Single();
        Assert.That(row.Double("Region = A"), Is.EqualTo(P(states[0])).Within(1e-12));
        Assert.That(row.Double("Region = B"), Is.EqualTo(P(states[1])).Within(1e-12));
        Assert.That(row.String("Region"), Is.EqualTo(histogram[0].String("Expression.Region")));
    }

    // SELECT FROM <model>.CONTENT (DMX), Example 1: the parent node (NODE_TYPE = 1)
    [Test]
    public async Task SelectFromContentPage_Example1_TheParentNode()
    {
        var r = await Query("SELECT MODEL_NAME, NODE_NAME FROM [market-segments].CONTENT\nWHERE NODE_TYPE = 1");
        Assert.That(r.Rows.Select(x => (x.String("MODEL_NAME"), x.String("NODE_NAME"))), Is.EqualTo(new[] { ("market-segments", "000") }));
    }

    // SELECT FROM <model>.CONTENT (DMX), Example 2: IsDescendant of the parent (NODETYPE is the page's misspelling of NODE_TYPE)
    [Test]
    public async Task SelectFromContentPage_Example2_ChildrenByIsDescendant()
    {
        var r = await Query("SELECT NODE_NAME, NODE_TYPE, NODE_CAPTION \nFROM [market-segments].CONTENT\nWHERE ISDESCENDANT('000')");
        Assert.That(r.Rows.Select(x => x.String("NODE_NAME")), Is.EqualTo(Trained.Content().Skip(1).Select(n => n.NodeUniqueName)));
    }

    // SELECT FROM <model>.CONTENT (DMX), Using the FLATTENED Keyword: NODE_TYPE = 26 (a Naive Bayes marginal node) has
    // no node in a clustering model: the flattened columns, no rows
    [Test]
    public async Task SelectFromContentPage_Example3_FlattenedDistribution()
    {
        var r = await Query("SELECT FLATTENED MODEL_NAME, NODE_DISTRIBUTION\nFROM [market-segments].CONTENT\nWHERE NODE_TYPE = 26");
        Assert.That(Names(r), Is.EqualTo(new[] { "MODEL_NAME", "NODE_DISTRIBUTION.ATTRIBUTE_NAME", "NODE_DISTRIBUTION.ATTRIBUTE_VALUE", "NODE_DISTRIBUTION.SUPPORT",
            "NODE_DISTRIBUTION.PROBABILITY", "NODE_DISTRIBUTION.VARIANCE", "NODE_DISTRIBUTION.VALUETYPE" }));
        Assert.That(r.Rows, Is.Empty);
    }

    // SELECT FROM <model>.CONTENT (DMX), Using the FLATTENED Keyword: a sub-select of some nested columns, aliased t
    [Test]
    public async Task SelectFromContentPage_Example4_SubSelectOfTheDistribution()
    {
        var r = await Query("SELECT MODEL_NAME, \n(SELECT ATTRIBUTE_NAME, ATTRIBUTE_VALUE, [SUPPORT] AS t\nFROM NODE_DISTRIBUTION) \nFROM [market-segments].CONTENT\nWHERE NODE_TYPE = 26");
        Assert.That(r.Rows, Is.Empty);
        var root = await Query("SELECT MODEL_NAME, \n(SELECT ATTRIBUTE_NAME, ATTRIBUTE_VALUE, [SUPPORT] AS t\nFROM NODE_DISTRIBUTION) \nFROM [market-segments].CONTENT\nWHERE NODE_TYPE = 1");
        var nested = root.Rows.Single().Table("NODE_DISTRIBUTION");
        Assert.That(nested.Select(n => (n.String("ATTRIBUTE_NAME"), n.Double("t"))),
            Is.EqualTo(Trained.Content()[0].NodeDistribution.Select(d => ((string?)d.AttributeName, d.Support))));
    }

    // SELECT FROM <model>.CASES (DMX), Example 1: the test cases (none: no holdout) of a model with drillthrough on
    [Test]
    public async Task SelectFromModelCasesPage_Example1_TestCases()
    {
        var r = await Query("SELECT * FROM [market-drillthrough].Cases\nWHERE IsTestCase();");
        Assert.That(Names(r), Is.EqualTo(new[] { "Account Id", "Industry", "Region", "Country", "Employee Band", "Annual Revenue Band" }));
        Assert.That(r.Rows, Is.Empty);
    }

    // SELECT FROM <model>.CASES (DMX), Example 2: the training cases of cluster 002, with a structure column aliased
    [Test]
    public async Task SelectFromModelCasesPage_Example2_CasesOfANode()
    {
        var r = await Query("SELECT StructureColumn('Account Id') AS CustomerID, * \nFROM [market-drillthrough].Cases\nWHERE IsTrainingCase()\nAND IsInNode('002')");
        var trained = _service.Engine.Trained("market-drillthrough");
        var all = await Query("SELECT * FROM [market-drillthrough].Cases");
        var expected = all.Rows.Where(c => trained.Predict(new Dictionary<string, object?>
        {
            ["Industry"] = c["Industry"], ["Employee Band"] = c["Employee Band"], ["Annual Revenue Band"] = c["Annual Revenue Band"],
        }).Cluster == "Cluster 2").Select(c => c.String("Account Id")).ToList();
        Assert.That(all.Rows, Has.Count.EqualTo(trained.Cases));
        Assert.That(r.Rows.Select(x => x.String("CustomerID")), Is.EqualTo(expected).And.Not.Empty);
        Assert.That(r.Rows.Select(x => x.String("Account Id")), Is.EqualTo(expected));
    }

    // SELECT FROM <structure>.CASES, Example 1: the top 500 attrited accounts, longest tenure first
    [Test]
    public async Task SelectFromStructureCasesPage_Example1_Top500()
    {
        var r = await Query("SELECT TOP 500 *\nFROM [buyer-clusters Structure].Cases\nWHERE [Attrited] = 1\nORDER BY [Tenure Months] DESC;");
        var all = await Query("SELECT [Account Id], [Attrited], [Tenure Months] FROM [buyer-clusters Structure].Cases");
        var attrited = all.Rows.Count(x => x["Attrited"] is true);
        Assert.That(r.Rows, Has.Count.EqualTo(Math.Min(500, attrited)).And.Count.GreaterThan(0));
        Assert.That(r.Rows.Select(x => x["Attrited"]), Has.All.EqualTo(true));
        Assert.That(r.Rows.Select(x => x.Long("Tenure Months")), Is.Ordered.Descending);
    }

    // SELECT FROM <structure>.CASES, Example 2: the test cases (none: no holdout), and the training cases (all)
    [Test]
    public async Task SelectFromStructureCasesPage_Example2_TestAndTrainingCases()
    {
        var test = await Query("SELECT [Account Id], [Industry], [Region]\nFROM [market-segments Structure].Cases\nWHERE IsTestCase();");
        Assert.That(Names(test), Is.EqualTo(new[] { "Account Id", "Industry", "Region" }));
        Assert.That(test.Rows, Is.Empty);
        var training = await Query("SELECT [Account Id], [Industry], [Region]\nFROM [market-segments Structure].Cases\nWHERE IsTrainingCase();");
        Assert.That(training.Rows, Has.Count.EqualTo(Trained.Cases));
    }

    // SELECT DISTINCT FROM <model>, Discrete Column Example: the states, the Missing state first as a null
    [Test]
    public async Task SelectDistinctPage_DiscreteColumn()
    {
        var r = await Query("SELECT DISTINCT [Industry]\nFROM [market-segments]");
        Assert.That(r.Rows[0].Has("Industry"), Is.False, "the Missing state, as a null");
        var cases = await Query("SELECT [Industry] FROM [market-segments Structure].CASES");
        Assert.That(r.Rows.Skip(1).Select(x => x.String("Industry")), Is.EquivalentTo(cases.Rows.Select(x => x.String("Industry")).Where(v => v is not null).Distinct()));
    }

    // SELECT DISTINCT FROM <model>, Continuous Column Example: midpoint, minimum and maximum of the training values
    [Test]
    public async Task SelectDistinctPage_ContinuousColumn()
    {
        var r = await Query("SELECT DISTINCT [Tenure Months] AS [Midpoint Tenure], \n    RangeMin([Tenure Months]) AS [Minimum Tenure], \n    RangeMax([Tenure Months]) AS [Maximum Tenure]\nFROM [buyer-clusters]");
        Assert.That(Names(r), Is.EqualTo(new[] { "Midpoint Tenure", "Minimum Tenure", "Maximum Tenure" }));
        Assert.That(r.Rows, Has.Count.EqualTo(2), "a row of nulls for Missing, then the range");
        Assert.That(r.Rows[0].Has("Minimum Tenure"), Is.False);
        var tenure = (await Query("SELECT [Tenure Months] FROM [buyer-clusters Structure].CASES")).Rows.Select(x => (double)x.Long("Tenure Months")).ToList();
        Assert.That(r.Rows[1].Double("Minimum Tenure"), Is.EqualTo(tenure.Min()));
        Assert.That(r.Rows[1].Double("Maximum Tenure"), Is.EqualTo(tenure.Max()));
        Assert.That(r.Rows[1].Double("Midpoint Tenure"), Is.EqualTo((tenure.Min() + tenure.Max()) / 2));
    }

    // SELECT DISTINCT FROM <model>, Discretized Column Example: each bucket's average, minimum and maximum
    [Test]
    public async Task SelectDistinctPage_DiscretizedColumn()
    {
        var r = await Query("SELECT DISTINCT [Billed 12m] AS [Bucket Average], \n    RangeMin([Billed 12m]) AS [Bucket Minimum], \n    RangeMax([Billed 12m]) AS [Bucket Maximum]\nFROM [buyer-discretized]");
        var buckets = r.Rows.Skip(1).ToList();
        Assert.That(r.Rows[0].Has("Bucket Average"), Is.False, "Missing first");
        Assert.That(buckets, Has.Count.InRange(2, 5));
        var billed = (await Query("SELECT [Billed 12m] FROM [buyer-discretized Structure].CASES")).Rows.Where(x => x.Has("Billed 12m")).Select(x => x.Double("Billed 12m")).ToList();
        Assert.That(buckets[0].Double("Bucket Minimum"), Is.EqualTo(billed.Min()), "the lowest bucket starts at the lowest value");
        Assert.That(buckets[^1].Double("Bucket Maximum"), Is.EqualTo(billed.Max()), "the highest ends at the highest");
        for (var i = 0; i < buckets.Count; i++)
        {
            Assert.That(buckets[i].Double("Bucket Average"), Is.EqualTo((buckets[i].Double("Bucket Minimum") + buckets[i].Double("Bucket Maximum")) / 2).Within(1e-9));
            Assert.That(i == 0 || buckets[i].Double("Bucket Minimum") == buckets[i - 1].Double("Bucket Maximum"), "buckets meet");
        }
    }

    // SELECT FROM <model> PREDICTION JOIN, Example 1: a singleton query with the prediction and its histogram
    [Test]
    public async Task PredictionJoinPage_Example1_SingletonQuery()
    {
        var r = await Query("""
            SELECT
              [market-segments].[Region],
              PredictHistogram([Region])
            FROM
              [market-segments]
            NATURAL PREDICTION JOIN
            (SELECT 'Software' AS [Industry],
              '11-50' AS [Employee Band],
              '1M-10M' AS [Annual Revenue Band]) AS t
            """);
        var row = r.Rows.Single();
        var histogram = row.Table("Expression");
        Assert.That(histogram.Select(h => h.String("Region")), Is.EquivalentTo(RegionStates()));
        Assert.That(histogram[0].String("Region"), Is.EqualTo(row.String("Region")));
        Assert.That(histogram.Select(h => h.Double("$PROBABILITY")), Is.Ordered.Descending);
    }

    // SELECT FROM <model> PREDICTION JOIN, Example 2: OPENQUERY with ON, then with WHERE on the prediction and ORDER BY
    [Test]
    public async Task PredictionJoinPage_Example2_OpenQuery()
    {
        const string Query2 = """
            SELECT
              t.[AccountId],
              [buyer-clusters].[Attrited],
              PredictProbability([Attrited])
            From
              [buyer-clusters]
            PREDICTION JOIN
              OPENQUERY([Warehouse],
                'SELECT
                  [AccountId],
                  [TenureMonths],
                  [Mrr],
                  [ActiveProducts]
                FROM
                  [mining].[vBuyerClustersCase]
                ') AS t
            ON
              [buyer-clusters].[Tenure Months] = t.[TenureMonths] AND
              [buyer-clusters].[Mrr] = t.[Mrr] AND
              [buyer-clusters].[Active Products] = t.[ActiveProducts]
            """;
        var all = await Query(Query2);
        Assert.That(all.Rows, Has.Count.EqualTo(Buyer.Cases));
        Assert.That(all.Rows.Select(x => x.Double("Expression")), Has.All.InRange(0.5, 1.0), "the probability of the predicted state");

        var filtered = await Query(Query2 + "\nWHERE [Attrited]\nORDER BY t.[AccountId] ASC");
        Assert.That(filtered.Rows.Select(x => x["Attrited"]), Has.All.EqualTo(true));
        Assert.That(filtered.Rows.Select(x => x.String("AccountId")), Is.Ordered.Ascending);
        Assert.That(filtered.Rows.Select(x => x.String("AccountId")), Is.EquivalentTo(all.Rows.Where(x => x["Attrited"] is true).Select(x => x.String("AccountId"))));
    }

    private List<string> RegionStates() => Trained.Content()[0].NodeDistribution
        .Where(d => d.AttributeName == "Region" && d.ValueType != MiningValueType.Missing).Select(d => d.AttributeValue).ToList();
}
