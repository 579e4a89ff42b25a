namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>
/// Names the segments of one run from what sets each apart, judged on its members: up to <see cref="Size"/> of its
/// qualified traits, strongest first, one per group, joined by ", ". Names are unique by their set of traits: two
/// segments with the same set take their next traits, and when one has none left, the strongest qualified trait that
/// sets it apart from the other (the same test between the two). "Average customers" is a segment with no qualified
/// trait, and only one of them is left so. A kept segment keeps its name while every trait in it still qualifies for
/// its members; otherwise it is named anew and the old name is reported.
/// </summary>
public sealed class SegmentNamer(ModelFacts facts)
{
    public const int Size = 3;

    public const int MaximumSize = 6;

    public const string Average = "Average customers";

    /// <summary>Pairs of segments nothing separates at the tested level (indexes).</summary>
    public List<(int A, int B)> Indistinguishable { get; } = [];

    /// <param name="kept">For each segment, the name it had in the previous run when it kept its key; else null.</param>
    public IReadOnlyList<SegmentName> Name(IReadOnlyList<string?> kept)
    {
        var n = facts.Segments.Count;
        var qualified = Enumerable.Range(0, n).Select(Qualified).ToList();
        var chosen = new List<Trait>[n];
        var fixedName = new bool[n];
        var previous = new string?[n];
        var names = kept.ToArray();
        for (var s = 0; s < n; s++)
        {
            if (facts.Segments[s].Members == 0)
            {
                // A cluster no case was assigned to: nothing to say of its members but that.
                (fixedName[s], chosen[s], names[s]) = (true, [], $"Empty cluster {s + 1}");
                continue;
            }

            var held = kept[s] is { } name ? Holds(name, facts.QualifiedTraits(s)) : null;
            fixedName[s] = held is not null;
            chosen[s] = held ?? qualified[s].Take(Size).ToList();
            previous[s] = held is null ? kept[s] : null;
        }

        Separate(qualified, chosen, fixedName);
        return Enumerable.Range(0, n).Select(s => new SegmentName(fixedName[s] ? names[s]! : Render(chosen[s]), chosen[s], previous[s])).ToList();
    }

    /// <summary>The segment's qualified traits against the rest, strongest first, one per group.</summary>
    private List<Trait> Qualified(int s) => facts.QualifiedTraits(s).GroupBy(t => t.Group).Select(g => g.First()).ToList();

    /// <summary>The traits of an earlier name when each still qualifies; null when one does not.</summary>
    private static List<Trait>? Holds(string name, List<Trait> qualified)
    {
        if (name == Average)
        {
            return qualified.Count == 0 ? [] : null;
        }

        var traits = new List<Trait>();
        foreach (var part in name.Split(", "))
        {
            var t = qualified.FirstOrDefault(q => string.Equals(q.Phrase, part, StringComparison.OrdinalIgnoreCase));
            if (t is null)
            {
                return null;
            }

            traits.Add(t);
        }

        return traits;
    }

    private void Separate(List<List<Trait>> qualified, List<Trait>[] chosen, bool[] fixedName)
    {
        for (var round = 0; round < 4 * MaximumSize; round++)
        {
            var clashes = Enumerable.Range(0, chosen.Length).GroupBy(s => Key(chosen[s])).Where(g => g.Count() > 1).ToList();
            var changed = false;
            foreach (var group in clashes)
            {
                var members = group.ToList();
                foreach (var s in members.Where(s => !fixedName[s]).Skip(members.All(s => !fixedName[s]) ? 1 : 0))
                {
                    changed |= Extend(s, members.First(o => o != s && (fixedName[o] || o < s || members.Count == 2)), qualified[s], chosen[s]);
                }
            }

            if (!changed)
            {
                return;
            }
        }
    }

    /// <summary>Adds segment s's next own trait, or one that sets it apart from <paramref name="other"/>.</summary>
    private bool Extend(int s, int other, List<Trait> own, List<Trait> chosen)
    {
        if (chosen.Count >= MaximumSize)
        {
            return Record(s, other);
        }

        var next = own.FirstOrDefault(t => !chosen.Any(c => c.Group == t.Group));
        next ??= facts.Compare(s, other).FirstOrDefault(t => !chosen.Any(c => c.Group == t.Group || c.Phrase == t.Phrase));
        if (next is null)
        {
            return Record(s, other);
        }

        chosen.Add(next);
        return true;
    }

    private bool Record(int a, int b)
    {
        var pair = (Math.Min(a, b), Math.Max(a, b));
        if (!Indistinguishable.Contains(pair))
        {
            Indistinguishable.Add(pair);
        }

        return false;
    }

    private static string Key(List<Trait> traits) =>
        string.Join("\n", traits.Select(t => t.Phrase.ToLowerInvariant()).Order(StringComparer.Ordinal));

    public static string Render(IReadOnlyList<Trait> traits) =>
        traits.Count == 0 ? Average : Capitalize(string.Join(", ", traits.Select(t => t.Phrase)));

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
