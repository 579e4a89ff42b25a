using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Embedded.Dmx;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// The prediction functions of a clustering model in a prediction join: Cluster, ClusterProbability,
/// ClusterDistance, PredictCaseLikelihood, PredictHistogram(Cluster()) and TopCount over it, and Predict,
/// PredictProbability and PredictSupport of a predictable column (Predict or PredictOnly usage). A cluster is named
/// by its caption ('Cluster 2') or its node name ('002'); a cluster the case is not assigned to (K-means assigns one)
/// has probability 0 and distance 1. A column is predicted from the clusters: each state's probability is the
/// clusters' probabilities of it weighted by the case's membership (a continuous column: the weighted means).
/// </summary>
internal sealed partial class ClusterFunctions(ModelDefinition model, Mining.ClusteringModel trained, IReadOnlyDictionary<string, string> bindings, IReadOnlyList<string> inputs) : IDmxFunctions
{
    private static readonly RowsetColumn[] HistogramColumns = [new("$CLUSTER", "xsd:string"), new("$DISTANCE", "xsd:double"), new("$PROBABILITY", "xsd:double")];

    private readonly Dictionary<string, string> _captions = trained.Content().Where(n => n.NodeType == 5)
        .SelectMany(n => new[] { (Key: n.NodeCaption, n.NodeCaption), (Key: n.NodeUniqueName, n.NodeCaption) })
        .DistinctBy(x => x.Key, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(x => x.Key, x => x.NodeCaption, StringComparer.OrdinalIgnoreCase);

    public RowsetColumn Describe(DmxCall call) => Upper(call) switch
    {
        "CLUSTER" => new RowsetColumn("$CLUSTER", "xsd:string"),
        "CLUSTERPROBABILITY" or "CLUSTERDISTANCE" or "PREDICTCASELIKELIHOOD" => new RowsetColumn("Expression", "xsd:double"),
        "PREDICTHISTOGRAM" => new RowsetColumn("Expression", null, HistogramOf(call)),
        "TOPCOUNT" when call.Arguments is [DmxCall table, ..] => new RowsetColumn("Expression", null, Describe(table).Nested),
        "PREDICT" when Predictable(call).Content == ContentType.Table => new RowsetColumn("Expression", null, TableColumns(call)),
        "PREDICT" => new RowsetColumn(Predictable(call).Name, null),
        "PREDICTPROBABILITY" or "PREDICTSUPPORT" => new RowsetColumn("Expression", "xsd:double"),
        "PREDICTNODEID" => new RowsetColumn("$NODEID", "xsd:string"),
        _ => throw DmxSyntaxException.Unsupported(call.At, $"The function '{call.Function}' on a clustering model"),
    };

    public object? Call(DmxCall call, DmxRow row)
    {
        var p = ((Lazy<ClusterPrediction>)row.Context!).Value;
        switch (Upper(call))
        {
            case "CLUSTER":
                Arguments(call, 0, 0);
                return p.Cluster;
            case "CLUSTERPROBABILITY":
                Arguments(call, 0, 1);
                return call.Arguments.Count == 0 ? p.Probability : Score(p, call).Probability;
            case "CLUSTERDISTANCE":
                Arguments(call, 0, 1);
                return call.Arguments.Count == 0 ? p.Distance : Score(p, call).Distance;
            case "PREDICTCASELIKELIHOOD":
                Arguments(call, 0, 1);
                return call.Arguments.Count == 1 && call.Arguments[0] is DmxName { Last: var flag } && flag.Equals("NONNORMALIZED", StringComparison.OrdinalIgnoreCase)
                    ? p.CaseLikelihoodNonNormalized
                    : p.CaseLikelihood;
            case "PREDICTHISTOGRAM":
                Arguments(call, 1, 1);
                return call.Arguments[0] is DmxName ? StateHistogram(Predictable(call), p) : Histogram(p).ToList();
            case "TOPCOUNT":
                return TopCount(call, row);
            case "PREDICT" when Predictable(call).Content == ContentType.Table:
                return TablePrediction(call, p, row);
            case "PREDICT":
                Arguments(call, 1, 1);
                return Prediction(Predictable(call), p).Value;
            case "PREDICTPROBABILITY" or "PREDICTSUPPORT":
                return StateMeasure(call, p);
            case "PREDICTNODEID":
                Arguments(call, 1, 1);
                Predictable(call);
                return NodeName(p.Cluster); // a clustering model predicts from the case's cluster: that node
            default:
                throw DmxSyntaxException.Unsupported(call.At, $"The function '{call.Function}' on a clustering model");
        }
    }

    public (RowsetColumn Column, Func<DmxRow, object?> Value) Name(DmxName name)
    {
        if (name.Parts.Count > 1 && !EndpointCatalog.Same(name.Parts[^2], model.Name))
        {
            throw new DmxSyntaxException($"The column '{string.Join(".", name.Parts)}' does not exist in the input or the mining model '{model.Name}'.", name.At.Line, name.At.Column);
        }

        var column = model.Columns.FirstOrDefault(c => EndpointCatalog.Same(c.Name, name.Last))
            ?? throw new DmxSyntaxException($"The mining model '{model.Name}' has no column '{name.Last}'.", name.At.Line, name.At.Column);
        if (bindings.TryGetValue(column.Name, out var input))
        {
            var index = inputs.ToList().FindIndex(n => string.Equals(n, input, StringComparison.OrdinalIgnoreCase));
            return (new RowsetColumn(column.Name, null), r => r.Values[index]); // an input column returns the value it was given
        }

        if (model.UsageOf(column) is ColumnUsage.Predict or ColumnUsage.PredictOnly)
        {
            return (new RowsetColumn(column.Name, null), r => Prediction(column, ((Lazy<ClusterPrediction>)r.Context!).Value).Value);
        }

        throw new DmxSyntaxException($"The column '{column.Name}' of the mining model '{model.Name}' is neither bound to the input nor predictable.", name.At.Line, name.At.Column);
    }

    /// <summary>SELECT * of a prediction join: after the input's columns, the model's predictable columns not bound to it.</summary>
    public IEnumerable<(RowsetColumn Column, Func<DmxRow, object?> Value)> Star(DmxStar star) =>
        model.Columns.Where(c => model.UsageOf(c) is ColumnUsage.Predict or ColumnUsage.PredictOnly && !bindings.ContainsKey(c.Name))
            .Select(c => Name(new DmxName([c.Name], star.At)));

    /// <summary>The predictable column a Predict-family call names first ([column] or [model].[column]).</summary>
    private StructureColumn Predictable(DmxCall call)
    {
        if (call.Arguments.Count == 0 || call.Arguments[0] is not DmxName n)
        {
            throw new DmxSyntaxException($"{call.Function} takes a column of the model first.", call.At.Line, call.At.Column);
        }

        var column = model.Columns.FirstOrDefault(c => EndpointCatalog.Same(c.Name, n.Last))
            ?? throw new DmxSyntaxException($"The mining model '{model.Name}' has no column '{n.Last}'.", n.At.Line, n.At.Column);
        return model.UsageOf(column) is ColumnUsage.Predict or ColumnUsage.PredictOnly
            ? column
            : throw new DmxSyntaxException($"The column '{column.Name}' is not predictable in the mining model '{model.Name}' (its usage is {model.UsageOf(column)}).", n.At.Line, n.At.Column);
    }

    /// <summary>The states of a column for this case, most likely first (probability, support), or its mean.</summary>
    private (object? Value, List<(object? State, double Probability, double Support)> States) Prediction(StructureColumn column, ClusterPrediction p)
    {
        var weights = p.Histogram.ToDictionary(h => h.Cluster, h => h.Probability, StringComparer.Ordinal);
        var rows = trained.Content().Where(n => n.NodeType == 5)
            .SelectMany(n => n.NodeDistribution.Where(d => EndpointCatalog.Same(d.AttributeName, column.Name) && d.ValueType != MiningValueType.Missing)
                .Select(d => (Weight: weights.GetValueOrDefault(n.NodeCaption), Row: d)))
            .ToList();
        if (rows.Count > 0 && rows[0].Row.ValueType == MiningValueType.Continuous)
        {
            var mean = rows.Sum(r => r.Weight * double.Parse(r.Row.AttributeValue, System.Globalization.CultureInfo.InvariantCulture));
            return (mean, [(mean, 1, rows.Sum(r => r.Weight * r.Row.Support))]);
        }

        var states = rows.GroupBy(r => r.Row.AttributeValue, StringComparer.Ordinal)
            .Select(g => (State(column, g.Key), g.Sum(r => r.Weight * r.Row.Probability), g.Sum(r => r.Weight * r.Row.Support)))
            .OrderByDescending(s => s.Item2).ThenBy(s => Convert.ToString(s.Item1, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .ToList();
        return (states.Count == 0 ? null : states[0].Item1, states);
    }

    /// <summary>A state as a value of the column's type: a Boolean column's "True" is true, a Long column's "3" is 3.</summary>
    private static object? State(StructureColumn column, string key) => column.Type switch
    {
        MiningDataType.Boolean when bool.TryParse(key, out var b) => b,
        MiningDataType.Long when long.TryParse(key, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var l) => l,
        MiningDataType.Double when double.TryParse(key, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
        _ => key,
    };

    /// <summary>PredictProbability / PredictSupport([column] [, state]): of the predicted state, or of the state named.</summary>
    private object? StateMeasure(DmxCall call, ClusterPrediction p)
    {
        Arguments(call, 1, 2);
        var (_, states) = Prediction(Predictable(call), p);
        var wanted = call.Arguments.Count == 2 ? DmxEvaluator.Constant(call.Arguments[1]) : null;
        var state = call.Arguments.Count == 2 ? states.FirstOrDefault(s => DmxEvaluator.Compare(s.State, wanted) == 0) : states.FirstOrDefault();
        if (state.State is null)
        {
            return 0.0;
        }

        return call.Function.Equals("PredictSupport", StringComparison.OrdinalIgnoreCase) ? state.Support : state.Probability;
    }

    /// <summary>The columns of PredictHistogram(Cluster()) or PredictHistogram([column]), as the PredictHistogram page lists them.</summary>
    private List<RowsetColumn> HistogramOf(DmxCall histogram)
    {
        Arguments(histogram, 1, 1);
        if (histogram.Arguments[0] is not DmxName)
        {
            RequireClusterCall(histogram.Arguments[0]);
            return [.. HistogramColumns];
        }

        var column = Predictable(histogram);
        return
        [
            new(column.Name, null), new("$SUPPORT", "xsd:double"), new("$PROBABILITY", "xsd:double"), new("$PROBABILITYVARIANCE", "xsd:double"),
            new("$PROBABILITYSTDEV", "xsd:double"), new("$ADJUSTEDPROBABILITY", "xsd:double"),
        ];
    }

    /// <summary>
    /// PredictHistogram([column]): each state, most likely first, with its support and probability for this case;
    /// the variance and standard deviation columns are 0, as the page says they are for Microsoft algorithms, and
    /// $ADJUSTEDPROBABILITY is the probability (the clustering algorithm's adjustment is not documented).
    /// </summary>
    private List<object?[]> StateHistogram(StructureColumn column, ClusterPrediction p) =>
        Prediction(column, p).States.Select(s => new object?[] { s.State, s.Support, s.Probability, 0.0, 0.0, s.Probability }).ToList();

    /// <summary>Every cluster, most likely first: $CLUSTER, $DISTANCE, $PROBABILITY.</summary>
    private static IEnumerable<object?[]> Histogram(ClusterPrediction p) =>
        p.Histogram.OrderByDescending(h => h.Probability).Select(h => new object?[] { h.Cluster, h.Distance, h.Probability });

    /// <summary>TopCount(PredictHistogram(Cluster()), $PROBABILITY | $DISTANCE, n): the n rows ranked highest on the column.</summary>
    private object? TopCount(DmxCall call, DmxRow row)
    {
        Arguments(call, 3, 3);
        if (call.Arguments[0] is not DmxCall table || Upper(table) is not ("PREDICTHISTOGRAM" or "PREDICT") || call.Arguments[1] is not DmxName rank)
        {
            throw DmxSyntaxException.Unsupported(call.At, "TopCount over anything but PredictHistogram(...) or Predict(table column, ...) ranked by one of its columns");
        }

        var columns = Describe(table).Nested?.ToList() ?? throw DmxSyntaxException.Unsupported(table.At, "TopCount over a scalar prediction");
        var index = columns.FindIndex(c => string.Equals(c.Name, rank.Last, StringComparison.OrdinalIgnoreCase));
        var n = DmxEvaluator.AsNumber(DmxEvaluator.Constant(call.Arguments[2]));
        if (index < 0 || n is not { } count || count < 0)
        {
            throw new DmxSyntaxException($"TopCount ranks by one of {string.Join(", ", columns.Select(c => c.Name))} and takes a whole number of rows.", call.At.Line, call.At.Column);
        }

        var rows = (List<object?[]>)Call(table, row)!;
        return rows.OrderByDescending(r => r[index], Comparer<object?>.Create(DmxEvaluator.Compare)).Take((int)count).ToList();
    }

    private ClusterScore Score(ClusterPrediction p, DmxCall call)
    {
        var name = DmxEvaluator.Constant(call.Arguments[0]) as string
                   ?? throw new DmxSyntaxException($"{call.Function} takes a cluster's caption or node name as a string.", call.At.Line, call.At.Column);
        if (!_captions.TryGetValue(name, out var caption))
        {
            throw new DmxSyntaxException($"The mining model '{model.Name}' has no cluster '{name}'.", call.Arguments[0].At.Line, call.Arguments[0].At.Column);
        }

        return p.Histogram.FirstOrDefault(h => h.Cluster == caption) ?? new ClusterScore(caption, 1, 0);
    }

    private string NodeName(string caption) =>
        trained.Content().First(n => n.NodeType == 5 && n.NodeCaption == caption).NodeUniqueName;

    private static void RequireClusterCall(DmxExpression e)
    {
        if (e is not DmxCall c || Upper(c) != "CLUSTER")
        {
            throw DmxSyntaxException.Unsupported(e.At, "PredictHistogram of anything but Cluster() on a clustering model");
        }
    }

    private static void Arguments(DmxCall call, int min, int max)
    {
        if (call.Arguments.Count < min || call.Arguments.Count > max)
        {
            throw new DmxSyntaxException($"{call.Function} takes {(min == max ? min.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{min} to {max}")} argument{(max == 1 ? "" : "s")}.", call.At.Line, call.At.Column);
        }
    }

    private static string Upper(DmxCall call) => call.Function.ToUpperInvariant();
}
