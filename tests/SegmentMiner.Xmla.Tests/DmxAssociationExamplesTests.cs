using SegmentMiner.Core.Mining;

namespace SegmentMiner.Xmla.Tests;

/// <summary>
/// The examples written for an association model's nested table ([Association].[v Assoc Seq Line Items] with its
/// [Model] key), on a clustering model with a predictable nested table: [product-baskets].[Products] keyed by
/// [Product]. Each test names its page and example.
/// </summary>
public sealed partial class DmxConformanceTests
{
    private Mining.ClusteringModel Baskets => _service.Engine.Trained("product-baskets");

    /// <summary>Each product's probability of existing for a case of the given membership, from the content.</summary>
    private Dictionary<string, (double Probability, double Support)> ProductOdds(ClusterPrediction p)
    {
        var weights = p.Histogram.ToDictionary(h => h.Cluster, h => h.Probability);
        return Baskets.Content().Where(n => n.NodeType == 5)
            .SelectMany(n => n.NodeDistribution.Where(d => d.ValueType == MiningValueType.Existing && d.AttributeName.StartsWith("Products(", StringComparison.Ordinal))
                .Select(d => (Product: d.AttributeName[9..^1], W: weights[n.NodeCaption], d.Probability, d.Support)))
            .GroupBy(x => x.Product)
            .ToDictionary(g => g.Key, g => (g.Sum(x => x.W * x.Probability), g.Sum(x => x.W * x.Support)));
    }

    // Predict (DMX), Examples: the four items most likely together, with statistics
    [Test]
    public async Task PredictPage_Example_FourItemsWithStatistics()
    {
        var r = await Query("SELECT  \n    Predict([product-baskets].[Products],INCLUDE_STATISTICS,4)  \nFROM     [product-baskets]");
        var items = r.Rows.Single().Table("Expression");
        var odds = ProductOdds(Baskets.Predict(new Dictionary<string, object?>()));
        Assert.That(items, Has.Count.EqualTo(Math.Min(4, odds.Count)).And.Count.GreaterThan(1));
        Assert.That(items.Select(i => i.String("Product")), Is.EqualTo(odds.OrderByDescending(o => o.Value.Probability).ThenBy(o => o.Key, StringComparer.Ordinal).Take(4).Select(o => o.Key)));
        foreach (var i in items)
        {
            Assert.That(i.Double("$PROBABILITY"), Is.EqualTo(odds[i.String("Product")!].Probability).Within(1e-12));
            Assert.That(i.Double("$SUPPORT"), Is.EqualTo(odds[i.String("Product")!].Support).Within(1e-9));
        }
    }

    // TopCount (DMX), Example 2: TopCount over Predict(..., INCLUDE_STATISTICS, 10) ranked by $SUPPORT
    [Test]
    public async Task TopCountPage_Example2_TopThreeBySupport()
    {
        var given = ProductOdds(Baskets.Predict(new Dictionary<string, object?>())).Keys.Order(StringComparer.Ordinal).First();
        var r = await Query($"""
            SELECT
            TopCount
                (
                Predict ([product-baskets].[Products],INCLUDE_STATISTICS,10),
                $SUPPORT,
                3)
            FROM
                 [product-baskets]
            NATURAL PREDICTION JOIN
            (SELECT (SELECT '{given.Replace("'", "''", StringComparison.Ordinal)}' as [Product]) AS [Products]) AS t
            """);
        var top = r.Rows.Single().Table("Expression");
        var odds = ProductOdds(Baskets.Predict(new Dictionary<string, object?> { ["Products"] = new List<object?> { given } }));
        var expected = odds.Where(o => o.Key != given).OrderByDescending(o => o.Value.Probability).ThenBy(o => o.Key, StringComparer.Ordinal).Take(10)
            .OrderByDescending(o => o.Value.Support).Take(3).Select(o => o.Key);
        Assert.That(top.Select(t => t.String("Product")), Is.EqualTo(expected), "the case's own product left out (EXCLUSIVE)");
        Assert.That(top.Select(t => t.Double("$SUPPORT")), Is.Ordered.Descending);
    }

    // SELECT FROM <model> PREDICTION JOIN, Example 3: three items given by UNION, three predicted, FLATTENED (the
    // page's trailing space in the nested table's name kept)
    [Test]
    public async Task PredictionJoinPage_Example3_PredictingAssociations()
    {
        var products = ProductOdds(Baskets.Predict(new Dictionary<string, object?>())).Keys.Order(StringComparer.Ordinal).Take(3).ToList();
        Assume.That(products, Has.Count.EqualTo(3), "the demo sells at least three products");
        var r = await Query($"""
            SELECT FLATTENED
              PREDICT([product-baskets].[Products], 3)
            FROM
              [product-baskets]
            NATURAL PREDICTION JOIN
            (SELECT (SELECT '{products[0]}' AS [Product]
              UNION SELECT '{products[1]}' AS [Product]
              UNION SELECT '{products[2]}' AS [Product]) AS [Products ]) AS t
            """);
        Assert.That(Names(r), Is.EqualTo(new[] { "Expression.Product" }));
        var odds = ProductOdds(Baskets.Predict(new Dictionary<string, object?> { ["Products"] = products.Cast<object?>().ToList() }));
        var expected = odds.Where(o => !products.Contains(o.Key)).OrderByDescending(o => o.Value.Probability).ThenBy(o => o.Key, StringComparer.Ordinal).Take(3).Select(o => o.Key);
        Assert.That(r.Rows.Select(x => x.String("Expression.Product")), Is.EqualTo(expected));
    }
}
