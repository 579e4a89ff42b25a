using System.Globalization;

namespace SegmentMiner.Mining;

/// <summary>The structure pass: one read of every case to build the <see cref="AttributeSet"/>.</summary>
internal static class StructureBuilder
{
    private const int ReservoirSize = 100_000;

    public static AttributeSet Build(MiningModelDefinition definition, IEnumerable<object?[]> cases, IReadOnlyList<string> sourceColumns)
    {
        var p = definition.Parameters;
        var modelled = definition.Columns.Where(c => c.IsModelled).ToList();
        var ordinals = modelled.Select(c => Ordinal(sourceColumns, c.Name)).ToArray();
        var keyOrdinal = Ordinal(sourceColumns, definition.Key.Name);
        var counts = modelled.Select(_ => new Dictionary<string, long>(StringComparer.Ordinal)).ToArray();
        var sum = new double[modelled.Count];
        var sumSq = new double[modelled.Count];
        var fractional = new bool[modelled.Count];
        var existing = new double[modelled.Count];
        var minimum = modelled.Select(_ => double.NaN).ToArray();
        var maximum = modelled.Select(_ => double.NaN).ToArray();
        // A sample of values is needed to discretize, and for continuous inputs only when feature selection may run.
        var selecting = p.MaximumInputAttributes > 0 && modelled.Count(c => c.IsInput) > p.MaximumInputAttributes
            || modelled.Any(c => c.Content == ContentType.Table);
        var reservoirs = modelled.Select(c => c.Content == ContentType.Discretized || (c.Content == ContentType.Continuous && selecting) ? new List<double>() : null).ToArray();
        var rng = new Random(p.ClusterSeed);
        long n = 0;
        foreach (var row in cases)
        {
            n++;
            for (var i = 0; i < modelled.Count; i++)
            {
                var c = modelled[i];
                var v = row[ordinals[i]];
                if (c.Content == ContentType.Table)
                {
                    foreach (var key in AttributeSet.NestedKeys(v))
                    {
                        counts[i][key] = counts[i].GetValueOrDefault(key) + 1;
                    }

                    continue;
                }

                if (v is null or DBNull)
                {
                    if (c.NotNull)
                    {
                        throw new MiningException($"column '{c.Name}' is NOT NULL but case {n} (key {Values.Key(row[keyOrdinal] ?? "")}) has no value");
                    }

                    continue;
                }

                if (c.Content == ContentType.Continuous || (c.Content == ContentType.Discretized && c.DataType != MiningDataType.Text))
                {
                    var x = Values.ToDouble(v);
                    if (double.IsNaN(x))
                    {
                        throw new MiningException($"column '{c.Name}': '{v}' in case {n} is not a number");
                    }

                    existing[i]++;
                    sum[i] += x;
                    sumSq[i] += x * x;
                    fractional[i] |= x != Math.Floor(x);
                    minimum[i] = double.IsNaN(minimum[i]) ? x : Math.Min(minimum[i], x);
                    maximum[i] = double.IsNaN(maximum[i]) ? x : Math.Max(maximum[i], x);
                    if (reservoirs[i] is not { } r)
                    {
                        continue;
                    }

                    if (r.Count < ReservoirSize)
                    {
                        r.Add(x);
                    }
                    else
                    {
                        var slot = rng.NextInt64(n);
                        if (slot < ReservoirSize)
                        {
                            r[(int)slot] = x;
                        }
                    }
                }
                else
                {
                    var key = Values.Key(v);
                    counts[i][key] = counts[i].GetValueOrDefault(key) + 1;
                }
            }
        }

        if (n == 0)
        {
            throw new MiningException($"model '{definition.Name}': the training data has no cases");
        }

        var attributes = new List<MiningAttribute>();
        var lookups = new List<Dictionary<string, int>>();
        var attributeOrdinals = new List<int>();
        var columnOf = new List<int>();
        for (var i = 0; i < modelled.Count; i++)
        {
            var c = modelled[i];
            if (c.Content == ContentType.Table)
            {
                // Each nested key seen becomes an existence attribute named Table(key), in key order.
                foreach (var key in counts[i].Keys.Order(StateComparer.Instance))
                {
                    attributes.Add(new MiningAttribute
                    {
                        Name = $"{c.Name}({key})", Content = ContentType.Discrete, DataType = c.DataType, IsInput = c.IsInput,
                        ExistenceOnly = true, NestedKey = key, States = ["Missing", "Existing"],
                    });
                    lookups.Add(new Dictionary<string, int>(StringComparer.Ordinal));
                    attributeOrdinals.Add(ordinals[i]);
                    columnOf.Add(i);
                }

                continue;
            }

            lookups.Add(new Dictionary<string, int>(StringComparer.Ordinal));
            attributeOrdinals.Add(ordinals[i]);
            columnOf.Add(i);
            if (c.ModelExistenceOnly)
            {
                attributes.Add(new MiningAttribute { Name = c.Name, Content = c.Content, DataType = c.DataType, IsInput = c.IsInput, ExistenceOnly = true, States = ["Missing", "Existing"] });
            }
            else if (c.Content == ContentType.Continuous)
            {
                var mean = existing[i] > 0 ? sum[i] / existing[i] : 0;
                var variance = existing[i] > 0 ? Math.Max(0, (sumSq[i] / existing[i]) - (mean * mean)) : 0;
                var sd = Math.Sqrt(variance);
                attributes.Add(new MiningAttribute
                {
                    Name = c.Name, Content = c.Content, DataType = c.DataType, IsInput = c.IsInput,
                    Mean = mean, StdDev = sd > 1e-12 ? sd : 1, Normalized = p.Normalization == 1,
                    Resolution = fractional[i] || existing[i] == 0 ? 0 : 1, Minimum = minimum[i], Maximum = maximum[i],
                });
            }
            else if (c.Content == ContentType.Discretized && c.DataType != MiningDataType.Text)
            {
                var cuts = Discretizer.Cuts(reservoirs[i]!, c.BucketCount, c.Discretization, p.ClusterSeed);
                attributes.Add(new MiningAttribute
                {
                    Name = c.Name, Content = c.Content, DataType = c.DataType, IsInput = c.IsInput, Cuts = cuts, Minimum = minimum[i], Maximum = maximum[i],
                    States = ["Missing", .. Discretizer.Labels(cuts, c.DataType)],
                });
            }
            else
            {
                // The most popular states, up to MAXIMUM_STATES; ties broken by name so the order is stable.
                var kept = counts[i].OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                    .Take(p.MaximumStates == 0 ? int.MaxValue : p.MaximumStates).Select(kv => kv.Key)
                    .Order(StateComparer.Instance).ToArray();
                for (var s = 0; s < kept.Length; s++)
                {
                    lookups[^1][kept[s]] = s + 1;
                }

                attributes.Add(new MiningAttribute { Name = c.Name, Content = ContentType.Discrete, DataType = c.DataType, IsInput = c.IsInput, States = ["Missing", .. kept] });
            }
        }

        SelectFeatures(attributes, columnOf, counts, reservoirs, n, p.MaximumInputAttributes);

        // Root marginals: the training pass counts every state exactly; continuous sums come from this pass.
        var set = new AttributeSet(attributes, attributeOrdinals.ToArray(), keyOrdinal, lookups.ToArray(), n, [], [], [], []);
        return new AttributeSet(attributes, attributeOrdinals.ToArray(), keyOrdinal, lookups.ToArray(), n, new long[set.TotalStates],
            set.Continuous.Select(a => existing[columnOf[a]]).ToArray(), set.Continuous.Select(a => sum[columnOf[a]]).ToArray(),
            set.Continuous.Select(a => sumSq[columnOf[a]]).ToArray());
    }

