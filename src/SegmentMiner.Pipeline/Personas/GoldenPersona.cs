namespace SegmentMiner.Pipeline.Personas;

/// <summary>Personas of several products whose members are alike: one persona the organisation meets in each of its products.</summary>
public sealed record GoldenPersona(IReadOnlyList<ProductPersona> Members)
{
    /// <summary>The products it appears in, in name order.</summary>
    public IReadOnlyList<string> Products => Members.Select(m => m.Product).Order(StringComparer.Ordinal).ToList();
}
