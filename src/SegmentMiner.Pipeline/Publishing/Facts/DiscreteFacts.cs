namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>A discrete attribute: its states' counts per segment (Missing is a state like any other).</summary>
internal sealed class DiscreteFacts : AttributeFacts
{
    private readonly List<string> _states;
    private readonly long[,] _counts;

    public DiscreteFacts(CaseColumn column, int[] segmentOf, long[] sizes)
        : base(column, sizes)
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < segmentOf.Length; i++)
        {
            if (segmentOf[i] >= 0)
            {
                totals[column.States[i]] = totals.GetValueOrDefault(column.States[i]) + 1;
            }
        }

        _states = totals.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key).ToList();
        var index = _states.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        _counts = new long[sizes.Length, _states.Count];
        for (var i = 0; i < segmentOf.Length; i++)
        {
            if (segmentOf[i] >= 0)
            {
                _counts[segmentOf[i], index[column.States[i]]]++;
            }
        }
    }

    private bool Informative => _states.Count >= 2;

    public override void Describe(ModelFacts facts)
    {
        AddStates(facts, _states, _counts, Informative);
        if (!Informative)
        {
            return;
        }

        for (var s = 0; s < Sizes.Length; s++)
        {
            if (Sizes[s] == 0 || Sizes[s] == Total)
            {
                continue;
            }

            var segment = facts.Segments[s];
            foreach (var f in segment.States.Where(f => f.Attribute == Column.Name && f.Share != f.RestShare))
            {
                if (f.Share > f.RestShare || _states.Count > 2)
                {
                    segment.Candidates.Add(StateTrait(f));
                }
            }
        }
    }

    public override IEnumerable<Trait> Compare(int a, int b)
    {
        if (!Informative)
        {
            yield break;
        }

        for (var t = 0; t < _states.Count; t++)
        {
            var x = _counts[a, t];
            var y = _counts[b, t];
            var test = Significance.Proportions(x, Sizes[a], y, Sizes[b]);
            var f = new StateFact(Column.Name, _states[t], x, Share(x, Sizes[a]), 0, 0, test, true);
            var other = Share(y, Sizes[b]);
            if (f.Share != other && (f.Share > other || _states.Count > 2))
            {
                yield return StateTrait(f, b, other);
            }
        }
    }
}