    /// <summary>
    /// More inputs than MAXIMUM_INPUT_ATTRIBUTES: keep the most interesting, where
    /// Interestingness(A) = -(m - Entropy(A))^2 and m is the mean entropy of all inputs (continuous attributes are
    /// binned into ten equal-area buckets for their entropy). The others become non-inputs (still described).
    /// </summary>
    private static void SelectFeatures(
        List<MiningAttribute> attributes, List<int> columnOf, Dictionary<string, long>[] counts, List<double>?[] reservoirs, long n, int maximum)
    {
        var inputs = Enumerable.Range(0, attributes.Count).Where(i => attributes[i].IsInput).ToList();
        if (maximum == 0 || inputs.Count <= maximum)
        {
            return;
        }

        var entropy = inputs.ToDictionary(i => i, i =>
        {
            var column = columnOf[i];
            if (attributes[i].NestedKey is { } key)
            {
                // A nested item: the entropy of its Existing/Missing split over the cases.
                var present = (double)counts[column][key];
                return Entropy([present, Math.Max(0, n - present)]);
            }

            return reservoirs[column] is { Count: > 0 } r
                ? Entropy(Histogram(r, Discretizer.Cuts(r, 10, DiscretizationMethod.EqualAreas, 0)))
                : Entropy(counts[column].Values.Select(v => (double)v));
        });
        var m = entropy.Values.Average();
        foreach (var dropped in inputs.OrderBy(i => (m - entropy[i]) * (m - entropy[i])).ThenBy(i => i).Skip(maximum))
        {
            attributes[dropped].IsInput = false;
        }
    }

    private static IEnumerable<double> Histogram(List<double> values, double[] cuts)
    {
        var bins = new double[cuts.Length + 1];
        foreach (var x in values)
        {
            var i = Array.BinarySearch(cuts, x);
            bins[i >= 0 ? i + 1 : ~i]++;
        }

        return bins;
    }

    private static double Entropy(IEnumerable<double> counts)
    {
        var list = counts.Where(c => c > 0).ToList();
        var total = list.Sum();
        return total <= 0 ? 0 : -list.Sum(c => c / total * Math.Log(c / total));
    }

    private static int Ordinal(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new MiningException($"the training data has no column '{name}' (it has {string.Join(", ", columns)})");
    }

    /// <summary>Numbers in numeric order, then text in ordinal order.</summary>
    private sealed class StateComparer : IComparer<string>
    {
        public static readonly StateComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var nx = double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var a);
            var ny = double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var b);
            return nx && ny ? a.CompareTo(b) : nx ? -1 : ny ? 1 : string.CompareOrdinal(x, y);
        }
    }
}
