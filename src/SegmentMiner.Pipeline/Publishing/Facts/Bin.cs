namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>
/// One bin of a continuous attribute: the population's values from <see cref="Minimum"/> to <see cref="Maximum"/>
/// (both inclusive, both values some customer holds), and its label in the attribute's units.
/// </summary>
public sealed record Bin(double Minimum, double Maximum, string Label)
{
    public bool Holds(double value) => value >= Minimum && value <= Maximum;
}
