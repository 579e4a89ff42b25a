namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>How an attribute's values read to people: money, a count of something, a share, days, months, or a plain number.</summary>
public enum UnitKind
{
    Number,
    Money,
    Count,
    Percent,
    Days,
    Months,
    Score,
}

/// <summary>An attribute's unit: its kind and, for counts, the thing counted (singular and plural).</summary>
public sealed record Unit(UnitKind Kind, string One = "", string Many = "")
{
    public static readonly Unit Number = new(UnitKind.Number);
}
