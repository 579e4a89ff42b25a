using SegmentMiner.Core;
namespace SegmentMiner.Core.Mining;


/// <summary>A row of NODE_DISTRIBUTION.</summary>
public sealed record DistributionRow(string AttributeName, string AttributeValue, double Support, double Probability, double Variance, MiningValueType ValueType);

/// <summary>A node of the model content (DMSCHEMA_MINING_MODEL_CONTENT columns for clustering).</summary>
public sealed record ContentNode(
    string ModelName,
    string NodeUniqueName,
    int NodeType,
    string NodeCaption,
    int ChildrenCardinality,
    string? ParentUniqueName,
    string NodeDescription,
    double NodeProbability,
    double MarginalProbability,
    double NodeSupport,
    double MsolapNodeScore,
    string MsolapNodeShortCaption,
    IReadOnlyList<DistributionRow> NodeDistribution)
{
    public string NodeName => NodeUniqueName;
}

/// <summary>GetClusterCharacteristics: a state and how often it occurs in the cluster.</summary>
public sealed record CharacteristicRow(string Attributes, string Values, double Frequency, double Support);

/// <summary>GetClusterDiscrimination: positive scores favour the first cluster, negative the second (or the complement).</summary>
public sealed record DiscriminationRow(string Attributes, string Values, double Score);

/// <summary>A cluster profile cell: a state's probability and support in a cluster, or in the population ("000").</summary>
public sealed record ProfileRow(string NodeUniqueName, string NodeCaption, string Attributes, string Values, double Probability, double Support, double? Mean, double? StdDev);

/// <summary>One row of PredictHistogram(Cluster()).</summary>
public sealed record ClusterScore(string Cluster, double Distance, double Probability);

/// <summary>The DMX prediction functions for one case.</summary>
public sealed record ClusterPrediction(object? Key, string Cluster, double Probability, IReadOnlyList<ClusterScore> Histogram, double CaseLikelihood, double CaseLikelihoodNonNormalized)
{
    /// <summary>ClusterProbability('caption').</summary>
    public double ProbabilityOf(string caption) => Histogram.FirstOrDefault(h => h.Cluster == caption)?.Probability
        ?? throw new SegmentMinerException($"no cluster with caption '{caption}'");

    /// <summary>ClusterDistance('caption') = 1 - ClusterProbability('caption').</summary>
    public double DistanceOf(string caption) => 1 - ProbabilityOf(caption);

    /// <summary>ClusterDistance() of the most likely cluster.</summary>
    public double Distance => 1 - Probability;
}
