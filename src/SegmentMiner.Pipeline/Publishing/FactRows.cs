using SegmentMiner.Pipeline.Publishing.Facts;
using SegmentMiner.Warehouse.Publishing;

namespace SegmentMiner.Pipeline.Publishing;

/// <summary>
/// The rows a run writes about its segments, from the members' facts: profiles (every state's share, a continuous
/// attribute's presence, mean, standard deviation and quantiles), characteristics (every state or bin a member
/// holds: share, lift against the population, rank), discrimination against the rest (the significant differences,
/// in percentage points), and traits.
/// </summary>
public static class FactRows
{
    public static IEnumerable<ProfileRecord> Profiles(ModelFacts facts, IReadOnlyList<long> keys, ISet<string> continuous)
    {
        for (var s = 0; s < keys.Count; s++)
        {
            var segment = facts.Segments[s];
            foreach (var f in segment.States.Where(f => !continuous.Contains(f.Attribute) || f.Value == "Missing"))
            {
                yield return new ProfileRecord(keys[s], f.Attribute, f.Value, f.Share, f.Members, null, null);
            }

            foreach (var x in segment.Summaries)
            {
                yield return x.Existing == 0
                    ? new ProfileRecord(keys[s], x.Attribute, "Existing", 0, 0, null, null)
                    : new ProfileRecord(keys[s], x.Attribute, "Existing", x.ExistingShare, x.Existing, x.Mean, x.StdDev, x.Minimum, x.P25, x.Median, x.P75, x.Maximum);
            }
        }
    }

    /// <summary>
    /// Every informative state or bin that members hold. Rank: first the states members hold more often than the rest,
    /// most significant first (then the larger effect), then the others by their share.
    /// </summary>
    public static IEnumerable<CharacteristicRecord> Characteristics(ModelFacts facts, IReadOnlyList<long> keys)
    {
        for (var s = 0; s < keys.Count; s++)
        {
            var ranked = facts.Segments[s].States.Where(f => f.Informative && f.Members > 0)
                .OrderByDescending(f => f.Share > f.RestShare)
                .ThenBy(f => f.Share > f.RestShare ? f.Test.PValue : 0)
                .ThenByDescending(f => f.Share > f.RestShare ? Math.Abs(f.Test.Effect) : f.Share)
                .ThenBy(f => f.Attribute, StringComparer.Ordinal).ThenBy(f => f.Value, StringComparer.Ordinal);
            var rank = 0;
            foreach (var f in ranked)
            {
                yield return new CharacteristicRecord(keys[s], f.Attribute, f.Value, f.Share, f.PopulationShare == 0 ? 0 : f.Share / f.PopulationShare, ++rank, f.Minimum, f.Maximum);
            }
        }
    }

    /// <summary>Significant differences from the rest: Score = 100 x (share in the segment - share in the rest).</summary>
    public static IEnumerable<DiscriminationRecord> Discrimination(ModelFacts facts, IReadOnlyList<long> keys)
    {
        for (var s = 0; s < keys.Count; s++)
        {
            foreach (var f in facts.Segments[s].States.Where(f => f.Informative && facts.Significant(f.Test)).OrderByDescending(f => Math.Abs(f.Share - f.RestShare)))
            {
                var score = 100 * (f.Share - f.RestShare);
                yield return new DiscriminationRecord(keys[s], f.Attribute, f.Value, score, score >= 0 ? "segment" : "rest");
            }
        }
    }

    /// <summary>Each segment's qualified traits (strongest first) and the comparisons its name needed.</summary>
    public static IEnumerable<TraitRecord> Traits(ModelFacts facts, IReadOnlyList<long> keys, IReadOnlyList<SegmentName> names)
    {
        for (var s = 0; s < keys.Count; s++)
        {
            var qualified = facts.QualifiedTraits(s);
            var rows = qualified.Concat(names[s].Traits.Where(t => t.ComparedWith is not null));
            var rank = 0;
            foreach (var t in rows)
            {
                yield return new TraitRecord(keys[s], t.Attribute, t.Value, t.Phrase, t.MemberValue, t.PopulationValue, t.Direction, t.Test.PValue, t.Test.Effect,
                    t.ComparedWith is { } other ? keys[other] : null, names[s].Traits.Contains(t), ++rank);
            }
        }
    }
}
