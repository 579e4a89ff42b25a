namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>
/// A state (or a continuous attribute's bin, or Missing) in one segment: how many members hold it, their share, the
/// share of all cases and of the rest of them, and the test of segment against rest. Bins carry the smallest and
/// largest value they hold. A constant attribute's states are not <see cref="Informative"/>: they have no characteristic.
/// </summary>
public sealed record StateFact(string Attribute, string Value, long Members, double Share, double PopulationShare, double RestShare, TestResult Test, bool Informative, double? Minimum = null, double? Maximum = null);

/// <summary>A continuous attribute among a set of cases: how many have a value, and their exact mean, standard deviation (n - 1) and quantiles.</summary>
public sealed record Summary(string Attribute, long Existing, double ExistingShare, double Mean, double StdDev, double Minimum, double P25, double Median, double P75, double Maximum);

/// <summary>
/// A way a segment differs from the rest (or, with <see cref="ComparedWith"/>, from one other segment): the state or
/// "Mean", its phrase, the members' value against the population's (a share, or a mean in <see cref="Unit"/>), the
/// direction, and the test.
/// </summary>
public sealed record Trait(string Attribute, string Value, string Phrase, string Group, double MemberValue, double PopulationValue, string Direction, TestResult Test, Unit Unit, bool IsShare, int? ComparedWith = null)
{
    public double Strength => Math.Abs(Test.Effect);
}

/// <summary>Everything publish says about one segment, computed from its members.</summary>
public sealed class SegmentFacts(long members)
{
    public long Members { get; } = members;

    public List<StateFact> States { get; } = [];

    public List<Summary> Summaries { get; } = [];

    /// <summary>Every trait tested, qualified or not.</summary>
    public List<Trait> Candidates { get; } = [];
}
