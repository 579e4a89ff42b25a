using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Embedded.Dmx;
using SegmentMiner.Xmla;

namespace SegmentMiner.Embedded.Xmla;

/// <summary>
/// Predict on a predictable nested table column (the Predict page's associative form): the items most likely to
/// exist for the case, each item's probability the clusters' probabilities of it weighted by the case's membership.
/// Options as the page lists them: INCLUDE_STATISTICS adds $SUPPORT, $PROBABILITY and $ADJUSTEDPROBABILITY (the
/// probability: the clustering algorithm's adjustment is not documented); EXCLUSIVE (the default) leaves out the
/// items the case already has, INCLUSIVE keeps them, INPUT_ONLY keeps only them; a number keeps that many; a
/// $column ranks by it (by $PROBABILITY otherwise).
/// </summary>
internal sealed partial class ClusterFunctions
{
    /// <summary>For a nested table read with SHAPE: the column of its rows that holds the item.</summary>
    public IReadOnlyDictionary<string, int> NestedItems { get; init; } = new Dictionary<string, int>();

    private List<RowsetColumn> TableColumns(DmxCall call)
    {
        var table = Predictable(call);
        var key = new RowsetColumn(table.Columns.FirstOrDefault()?.Name ?? "Key", "xsd:string");
        return Options(call).Contains("INCLUDE_STATISTICS")
            ? [key, new("$SUPPORT", "xsd:double"), new("$PROBABILITY", "xsd:double"), new("$ADJUSTEDPROBABILITY", "xsd:double")]
            : [key];
    }

    private List<object?[]> TablePrediction(DmxCall call, ClusterPrediction p, DmxRow row)
    {
        var table = Predictable(call);
        var options = Options(call);
        var given = Given(table, row);
        var weights = p.Histogram.ToDictionary(h => h.Cluster, h => h.Probability, StringComparer.Ordinal);
        var prefix = table.Name + "(";
        var items = trained.Content().Where(n => n.NodeType == 5)
            .SelectMany(n => n.NodeDistribution
                .Where(d => d.ValueType == MiningValueType.Existing && d.AttributeName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && d.AttributeName.EndsWith(')'))
                .Select(d => (Key: d.AttributeName[prefix.Length..^1], Weight: weights.GetValueOrDefault(n.NodeCaption), d.Probability, d.Support)))
            .GroupBy(x => x.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Support: g.Sum(x => x.Weight * x.Support), Probability: g.Sum(x => x.Weight * x.Probability)))
            .Where(x => options.Contains("INPUT_ONLY") ? given.Contains(x.Key) : options.Contains("INCLUSIVE") || !given.Contains(x.Key));
        var rank = call.Arguments.Skip(1).OfType<DmxName>().FirstOrDefault(n => n.Last.StartsWith('$'))?.Last.ToUpperInvariant();
        var ranked = rank == "$SUPPORT" ? items.OrderByDescending(x => x.Support) : items.OrderByDescending(x => x.Probability);
        var count = call.Arguments.Skip(1).Select(a => a is DmxLiteral { Value: double d } ? (int?)d : null).FirstOrDefault(n => n is not null);
        var statistics = options.Contains("INCLUDE_STATISTICS");
        return ranked.ThenBy(x => x.Key, StringComparer.Ordinal).Take(count ?? int.MaxValue)
            .Select(x => statistics ? new object?[] { x.Key, x.Support, x.Probability, x.Probability } : [x.Key])
            .ToList();
    }

    /// <summary>The items the case has in the nested table, when the input binds it.</summary>
    private HashSet<string> Given(StructureColumn table, DmxRow row)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (bindings.TryGetValue(table.Name, out var input) && inputs.ToList().FindIndex(n => string.Equals(n, input, StringComparison.OrdinalIgnoreCase)) is var i and >= 0
            && row.Values[i] is System.Collections.IEnumerable items and not string)
        {
            foreach (var entry in items)
            {
                var item = entry is object?[] nested ? nested[NestedItems.GetValueOrDefault(table.Name)] : entry;
                if (item is not null)
                {
                    set.Add(Convert.ToString(item, System.Globalization.CultureInfo.InvariantCulture)!);
                }
            }
        }

        return set;
    }

    private static HashSet<string> Options(DmxCall call) =>
        call.Arguments.Skip(1).OfType<DmxName>().Where(n => !n.Last.StartsWith('$')).Select(n => n.Last.ToUpperInvariant()).ToHashSet();
}
