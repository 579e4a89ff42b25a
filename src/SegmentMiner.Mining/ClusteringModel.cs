using System.Globalization;

namespace SegmentMiner.Mining;

/// <summary>
/// A processed clustering model: its content (root "000" and clusters "001"... ordered by support), the viewer
/// queries, and the DMX prediction functions.
/// </summary>
public sealed partial class ClusteringModel
{
    private readonly int[] _order;
    private readonly double[] _support;

    internal ClusteringModel(
        MiningModelDefinition definition, IReadOnlyList<string> sourceColumns, AttributeSet attributes, Mixture mixture, double[] support,
        double logLikelihood, int iterations, long cases, DateTime processedAt, IReadOnlyList<double> objectives)
    {
        Definition = definition;
        SourceColumns = sourceColumns;
        Attributes = attributes;
        Mixture = mixture;
        _support = support;
        LogLikelihood = logLikelihood;
        Iterations = iterations;
        Cases = cases;
        ProcessedAt = processedAt;
        Objectives = objectives;
        _order = Enumerable.Range(0, mixture.K).OrderByDescending(k => support[k]).ThenBy(k => k).ToArray();
        Bic = Trainer.Bic(mixture, logLikelihood, cases);
    }

    public MiningModelDefinition Definition { get; }

    /// <summary>Column names of the training cases, in their order.</summary>
    public IReadOnlyList<string> SourceColumns { get; }

    public AttributeSet Attributes { get; }

    internal Mixture Mixture { get; }

    /// <summary>Log-likelihood of the training cases (with the small Dirichlet prior the MAP estimate uses).</summary>
    public double LogLikelihood { get; }

    /// <summary>BIC of the model; the root node's MSOLAP_NODE_SCORE.</summary>
    public double Bic { get; }

    public int Iterations { get; }

    public long Cases { get; }

    public DateTime ProcessedAt { get; }

    /// <summary>The objective after each training iteration (log-likelihood for EM, total distance for K-means).</summary>
    public IReadOnlyList<double> Objectives { get; }

    /// <summary>Wall time of each training iteration (not kept in the model file).</summary>
    public IReadOnlyList<TimeSpan> IterationTimes { get; private init; } = [];

    public int ClusterCount => Mixture.K;

    public bool IsKMeans => Definition.Parameters.Method is ClusteringMethod.ScalableKMeans or ClusteringMethod.NonScalableKMeans;

    /// <summary>Trains a model: the structure pass, then the training pass (one forward read for the scalable methods).</summary>
    public static ClusteringModel Train(MiningModelDefinition definition, ICaseSource source, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        definition.Validate();
        var set = StructureBuilder.Build(definition, source.Read(), source.Columns);
        progress?.Invoke($"structure: {set.Cases:N0} cases, {set.Attributes.Count} attributes ({set.Attributes.Count(a => a.IsInput)} inputs)");
        var result = new Trainer(definition.Parameters, set, progress).Train(source.Read(), cancellationToken);
        return new ClusteringModel(definition, source.Columns, set, result.Mixture, result.Support, result.LogLikelihood, result.Iterations, result.Cases,
            DateTime.UtcNow, result.Objectives) { IterationTimes = result.IterationTimes };
    }

    /// <summary>
    /// The count CLUSTER_COUNT = 0 would choose for these cases: the structure pass and the count search alone, on the
    /// first buffer (SAMPLE_SIZE cases for the scalable methods), without the training that follows.
    /// </summary>
    public static int ChooseClusterCount(MiningModelDefinition definition, ICaseSource source, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        definition.Validate();
        var set = StructureBuilder.Build(definition, source.Read(), source.Columns);
        return new Trainer(definition.Parameters with { ClusterCount = 0 }, set, progress).SearchCount(source.Read(), cancellationToken);
    }

    public static string NodeName(int cluster) => (cluster + 1).ToString("000", CultureInfo.InvariantCulture);

    public static string Caption(int cluster) => "Cluster " + (cluster + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The soft support of cluster node i (0-based, in node order).</summary>
    public double Support(int node) => _support[_order[node]];

    /// <summary>Support by mixture index.</summary>
    internal IReadOnlyList<double> RawSupport => _support;

    /// <summary>Mixture index of node i.</summary>
    internal int Index(int node) => _order[node];

    /// <summary>Node index from "001", "Cluster 1" or "1".</summary>
    public int NodeOf(string nodeOrCaption)
    {
        var s = nodeOrCaption.Trim();
        if (s.StartsWith("Cluster ", StringComparison.OrdinalIgnoreCase))
        {
            s = s[8..];
        }

        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= ClusterCount)
        {
            return n - 1;
        }

        throw new MiningException($"model '{Definition.Name}' has no cluster '{nodeOrCaption}' (it has {ClusterCount}: 001 to {NodeName(ClusterCount - 1)})");
    }

    /// <summary>P(state | cluster) for a discrete attribute j (index into the discrete attributes).</summary>
    internal double StateProbability(int node, int j, int state) =>
        Mixture.StateProb[(Index(node) * Attributes.TotalStates) + Attributes.Offsets[j] + state];

    internal double RootStateProbability(int j, int state) => (double)Attributes.RootStateCounts[Attributes.Offsets[j] + state] / Cases;

    /// <summary>The cluster's mean, variance and probability of a value in the attribute's own units.</summary>
    internal (double Mean, double Variance, double Existing) Continuous(int node, int c)
    {
        var a = Attributes.Attributes[Attributes.Continuous[c]];
        var i = (Index(node) * Mixture.Nc) + c;
        return (a.Unscale(Mixture.Mean[i]), a.UnscaleVariance(Mixture.Var[i]), 1 - Mixture.PMissing[i]);
    }

    internal (double Mean, double Variance, double Existing) RootContinuous(int c)
    {
        var existing = Attributes.RootExisting[c];
        var mean = existing > 0 ? Attributes.RootSum[c] / existing : 0;
        var variance = existing > 0 ? Math.Max(0, (Attributes.RootSumSquares[c] / existing) - (mean * mean)) : 0;
        return (mean, variance, existing / Cases);
    }
}
