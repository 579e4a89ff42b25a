namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>
/// A segment's name and the traits it is made of; <see cref="PreviousName"/> is set when a kept segment's old name
/// stopped holding for its members and was replaced.
/// </summary>
public sealed record SegmentName(string Name, IReadOnlyList<Trait> Traits, string? PreviousName);
