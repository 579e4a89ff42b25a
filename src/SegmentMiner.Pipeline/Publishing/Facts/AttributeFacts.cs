namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>One attribute's counts per segment, and what they say: state facts, summaries, traits.</summary>
internal abstract class AttributeFacts(CaseColumn column, long[] sizes)
{
    protected CaseColumn Column { get; } = column;

    protected long[] Sizes { get; } = sizes;

    protected long Total { get; } = sizes.Sum();

    /// <summary>Adds this attribute's state facts, summaries and trait candidates to every segment.</summary>
    public abstract void Describe(ModelFacts facts);

    /// <summary>Traits of segment a against segment b (all tested; the caller keeps the qualified ones).</summary>
    public abstract IEnumerable<Trait> Compare(int a, int b);

    /// <summary>State facts for counts[segment, state] over states; a bin's range comes from <paramref name="ranges"/>.</summary>
    protected void AddStates(ModelFacts facts, IReadOnlyList<string> states, long[,] counts, bool informative, Func<int, (double, double)?>? ranges = null)
    {
        var totals = new long[states.Count];
        for (var s = 0; s < Sizes.Length; s++)
        {
            for (var t = 0; t < states.Count; t++)
            {
                totals[t] += counts[s, t];
            }
        }

        for (var s = 0; s < Sizes.Length; s++)
        {
            for (var t = 0; t < states.Count; t++)
            {
                var members = counts[s, t];
                var rest = Sizes[s] == Total ? 0 : (double)(totals[t] - members) / (Total - Sizes[s]);
                var test = Significance.Proportions(members, Sizes[s], totals[t] - members, Total - Sizes[s]);
                var range = ranges?.Invoke(t);
                facts.Segments[s].States.Add(new StateFact(Column.Name, states[t], members, Share(members, Sizes[s]), Share(totals[t], Total), rest, test, informative, range?.Item1, range?.Item2));
            }
        }
    }

    protected static double Share(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    /// <summary>A state's trait: over-represented as its phrase, under-represented as its absence.</summary>
    protected Trait StateTrait(StateFact f, int? comparedWith = null, double? otherShare = null)
    {
        var over = f.Share > (otherShare ?? f.RestShare);
        var phrase = comparedWith is not null ? AttributeWords.Comparative(Column.Words.Present(f.Value), over)
            : over ? Column.Words.Present(f.Value) : Column.Words.Absent(f.Value, f.Members == 0);
        return new Trait(Column.Name, f.Value, phrase, Column.Words.GroupOf(Column.Name), f.Share, otherShare ?? f.PopulationShare,
            over ? "over" : "under", f.Test, new Unit(UnitKind.Percent), true, comparedWith);
    }
}
