namespace SegmentMiner.Mining;

/// <summary>
/// Bucket boundaries for discretized columns. EQUAL_AREAS puts the same number of cases in every bucket;
/// CLUSTERS runs a one-dimensional clustering of a 1,000-value sample and cuts half way between neighbouring
/// centres; AUTOMATIC uses EQUAL_AREAS (our choice: the documented behaviour picks a method, without saying how).
/// Duplicate boundaries are merged, so a spiky column can get fewer buckets than asked.
/// </summary>
internal static class Discretizer
{
    public static double[] Cuts(List<double> sample, int buckets, DiscretizationMethod method, int seed)
    {
        if (sample.Count == 0)
        {
            return [];
        }

        var sorted = sample.ToArray();
        Array.Sort(sorted);
        var cuts = new SortedSet<double>();
        if (method == DiscretizationMethod.Clusters)
        {
            var rng = new Random(seed);
            var small = sorted.Length <= 1000 ? sorted : Enumerable.Range(0, 1000).Select(_ => sorted[rng.Next(sorted.Length)]).Order().ToArray();
            var centres = Enumerable.Range(0, buckets).Select(b => small[(int)((b + 0.5) * small.Length / buckets)]).Distinct().ToArray();
            for (var iteration = 0; iteration < 50; iteration++)
            {
                var sums = new double[centres.Length];
                var counts = new int[centres.Length];
                foreach (var x in small)
                {
                    var best = 0;
                    for (var k = 1; k < centres.Length; k++)
                    {
                        if (Math.Abs(x - centres[k]) < Math.Abs(x - centres[best])) best = k;
                    }

                    sums[best] += x;
                    counts[best]++;
                }

                centres = centres.Select((c, k) => counts[k] > 0 ? sums[k] / counts[k] : c).Order().ToArray();
            }

            for (var k = 1; k < centres.Length; k++)
            {
                cuts.Add((centres[k - 1] + centres[k]) / 2);
            }
        }
        else
        {
            for (var b = 1; b < buckets; b++)
            {
                var q = sorted[Math.Min(sorted.Length - 1, (int)((long)b * sorted.Length / buckets))];
                if (q > sorted[0])
                {
                    cuts.Add(q);
                }
            }
        }

        return cuts.ToArray();
    }

    /// <summary>State names in the style of Analysis Services: "&lt; 30", "30 - 40", "&gt;= 40".</summary>
    public static IEnumerable<string> Labels(double[] cuts, MiningDataType type)
    {
        if (cuts.Length == 0)
        {
            yield return "All";
            yield break;
        }

        yield return "< " + Values.Number(cuts[0], type);
        for (var i = 1; i < cuts.Length; i++)
        {
            yield return Values.Number(cuts[i - 1], type) + " - " + Values.Number(cuts[i], type);
        }

        yield return ">= " + Values.Number(cuts[^1], type);
    }
}
