namespace SegmentMiner.Mining;

/// <summary>Content types of a mining column (Cyclical and Ordered are treated as Discrete, as Analysis Services does).</summary>
public enum ContentType
{
    Key,
    Discrete,
    Continuous,
    Discretized,

    /// <summary>A nested table: each distinct nested key becomes an attribute "Table(key)" with states Missing and Existing.</summary>
    Table,
}

/// <summary>How a column takes part in the model.</summary>
public enum ColumnUsage
{
    Key,
    Input,
    Predict,
    PredictOnly,
    Ignore,
}

/// <summary>Discretization methods for <see cref="ContentType.Discretized"/> columns.</summary>
public enum DiscretizationMethod
{
    Automatic,
    EqualAreas,
    Clusters,
}

/// <summary>The value types a column can carry.</summary>
public enum MiningDataType
{
    Text,
    Long,
    Double,
    Boolean,
    Date,
}

/// <summary>One column of a mining model.</summary>
public sealed record MiningColumn(string Name, MiningDataType DataType, ContentType Content, ColumnUsage Usage = ColumnUsage.Input)
{
    /// <summary>Processing fails on a null in this column.</summary>
    public bool NotNull { get; init; }

    /// <summary>The attribute is reduced to Missing and Existing.</summary>
    public bool ModelExistenceOnly { get; init; }

    public DiscretizationMethod Discretization { get; init; } = DiscretizationMethod.Automatic;

    /// <summary>Buckets for a discretized column; 5 by default, as for relational sources.</summary>
    public int BucketCount { get; init; } = 5;

    public bool IsModelled => Usage is ColumnUsage.Input or ColumnUsage.Predict or ColumnUsage.PredictOnly;

    /// <summary>Shapes the clusters (PREDICT_ONLY columns are described per cluster after training).</summary>
    public bool IsInput => Usage is ColumnUsage.Input or ColumnUsage.Predict;
}

/// <summary>A clustering model: its name, its columns (one key), and the algorithm parameters.</summary>
public sealed record MiningModelDefinition(string Name, IReadOnlyList<MiningColumn> Columns, ClusteringParameters Parameters)
{
    public MiningColumn Key => Columns.Single(c => c.Usage == ColumnUsage.Key);

    /// <summary>Checks the definition; every problem is named.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        var keys = Columns.Count(c => c.Usage == ColumnUsage.Key);
        if (keys != 1)
        {
            errors.Add($"model '{Name}': exactly one key column is required (compound keys are not allowed); found {keys}");
        }

        if (!Columns.Any(c => c.IsInput))
        {
            errors.Add($"model '{Name}': at least one input column is required");
        }

        foreach (var dup in Columns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"model '{Name}': column '{dup.Key}' appears more than once");
        }

        foreach (var c in Columns)
        {
            if (c.Content == ContentType.Continuous && c.DataType is MiningDataType.Text or MiningDataType.Boolean)
            {
                errors.Add($"column '{c.Name}': CONTINUOUS needs a Long, Double or Date column, not {c.DataType}");
            }

            if (c.Content == ContentType.Discretized && c.BucketCount is < 2 or > 100)
            {
                errors.Add($"column '{c.Name}': the bucket count {c.BucketCount} is out of range 2 to 100");
            }

            if (c.Content == ContentType.Table && c.Usage is ColumnUsage.Key)
            {
                errors.Add($"column '{c.Name}': a nested table cannot be the key");
            }

            if (c.Usage == ColumnUsage.Key && c.Content != ContentType.Key)
            {
                errors.Add($"column '{c.Name}': the key column needs content KEY");
            }
        }

        errors.AddRange(Parameters.Validate());
        if (errors.Count > 0)
        {
            throw new MiningException(string.Join("; ", errors));
        }
    }
}

/// <summary>An error in a model definition, its parameters, its data, or a query against it.</summary>
public sealed class MiningException : Core.SegmentMinerException
{
    public MiningException(string message) : base(message) { }
}
