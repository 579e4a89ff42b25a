namespace SegmentMiner.Mining;

/// <summary>Predicting a discrete attribute of a case (Predict and PredictHistogram on a predictable column).</summary>
public sealed partial class ClusteringModel
{
    /// <summary>
    /// The probability of each state of a discrete attribute for one case: the sum over clusters of the case's
    /// cluster probability times the state's probability in the cluster, most likely first. The attribute may be
    /// PredictOnly (it shaped no cluster) or an input; the case's own value of it is not used.
    /// </summary>
    public IReadOnlyList<(string State, double Probability)> PredictStates(IReadOnlyDictionary<string, object?> values, string attribute)
    {
        var index = Attributes.Attributes.ToList().FindIndex(a => string.Equals(a.Name, attribute, StringComparison.OrdinalIgnoreCase));
        var j = index < 0 ? -1 : Array.IndexOf(Attributes.Discrete, index);
        if (j < 0)
        {
            throw new MiningException($"model '{Definition.Name}' has no discrete attribute '{attribute}' to predict");
        }

        var without = values.Where(kv => !string.Equals(kv.Key, attribute, StringComparison.OrdinalIgnoreCase)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        var histogram = Predict(without).Histogram;
        var states = Attributes.Attributes[index].States;
        var result = new List<(string, double)>();
        for (var s = 0; s < states.Length; s++)
        {
            var p = histogram.Sum(h => h.Probability * StateProbability(NodeOf(h.Cluster), j, s));
            result.Add((states[s], p));
        }

        return result.OrderByDescending(r => r.Item2).ThenBy(r => r.Item1, StringComparer.Ordinal).ToList();
    }
}
