namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>
/// What publish says about the segments of one model run, computed from the cases assigned to each: per attribute,
/// exact counts and shares of every state (Missing included) and of every bin of a continuous attribute, exact means,
/// standard deviations and quantiles, and the tests of each segment against the rest of the cases. A trait
/// <see cref="Qualifies"/> when its test passes at <see cref="Alpha"/> after a Bonferroni correction for the number of
/// traits tested in the model, and its effect size (Cohen's h or d) is at least <see cref="MinimumEffect"/>.
/// </summary>
public sealed class ModelFacts
{
    private readonly List<AttributeFacts> _attributes = [];

    private ModelFacts(long[] sizes, double alpha, double minimumEffect)
    {
        Sizes = sizes;
        Alpha = alpha;
        MinimumEffect = minimumEffect;
        Segments = sizes.Select(n => new SegmentFacts(n)).ToList();
    }

    public IReadOnlyList<SegmentFacts> Segments { get; }

    /// <summary>Members per segment.</summary>
    public long[] Sizes { get; }

    /// <summary>The cases assigned to a segment.</summary>
    public long Cases => Sizes.Sum();

    public double Alpha { get; }

    public double MinimumEffect { get; }

    /// <summary>How many traits were tested (segment against rest): the Bonferroni divisor. Set once every attribute is described.</summary>
    public int Tests { get; private set; }

    /// <summary>The corrected significance level every test here is held to: <see cref="Alpha"/> / <see cref="Tests"/>.</summary>
    private double Level => Alpha / Math.Max(Tests, 1);

    /// <summary>The continuous attributes over all assigned cases.</summary>
    public List<Summary> Population { get; } = [];

    public bool Qualifies(Trait t) => t.Test.PValue <= Level && t.Strength >= MinimumEffect;

    /// <summary>A trait's test is significant after the correction (effect size aside): a discrimination row.</summary>
    public bool Significant(TestResult test) => test.PValue <= Level;

    /// <param name="segmentOf">Each case's segment index, or -1 for a case in no segment.</param>
    public static ModelFacts Compute(CaseTable table, int[] segmentOf, int segments, ValueFormat format, double alpha, double minimumEffect)
    {
        var sizes = new long[segments];
        foreach (var s in segmentOf)
        {
            if (s >= 0)
            {
                sizes[s]++;
            }
        }

        var facts = new ModelFacts(sizes, alpha, minimumEffect);
        foreach (var column in table.Columns)
        {
            AttributeFacts a = column.Continuous ? new ContinuousFacts(column, segmentOf, sizes, format) : new DiscreteFacts(column, segmentOf, sizes);
            facts._attributes.Add(a);
            a.Describe(facts);
        }

        facts.Tests = facts.Segments.Sum(s => s.Candidates.Count);
        return facts;
    }

    /// <summary>A segment's qualified traits against the rest, strongest first.</summary>
    public List<Trait> QualifiedTraits(int segment) =>
        Segments[segment].Candidates.Where(Qualifies)
            .OrderByDescending(t => t.Strength).ThenBy(t => t.Attribute, StringComparer.Ordinal).ThenBy(t => t.Value, StringComparer.Ordinal).ToList();

    /// <summary>The traits that set segment <paramref name="a"/> apart from segment <paramref name="b"/> (tested at the same level).</summary>
    public IEnumerable<Trait> Compare(int a, int b) =>
        _attributes.SelectMany(x => x.Compare(a, b)).Where(Qualifies)
            .OrderByDescending(t => t.Strength).ThenBy(t => t.Attribute, StringComparer.Ordinal);
}
