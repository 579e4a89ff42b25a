namespace SegmentMiner.Mining;

/// <summary>
/// The model's attribute dictionary, built by the structure pass over every case: states (the most popular up
/// to MAXIMUM_STATES), discretization buckets, normalization statistics, the population marginals of the root
/// node, and feature selection when there are more inputs than MAXIMUM_INPUT_ATTRIBUTES.
/// </summary>
public sealed class AttributeSet
{
    private readonly Dictionary<string, int>[] _lookups;

    internal AttributeSet(
        IReadOnlyList<MiningAttribute> attributes, int[] ordinals, int keyOrdinal, Dictionary<string, int>[] lookups, long cases,
        long[] stateCounts, double[] existing, double[] sum, double[] sumSquares)
    {
        Attributes = attributes;
        Ordinals = ordinals;
        KeyOrdinal = keyOrdinal;
        _lookups = lookups;
        Cases = cases;
        Discrete = Enumerable.Range(0, attributes.Count).Where(i => !attributes[i].IsContinuous).ToArray();
        Continuous = Enumerable.Range(0, attributes.Count).Where(i => attributes[i].IsContinuous).ToArray();
        Offsets = new int[Discrete.Length + 1];
        for (var j = 0; j < Discrete.Length; j++)
        {
            Offsets[j + 1] = Offsets[j] + attributes[Discrete[j]].States.Length;
        }

        RootStateCounts = stateCounts;
        RootExisting = existing;
        RootSum = sum;
        RootSumSquares = sumSquares;
    }

    public IReadOnlyList<MiningAttribute> Attributes { get; }

    /// <summary>Position of each attribute's column in a case row.</summary>
    internal int[] Ordinals { get; }

    internal int KeyOrdinal { get; }

    /// <summary>Training cases seen by the structure pass.</summary>
    public long Cases { get; }

    /// <summary>Attribute indices of the discrete (and discretized, existence-only) attributes.</summary>
    internal int[] Discrete { get; }

    /// <summary>Attribute indices of the continuous attributes.</summary>
    internal int[] Continuous { get; }

    /// <summary>Start of each discrete attribute's states in the flattened state vector.</summary>
    internal int[] Offsets { get; }

    internal int TotalStates => Offsets[^1];

    /// <summary>Root marginals, exact counts over the case table.</summary>
    internal long[] RootStateCounts { get; set; }

    internal double[] RootExisting { get; }

    internal double[] RootSum { get; }

    internal double[] RootSumSquares { get; }

    internal bool IsInputDiscrete(int j) => Attributes[Discrete[j]].IsInput;

    internal bool IsInputContinuous(int c) => Attributes[Continuous[c]].IsInput;

    internal Dictionary<string, int> Lookup(int attribute) => _lookups[attribute];

    /// <summary>Encodes a case row: a state per discrete attribute, a model-space value (or NaN) per continuous one.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal void Encode(object?[] row, Span<int> states, Span<double> values)
    {
        HashSet<string>? items = null;
        var itemsOrdinal = -1;
        for (var j = 0; j < Discrete.Length; j++)
        {
            var a = Discrete[j];
            var value = row[Ordinals[a]];
            if (Attributes[a].NestedKey is not null)
            {
                if (itemsOrdinal != Ordinals[a])
                {
                    itemsOrdinal = Ordinals[a];
                    items = NestedKeys(value);
                }

                value = items;
            }

            states[j] = Attributes[a].StateOf(value, _lookups[a]);
        }

        for (var c = 0; c < Continuous.Length; c++)
        {
            var a = Continuous[c];
            values[c] = Attributes[a].Scale(row[Ordinals[a]]);
        }
    }

    /// <summary>The keys of a nested table value: any sequence of keys, or of rows whose first field is the key.</summary>
    internal static HashSet<string> NestedKeys(object? value)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (value is System.Collections.IEnumerable list and not string)
        {
            foreach (var item in list)
            {
                var key = item is object?[] nested ? (nested.Length > 0 ? nested[0] : null) : item;
                if (key is not null and not DBNull)
                {
                    set.Add(Values.Key(key));
                }
            }
        }

        return set;
    }

    public int IndexOf(string attribute)
    {
        for (var i = 0; i < Attributes.Count; i++)
        {
            if (string.Equals(Attributes[i].Name, attribute, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
