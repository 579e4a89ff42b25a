using System.Globalization;

namespace SegmentMiner.Mining;

/// <summary>The clustering methods of Microsoft Clustering's <c>CLUSTERING_METHOD</c>.</summary>
public enum ClusteringMethod
{
    ScalableEm = 1,
    NonScalableEm = 2,
    ScalableKMeans = 3,
    NonScalableKMeans = 4,
}

/// <summary>
/// Microsoft Clustering's parameters with their documented defaults. A value out of range is an error naming the
/// parameter and its range.
/// </summary>
public sealed record ClusteringParameters
{
    /// <summary>The approximate number of clusters; 0 chooses the count from the data (by BIC). Default 10.</summary>
    public int ClusterCount { get; init; } = 10;

    public int ClusterSeed { get; init; }

    public ClusteringMethod Method { get; init; } = ClusteringMethod.ScalableEm;

    /// <summary>Above this many inputs, feature selection keeps the most interesting. 0 = no limit. Default 255.</summary>
    public int MaximumInputAttributes { get; init; } = 255;

    /// <summary>States kept per attribute (the most popular); the rest count as Missing. 0 = no limit. Default 100.</summary>
    public int MaximumStates { get; init; } = 100;

    /// <summary>A cluster with less support is reseeded, and dropped if it stays small. Default 1.</summary>
    public double MinimumSupport { get; init; } = 1;

    /// <summary>Candidate models built from different starts; the best is kept. Default 10.</summary>
    public int ModellingCardinality { get; init; } = 10;

    /// <summary>Cases per buffer for the scalable methods; 0 = the whole data in one buffer. Default 50,000.</summary>
    public int SampleSize { get; init; } = 50_000;

    /// <summary>Convergence when the cluster sizes change by fewer cases than this in an iteration. Default 10.</summary>
    public double StoppingTolerance { get; init; } = 10;

    /// <summary>z-score normalization of continuous inputs (the hidden NORMALIZATION parameter). Default 1.</summary>
    public int Normalization { get; init; } = 1;

    /// <summary>Worker threads; 0 = all cores. Results do not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>The upper bound of the count search when <see cref="ClusterCount"/> is 0. Default 12.</summary>
    public int MaximumSearchedClusterCount { get; init; } = 12;

    /// <summary>
    /// The seed of the cluster count search (its sample and its starts), independent of CLUSTER_SEED so that the
    /// count does not depend on it. Not a Microsoft parameter; tests vary it to show the count does not depend on it either.
    /// </summary>
    public int CountSearchSeed { get; init; }

    public IEnumerable<string> Validate()
    {
        if (ClusterCount is < 0 or > 1000) yield return $"CLUSTER_COUNT: {ClusterCount} is out of range 0 to 1000";
        if (ClusterSeed < 0) yield return $"CLUSTER_SEED: {ClusterSeed} is out of range 0 to {int.MaxValue}";
        if (!Enum.IsDefined(Method)) yield return $"CLUSTERING_METHOD: {(int)Method} is out of range 1 to 4";
        if (MaximumInputAttributes is < 0 or > 65535) yield return $"MAXIMUM_INPUT_ATTRIBUTES: {MaximumInputAttributes} is out of range 0 to 65535";
        if (MaximumStates is < 0 or > 65535 || MaximumStates is 1) yield return $"MAXIMUM_STATES: {MaximumStates} is out of range (0, or 2 to 65535)";
        if (MinimumSupport < 0 || double.IsNaN(MinimumSupport)) yield return $"MINIMUM_SUPPORT: {MinimumSupport.ToString(CultureInfo.InvariantCulture)} is out of range 0 or more";
        if (ModellingCardinality is < 1 or > 50) yield return $"MODELLING_CARDINALITY: {ModellingCardinality} is out of range 1 to 50";
        if (SampleSize < 0 || (SampleSize is > 0 and < 100)) yield return $"SAMPLE_SIZE: {SampleSize} is out of range (0, or 100 or more)";
        if (StoppingTolerance <= 0 || double.IsNaN(StoppingTolerance)) yield return $"STOPPING_TOLERANCE: {StoppingTolerance.ToString(CultureInfo.InvariantCulture)} must be more than 0";
        if (Normalization is not (0 or 1)) yield return $"NORMALIZATION: {Normalization} is out of range 0 to 1";
        if (Threads < 0) yield return $"Threads: {Threads} must not be negative";
        if (MaximumSearchedClusterCount is < 2 or > 100) yield return $"MaximumSearchedClusterCount: {MaximumSearchedClusterCount} is out of range 2 to 100";
    }

    /// <summary>Parses <c>NAME=value</c> pairs (as in DMX's USING clause and ASSL's AlgorithmParameters).</summary>
    public static ClusteringParameters FromPairs(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var p = new ClusteringParameters();
        foreach (var (name, raw) in pairs)
        {
            int I() => int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new MiningException($"{name.ToUpperInvariant()}: '{raw}' is not a whole number");
            double D() => double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new MiningException($"{name.ToUpperInvariant()}: '{raw}' is not a number");
            p = name.ToUpperInvariant() switch
            {
                "CLUSTER_COUNT" => p with { ClusterCount = I() },
                "CLUSTER_SEED" => p with { ClusterSeed = I() },
                "CLUSTERING_METHOD" => p with { Method = (ClusteringMethod)I() },
                "MAXIMUM_INPUT_ATTRIBUTES" => p with { MaximumInputAttributes = I() },
                "MAXIMUM_STATES" => p with { MaximumStates = I() },
                "MINIMUM_SUPPORT" => p with { MinimumSupport = D() },
                "MODELLING_CARDINALITY" => p with { ModellingCardinality = I() },
                "SAMPLE_SIZE" => p with { SampleSize = I() },
                "STOPPING_TOLERANCE" => p with { StoppingTolerance = D() },
                "NORMALIZATION" => p with { Normalization = I() },
                _ => throw new MiningException($"{name}: not a Microsoft_Clustering parameter"),
            };
        }

        var errors = p.Validate().ToList();
        return errors.Count == 0 ? p : throw new MiningException(string.Join("; ", errors));
    }

    /// <summary>All documented parameters with their values, alphabetically, as DMSCHEMA_MINING_MODELS shows them.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"CLUSTER_COUNT={ClusterCount},CLUSTER_SEED={ClusterSeed},CLUSTERING_METHOD={(int)Method},MAXIMUM_INPUT_ATTRIBUTES={MaximumInputAttributes}," +
        $"MAXIMUM_STATES={MaximumStates},MINIMUM_SUPPORT={MinimumSupport},MODELLING_CARDINALITY={ModellingCardinality},SAMPLE_SIZE={SampleSize},STOPPING_TOLERANCE={StoppingTolerance}");
}
