namespace SegmentMiner.Mining;

/// <summary>
/// DMX prediction: Cluster(), ClusterProbability(), ClusterDistance(), PredictHistogram(Cluster()) and
/// PredictCaseLikelihood(), for one case or streamed over a case table.
/// </summary>
public sealed partial class ClusteringModel
{
    /// <summary>Scores every case of <paramref name="source"/>, one at a time (columns are matched by name).</summary>
    public IEnumerable<ClusterPrediction> PredictAll(ICaseSource source)
    {
        var map = SourceColumns.Select(c => IndexOf(source.Columns, c)).ToArray();
        var keyAt = IndexOf(source.Columns, Definition.Key.Name);
        var row = new object?[SourceColumns.Count];
        var states = new int[Attributes.Discrete.Length];
        var values = new double[Attributes.Continuous.Length];
        var scores = new double[ClusterCount];
        foreach (var input in source.Read())
        {
            for (var i = 0; i < map.Length; i++)
            {
                row[i] = map[i] >= 0 ? input[map[i]] : null;
            }

            yield return Predict(keyAt >= 0 ? input[keyAt] : null, row, states, values, scores);
        }
    }

    /// <summary>Scores one case given as column name to value (a singleton query); absent columns are Missing.</summary>
    public ClusterPrediction Predict(IReadOnlyDictionary<string, object?> values)
    {
        var row = SourceColumns.Select(c => values.FirstOrDefault(kv => string.Equals(kv.Key, c, StringComparison.OrdinalIgnoreCase)).Value).ToArray();
        var key = values.FirstOrDefault(kv => string.Equals(kv.Key, Definition.Key.Name, StringComparison.OrdinalIgnoreCase)).Value;
        return Predict(key, row, new int[Attributes.Discrete.Length], new double[Attributes.Continuous.Length], new double[ClusterCount]);
    }

    private ClusterPrediction Predict(object? key, object?[] row, int[] states, double[] values, double[] scores)
    {
        Attributes.Encode(row, states, values);
        Mixture.LogJoint(states, values, scores);
        var max = scores.Max();
        var sum = 0.0;
        for (var k = 0; k < scores.Length; k++)
        {
            sum += Math.Exp(scores[k] - max);
        }

        var logCase = max + Math.Log(sum);
        var logMarginal = LogMarginal(states, values);
        var normalized = 1 / (1 + Math.Exp(logMarginal - logCase));
        List<ClusterScore> histogram;
        if (IsKMeans)
        {
            // K-means membership is hard: the nearest centroid with probability 1 and distance 0, one histogram row.
            var distances = new double[ClusterCount];
            Mixture.Distances(states, values, distances);
            var best = Enumerable.Range(0, ClusterCount).MinBy(n => distances[Index(n)]);
            histogram = [new ClusterScore(Caption(best), 0, 1)];
        }
        else
        {
            histogram = Enumerable.Range(0, ClusterCount)
                .Select(node => { var p = Math.Exp(scores[Index(node)] - max) / sum; return new ClusterScore(Caption(node), 1 - p, p); })
                .OrderByDescending(h => h.Probability).ThenBy(h => h.Cluster, StringComparer.Ordinal).ToList();
        }

        return new ClusterPrediction(key, histogram[0].Cluster, histogram[0].Probability, histogram, normalized, CaseProbability(states, values, scores));
    }

    /// <summary>P(case) under the model, continuous values at their resolution (a probability, at most 1); reuses <paramref name="scores"/>.</summary>
    private double CaseProbability(int[] states, double[] values, double[] scores)
    {
        Mixture.LogJointProbability(states, values, scores);
        var max = scores.Max();
        var sum = scores.Sum(s => Math.Exp(s - max));
        return Math.Min(1, Math.Exp(max + Math.Log(sum)));
    }

    /// <summary>log P(case) under the population marginals of the input attributes (the denominator of the normalized likelihood).</summary>
    private double LogMarginal(int[] states, double[] values)
    {
        var sum = 0.0;
        for (var j = 0; j < states.Length; j++)
        {
            if (Attributes.IsInputDiscrete(j))
            {
                var count = Attributes.RootStateCounts[Attributes.Offsets[j] + states[j]];
                sum += Math.Log((count + Mixture.Prior) / (Cases + ((Attributes.Offsets[j + 1] - Attributes.Offsets[j]) * Mixture.Prior)));
            }
        }

        for (var c = 0; c < values.Length; c++)
        {
            if (!Attributes.IsInputContinuous(c))
            {
                continue;
            }

            var a = Attributes.Attributes[Attributes.Continuous[c]];
            var (mean, variance, existing) = RootContinuous(c);
            var m = a.Normalized ? (mean - a.Mean) / a.StdDev : mean;
            var v = Math.Max(a.Normalized ? variance / (a.StdDev * a.StdDev) : variance, Mixture.VarianceFloor);
            if (double.IsNaN(values[c]))
            {
                sum += Math.Log(Math.Max(1 - existing, 1e-300));
            }
            else
            {
                var d = values[c] - m;
                sum += Math.Log(Math.Max(existing, 1e-300)) - (0.5 * Math.Log(2 * Math.PI * v)) - (d * d / (2 * v));
            }
        }

        return sum;
    }

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
