namespace SegmentMiner.Mining;

/// <summary>
/// The cluster viewer's queries. Characteristics and discrimination follow the documented output columns of
/// GetClusterCharacteristics and GetClusterDiscrimination; the discrimination score and the profiles are our
/// choice (their server-side definitions are undocumented). Continuous attributes are shown as five ranges cut at
/// the population's quintiles (under a normal approximation), with each cluster's Gaussian mass in each range.
/// </summary>
public sealed partial class ClusteringModel
{
    private static readonly double[] QuintileZ = [-0.8416212335729143, -0.2533471031357997, 0.2533471031357997, 0.8416212335729143];

    /// <summary>
    /// GetClusterCharacteristics: every state with Frequency = P(state | cluster) above the threshold, by
    /// decreasing frequency; Support = the cluster's support times the frequency.
    /// </summary>
    public IReadOnlyList<CharacteristicRow> Characteristics(string node, double threshold = 0.0005)
    {
        var k = NodeOf(node);
        var n = Support(k);
        return States(k).Where(s => s.P > threshold)
            .Select(s => new CharacteristicRow(s.Attribute, s.Value, s.P, n * s.P))
            .OrderByDescending(r => r.Frequency).ThenBy(r => r.Attributes, StringComparer.Ordinal).ThenBy(r => r.Values, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// GetClusterDiscrimination between two clusters, or a cluster and its complement (<paramref name="node2"/> null
    /// or empty: every other case). For each state with a probability above the threshold on either side, the raw
    /// score is (pA - pB) * |ln(pA / pB)|: the difference weighted by the evidence it carries. Positive favours the
    /// first cluster. Rescaled, the largest magnitude is 100.
    /// </summary>
    public IReadOnlyList<DiscriminationRow> Discrimination(string node1, string? node2, double threshold = 0.0005, bool rescaled = true)
    {
        var a = NodeOf(node1);
        var left = States(a).ToList();
        List<(string Attribute, string Value, double P)> right;
        if (string.IsNullOrEmpty(node2))
        {
            var others = Enumerable.Range(0, ClusterCount).Where(k => k != a).ToList();
            var weight = others.Sum(Support);
            var per = others.Select(k => (W: Support(k) / weight, S: States(k).ToList())).ToList();
            right = left.Select((s, i) => (s.Attribute, s.Value, per.Sum(o => o.W * o.S[i].P))).ToList();
        }
        else
        {
            var b = NodeOf(node2);
            if (b == a)
            {
                throw new MiningException($"discrimination needs two different clusters; got {node1} twice");
            }

            right = States(b).ToList();
        }

        var rows = new List<DiscriminationRow>();
        for (var i = 0; i < left.Count; i++)
        {
            var pa = left[i].P;
            var pb = right[i].P;
            if (Math.Max(pa, pb) <= threshold)
            {
                continue;
            }

            var raw = (pa - pb) * Math.Abs(Math.Log((pa + 1e-9) / (pb + 1e-9)));
            if (Math.Abs(raw) > 1e-12)
            {
                rows.Add(new DiscriminationRow(left[i].Attribute, left[i].Value, raw));
            }
        }

        if (rescaled && rows.Count > 0)
        {
            var max = rows.Max(r => Math.Abs(r.Score));
            rows = rows.Select(r => r with { Score = 100 * r.Score / max }).ToList();
        }

        return rows.OrderByDescending(r => Math.Abs(r.Score)).ThenBy(r => r.Attributes, StringComparer.Ordinal).ThenBy(r => r.Values, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Profiles of every cluster against the population ("000"), computed from the content (as every mining server
    /// computes them): for each attribute state its probability and support; for a continuous attribute, Missing and
    /// Existing, with the mean and standard deviation on Existing.
    /// </summary>
    public IReadOnlyList<ProfileRow> Profiles() => ContentProfiles.From(Content());

    /// <summary>Every attribute state of a cluster with its probability: discrete states (not Missing) and continuous ranges.</summary>
    private IEnumerable<(string Attribute, string Value, double P)> States(int node)
    {
        foreach (var (a, j, c) in Ordered())
        {
            if (j >= 0)
            {
                for (var s = 1; s < a.States.Length; s++)
                {
                    yield return (a.Name, a.States[s], StateProbability(node, j, s));
                }
            }
            else
            {
                var (rootMean, rootVariance, _) = RootContinuous(c);
                var cuts = QuintileZ.Select(z => rootMean + (z * Math.Sqrt(rootVariance))).ToArray();
                var labels = Discretizer.Labels(cuts, a.DataType).ToArray();
                var (mean, variance, existing) = Continuous(node, c);
                var sd = Math.Sqrt(Math.Max(variance, 1e-24));
                var previous = 0.0;
                for (var b = 0; b <= cuts.Length; b++)
                {
                    var cdf = b == cuts.Length ? 1.0 : NormalCdf((cuts[b] - mean) / sd);
                    yield return (a.Name, labels[b], existing * (cdf - previous));
                    previous = cdf;
                }
            }
        }
    }

    /// <summary>Standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7).</summary>
    internal static double NormalCdf(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + (0.3275911 * x));
        var y = 1 - ((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
    }
}
