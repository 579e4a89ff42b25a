using System.Globalization;

namespace SegmentMiner.Mining;

public sealed partial class ClusteringModel
{
    /// <summary>DMSCHEMA_MINING_MODEL_CONTENT: the root node "000" then the clusters by decreasing support.</summary>
    public IReadOnlyList<ContentNode> Content()
    {
        var nodes = new List<ContentNode>
        {
            new(Definition.Name, "000", 1, "Cluster Model", ClusterCount, null, "All", 1, 1, Cases, Bic, "Cluster Model", RootDistribution()),
        };
        var total = Enumerable.Range(0, ClusterCount).Sum(Support);
        for (var node = 0; node < ClusterCount; node++)
        {
            var p = Support(node) / total;
            nodes.Add(new ContentNode(Definition.Name, NodeName(node), 5, Caption(node), 0, "000", Description(node), p, p, Support(node), 0, Caption(node), ClusterDistribution(node)));
        }

        return nodes;
    }

    private List<DistributionRow> RootDistribution()
    {
        var rows = new List<DistributionRow>();
        foreach (var (a, j, c) in Ordered())
        {
            if (j >= 0)
            {
                for (var s = 0; s < a.States.Length; s++)
                {
                    var count = Attributes.RootStateCounts[Attributes.Offsets[j] + s];
                    rows.Add(new DistributionRow(a.Name, a.States[s], count, (double)count / Cases, 0, a.StateValueType(s)));
                }
            }
            else
            {
                var (mean, variance, existing) = RootContinuous(c);
                var existingCount = Attributes.RootExisting[c];
                rows.Add(new DistributionRow(a.Name, "Missing", Cases - existingCount, 1 - existing, 0, MiningValueType.Missing));
                rows.Add(new DistributionRow(a.Name, Format(mean), existingCount, existing, variance, MiningValueType.Continuous));
            }
        }

        return rows;
    }

    private List<DistributionRow> ClusterDistribution(int node)
    {
        var rows = new List<DistributionRow>();
        var n = Support(node);
        foreach (var (a, j, c) in Ordered())
        {
            if (j >= 0)
            {
                for (var s = 0; s < a.States.Length; s++)
                {
                    var p = StateProbability(node, j, s);
                    rows.Add(new DistributionRow(a.Name, a.States[s], n * p, p, 0, a.StateValueType(s)));
                }
            }
            else
            {
                var (mean, variance, existing) = Continuous(node, c);
                rows.Add(new DistributionRow(a.Name, "Missing", n * (1 - existing), 1 - existing, 0, MiningValueType.Missing));
                rows.Add(new DistributionRow(a.Name, Format(mean), n * existing, existing, variance, MiningValueType.Continuous));
            }
        }

        return rows;
    }

    /// <summary>Attributes in column order, each with its index among the discrete (j) or continuous (c) ones (-1 when not).</summary>
    private IEnumerable<(MiningAttribute Attribute, int J, int C)> Ordered()
    {
        for (var i = 0; i < Attributes.Attributes.Count; i++)
        {
            yield return (Attributes.Attributes[i], Array.IndexOf(Attributes.Discrete, i), Array.IndexOf(Attributes.Continuous, i));
        }
    }

    /// <summary>
    /// NODE_DESCRIPTION as Analysis Services builds it: the cluster's most distinguishing terms, strongest first,
    /// joined by " , ": "Attr=Value" for a state the cluster concentrates on, "lo &lt;=Attr &lt;=hi" (mean plus or
    /// minus one standard deviation) for a continuous attribute whose mean stands apart. At most six terms.
    /// </summary>
    private string Description(int node)
    {
        var terms = new List<(double Score, string Text)>();
        foreach (var (a, j, c) in Ordered())
        {
            if (j >= 0)
            {
                for (var s = 1; s < a.States.Length; s++)
                {
                    var p = StateProbability(node, j, s);
                    var q = RootStateProbability(j, s);
                    if (p >= 0.5 && p > q * 1.1)
                    {
                        terms.Add((p * Math.Log(p / Math.Max(q, 1e-9)), $"{a.Name}={a.States[s]}"));
                    }
                }
            }
            else
            {
                var (mean, variance, _) = Continuous(node, c);
                var (rootMean, rootVariance, _) = RootContinuous(c);
                var z = Math.Abs(mean - rootMean) / Math.Sqrt(Math.Max(rootVariance, 1e-12));
                if (z >= 0.5)
                {
                    var sd = Math.Sqrt(variance);
                    terms.Add((z / 2, $"{Values.Number(mean - sd, a.DataType)} <={a.Name} <={Values.Number(mean + sd, a.DataType)}"));
                }
            }
        }

        var chosen = terms.OrderByDescending(t => t.Score).Take(6).Select(t => t.Text).ToList();
        return chosen.Count == 0 ? "All" : string.Join(" , ", chosen);
    }

    private static string Format(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
