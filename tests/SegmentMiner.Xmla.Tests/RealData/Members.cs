namespace SegmentMiner.Xmla.Tests.RealData;

/// <summary>The cases of a case view with the segment each was published in: what the published figures must match.</summary>
internal sealed class Members(List<Members.Case> all, Dictionary<string, bool> continuous)
{
    public List<Case> All { get; } = all;

    public IEnumerable<Case> Of(long segment) => All.Where(c => c.Segment == segment);

    /// <summary>The share of a segment's members, and of all cases, for which <paramref name="holds"/> is true.</summary>
    public (double Share, double Population) Shares(long segment, string attribute, Func<object?, bool> holds)
    {
        var inside = Of(segment).ToList();
        return ((double)inside.Count(c => holds(c[attribute])) / inside.Count, (double)All.Count(c => holds(c[attribute])) / All.Count);
    }

    /// <summary>Whether a case's value is the published state: Missing for null, a bin's range, or the state's text.</summary>
    public bool Holds(string attribute, object? v, string value, double? min, double? max) =>
        value == "Missing" ? v is null
        : continuous[attribute] ? v is not null && Convert.ToDouble(v) >= min!.Value && Convert.ToDouble(v) <= max!.Value
        : State(v) == value;

    /// <summary>A value as a state: "Missing" for null, booleans True/False, numbers in invariant culture.</summary>
    public static string State(object? v) => v switch
    {
        null => "Missing",
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    /// <summary>One case: its segment and its values by model column name.</summary>
    public sealed class Case(IDictionary<string, object?> row)
    {
        public long Segment { get; } = Convert.ToInt64(row["$segment"]);

        public object? this[string attribute] => row[attribute];
    }
}
