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

/// <summary>Maps a model file (<c>ssas-models/</c>) onto the engine's definition.</summary>
public static class ModelDefinitionMapping
{
    /// <summary>The engine's definition of <paramref name="model"/>; columns keep the mining names the case reader aliases to.</summary>
    public static MiningModelDefinition ToEngine(Core.Models.ModelDefinition model)
    {
        ClusteringParameters parameters;
        try
        {
            parameters = ClusteringParameters.FromPairs(model.Model.ParameterPairs);
        }
        catch (MiningException e)
        {
            throw new MiningException($"{model.Origin}: model.parameters: {e.Message}");
        }

        var columns = model.Columns.Select(c => new MiningColumn(c.Name, c.Type, c.Content, model.UsageOf(c) == ColumnUsage.Key ? ColumnUsage.Key : model.UsageOf(c))
        {
            NotNull = c.NotNull,
            ModelExistenceOnly = c.ModelExistenceOnly,
            Discretization = c.Discretization ?? DiscretizationMethod.Automatic,
            BucketCount = c.Buckets ?? 5,
        }).ToList();
        var definition = new MiningModelDefinition(model.Name, columns, parameters);
        definition.Validate();
        return definition;
    }
}
