using SegmentMiner.Core.Mining;
using SegmentMiner.Pipeline.Publishing.Facts;
using SegmentMiner.Warehouse.Publishing;

namespace SegmentMiner.Pipeline.Publishing;

/// <summary>
/// Which segment each cluster of a run becomes: matched to the previous run's active segments (and to segments retired
/// earlier, which come back with their key) by the members' profiles, keys kept or minted, names kept while they hold
/// or made anew, and the previous segments left without a cluster retired.
/// </summary>
internal sealed class SegmentPlan
{
    private readonly IReadOnlyList<ContentNode> _nodes;
    private readonly List<StoredSegment> _active;
    private readonly int _activeCount;
    private readonly (int Previous, double Similarity)?[] _matches;
    private readonly StoredSegment? _unscored;
    private readonly List<(int A, int B)> _indistinguishable;
    private long _nextKey;

    private SegmentPlan(IReadOnlyList<ContentNode> nodes, List<StoredSegment> active, int activeCount, (int Previous, double Similarity)?[] matches, StoredSegment? unscored, long firstNewKey, ModelFacts facts)
    {
        (_nodes, _active, _activeCount, _matches, _unscored, FirstNewKey, _nextKey) = (nodes, active, activeCount, matches, unscored, firstNewKey, firstNewKey);
        Keys = Enumerable.Range(0, nodes.Count).Select(i => matches[i] is { } m ? active[m.Previous].Key : _nextKey++).ToList();
        var namer = new SegmentNamer(facts);
        Names = namer.Name(Enumerable.Range(0, nodes.Count).Select(i => matches[i] is { } m ? active[m.Previous].Name : null).ToList());
        _indistinguishable = namer.Indistinguishable;
    }

    public long FirstNewKey { get; }

    public IReadOnlyList<long> Keys { get; }

    public IReadOnlyList<SegmentName> Names { get; }

    public long? UnscoredKey { get; private set; }

    public static async Task<SegmentPlan> BuildAsync(ISegmentStore store, string model, CurrentRun? current, IReadOnlyList<ContentNode> nodes, ModelFacts facts, ISet<string> continuous, CancellationToken ct)
    {
        var previous = current is null ? [] : await store.SegmentsAsync(current.RunId, ct);
        var profiles = current is null ? [] : BySegment(await store.ProfilesAsync(current.RunId, ct));
        var active = previous.Where(p => p.Node is not null && !p.Retired && profiles.ContainsKey(p.Key)).ToList();
        var activeCount = active.Count;
        if (current is not null)
        {
            foreach (var (segment, profile) in await store.RetiredAsync(model, current.RunId, ct))
            {
                if (BySegment(profile).TryGetValue(segment.Key, out var p))
                {
                    active.Add(segment);
                    profiles[segment.Key] = p;
                }
            }
        }

        var indexes = Enumerable.Range(0, nodes.Count).Select(i => (long)i).ToList();
        var mine = BySegment(FactRows.Profiles(facts, indexes, continuous));
        var matches = SegmentMatcher.Match(indexes.Select(i => mine.GetValueOrDefault(i) ?? new ClusterProfile()).ToList(), active.Select(p => profiles[p.Key]).ToList());
        var unscored = previous.FirstOrDefault(p => p.Node is null && !p.Retired);
        return new SegmentPlan(nodes, active, activeCount, matches, unscored, await store.NextSegmentKeyAsync(ct), facts);
    }

    /// <summary>Every segment of the run with its status: this run's clusters, "Not profiled" for customers outside the case view, the retired.</summary>
    public List<(SegmentRecord Record, string Status)> Segments(ModelFacts facts, Description description, long customers, long scored, string member = "customer")
    {
        double Share(long n) => customers == 0 ? 0 : (double)n / customers;
        var result = new List<(SegmentRecord, string)>();
        for (var i = 0; i < _nodes.Count; i++)
        {
            var pop = facts.Sizes[i];
            var text = description.Render(pop, Share(pop), Names[i], facts.QualifiedTraits(i), j => Names[j].Name);
            result.Add((new SegmentRecord(Keys[i], _nodes[i].NodeUniqueName, Names[i].Name, text, pop, Share(pop), _nodes[i].NodeSupport, false, _matches[i]?.Similarity, Names[i].PreviousName),
                _matches[i] is null ? "new" : _matches[i]!.Value.Previous < _activeCount ? "kept" : "revived"));
        }

        var unscored = customers - scored;
        if (unscored > 0)
        {
            UnscoredKey = _unscored?.Key ?? _nextKey++;
            result.Add((new SegmentRecord(UnscoredKey.Value, null, "Not profiled",
                $"{ValueFormat.Plain(unscored, 0)} {member}s ({ValueFormat.Plain(100.0 * unscored / customers, 1)}%) this model has no data for: they are not in its case view{(member == "customer" ? " (for survey attitudes: no answers yet)" : "")}.",
                unscored, Share(unscored), 0, false, null), "not profiled"));
        }

        foreach (var p in _active.Take(_activeCount).Where((_, j) => !_matches.Any(x => x?.Previous == j)))
        {
            result.Add((new SegmentRecord(p.Key, null, p.Name, p.Description, 0, 0, 0, true, null), "retired"));
        }

        return result;
    }

    /// <summary>The run's notice: segments that nothing separates (a sign the cluster count is too high), or null.</summary>
    public string? Notice() => _indistinguishable.Count == 0 ? null
        : "indistinguishable at the tested level (a count too high for the data): " + string.Join("; ", _indistinguishable.Select(p => $"segments {Keys[p.A]} and {Keys[p.B]}"));

    internal static Dictionary<long, ClusterProfile> BySegment(IEnumerable<ProfileRecord> rows) =>
        ClusterProfile.From(rows.Select(r => new ProfileRow(r.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), "", r.Attribute, r.Value, r.Probability, r.Support, r.Mean, r.StdDev)), r => r.NodeUniqueName)
            .ToDictionary(x => long.Parse(x.Key, System.Globalization.CultureInfo.InvariantCulture), x => x.Value);
}
