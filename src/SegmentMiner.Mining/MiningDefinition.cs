namespace SegmentMiner.Mining;

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
