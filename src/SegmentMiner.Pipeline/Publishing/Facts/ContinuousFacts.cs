namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>
/// A continuous attribute: each segment's values (sorted, for exact quantiles), moments and missing count, and the
/// population's bins with each segment's count in every bin.
/// </summary>
internal sealed class ContinuousFacts : AttributeFacts
{
    private readonly double[][] _values;
    private readonly Moments[] _moments;
    private readonly long[] _missing;
    private readonly double[] _population;
    private readonly Moments _all;
    private readonly IReadOnlyList<Bin> _bins;

    public ContinuousFacts(CaseColumn column, int[] segmentOf, long[] sizes, ValueFormat format)
        : base(column, sizes)
    {
        var lists = sizes.Select(_ => new List<double>()).ToArray();
        _missing = new long[sizes.Length];
        for (var i = 0; i < segmentOf.Length; i++)
        {
            var s = segmentOf[i];
            if (s < 0)
            {
                continue;
            }

            if (double.IsNaN(column.Values[i])) _missing[s]++;
            else lists[s].Add(column.Values[i]);
        }

        _values = lists.Select(l => { var a = l.ToArray(); Array.Sort(a); return a; }).ToArray();
        _moments = _values.Select(MomentsOf).ToArray();
        _population = _values.SelectMany(v => v).ToArray();
        Array.Sort(_population);
        _all = MomentsOf(_population);
        _bins = Binning.Build(_population, column.Words.Unit, format);
        if (_bins.Count == 0 && _population.Length > 0 && _missing.Sum() > 0)
        {
            // A constant value beside missing ones: having a value at all is what tells cases apart.
            _bins = [new Bin(_population[0], _population[0], format.Bare(_population[0], column.Words.Unit) + ValueFormat.Words(column.Words.Unit, _population[0]))];
        }
    }

    private long MissingTotal => _missing.Sum();

    private bool Varies => _population.Length > 0 && _population[0] != _population[^1];

    private static Moments MomentsOf(double[] values)
    {
        var m = new Moments();
        foreach (var v in values)
        {
            m.Add(v);
        }

        return m;
    }

    public override void Describe(ModelFacts facts)
    {
        facts.Population.Add(Quantiles.Summarize(Column.Name, _population, Total));
        var states = _bins.Select(b => b.Label).ToList();
        if (MissingTotal > 0)
        {
            states.Add("Missing");
        }

        var counts = new long[Sizes.Length, states.Count];
        for (var s = 0; s < Sizes.Length; s++)
        {
            facts.Segments[s].Summaries.Add(Quantiles.Summarize(Column.Name, _values[s], Sizes[s]));
            foreach (var v in _bins.Count > 0 ? _values[s] : [])
            {
                counts[s, BinOf(v)]++;
            }

            if (MissingTotal > 0)
            {
                counts[s, states.Count - 1] = _missing[s];
            }
        }

        AddStates(facts, states, counts, states.Count >= 2, t => t < _bins.Count ? (_bins[t].Minimum, _bins[t].Maximum) : null);
        for (var s = 0; s < Sizes.Length; s++)
        {
            if (Sizes[s] > 0 && Sizes[s] < Total)
            {
                facts.Segments[s].Candidates.AddRange(Candidates(facts.Segments[s], s));
            }
        }
    }

    private IEnumerable<Trait> Candidates(SegmentFacts segment, int s)
    {
        if (Varies && _moments[s].Count > 0)
        {
            var test = Significance.Means(_moments[s], Moments.Without(_all, _moments[s]));
            yield return MeanTrait(test, _moments[s].Mean, _all.Mean, null);
        }

        var missing = segment.States.FirstOrDefault(f => f.Attribute == Column.Name && f.Value == "Missing");
        if (missing is not null && _population.Length > 0 && missing.Share > missing.RestShare)
        {
            yield return StateTrait(missing) with { Group = Column.Words.MissingGroup ?? Column.Words.GroupOf(Column.Name) };
        }
    }

    private Trait MeanTrait(TestResult test, double mean, double other, int? comparedWith)
    {
        var high = test.Effect > 0;
        var w = Column.Words;
        var phrase = comparedWith is null ? (high ? w.High : w.Low) : AttributeWords.Clean((high ? "higher " : "lower ") + w.Label);
        return new Trait(Column.Name, "Mean", phrase, w.GroupOf(Column.Name), mean, other, high ? "high" : "low", test, w.Unit, false, comparedWith);
    }

    public override IEnumerable<Trait> Compare(int a, int b)
    {
        if (Varies && _moments[a].Count > 0 && _moments[b].Count > 0)
        {
            yield return MeanTrait(Significance.Means(_moments[a], _moments[b]), _moments[a].Mean, _moments[b].Mean, b);
        }

        if (MissingTotal > 0 && _population.Length > 0)
        {
            var test = Significance.Proportions(_missing[a], Sizes[a], _missing[b], Sizes[b]);
            var share = Share(_missing[a], Sizes[a]);
            var other = Share(_missing[b], Sizes[b]);
            if (share > other)
            {
                yield return StateTrait(new StateFact(Column.Name, "Missing", _missing[a], share, 0, 0, test, true), b, other);
            }
        }
    }

    /// <summary>The bin holding a population value: the last whose minimum is at most the value.</summary>
    private int BinOf(double v)
    {
        int lo = 0, hi = _bins.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_bins[mid].Minimum <= v) lo = mid;
            else hi = mid - 1;
        }

        return lo;
    }
}
