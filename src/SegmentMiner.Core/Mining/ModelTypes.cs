namespace SegmentMiner.Core.Mining;

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

/// <summary>ADOMD <c>MiningValueType</c> codes used in NODE_DISTRIBUTION.</summary>
public enum MiningValueType
{
    Missing = 1,
    Existing = 2,
    Continuous = 3,
    Discrete = 4,
    Discretized = 5,
}
