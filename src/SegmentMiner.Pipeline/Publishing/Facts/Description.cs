using System.Text;

namespace SegmentMiner.Pipeline.Publishing.Facts;

/// <summary>
/// A segment's description: its size, then the traits that set it apart (those in its name first, up to
/// <see cref="Shown"/>), each with the members' value against all customers' in its units. Every number after the
/// size comes from the segment's traits (seg.SegmentTrait).
/// </summary>
public sealed class Description(ValueFormat format, string member = "customer")
{
    private readonly string _members = member + "s";

    public const int Shown = 5;

    public string Render(long members, double share, SegmentName name, IReadOnlyList<Trait> qualified, Func<int, string> segmentName)
    {
        var sb = new StringBuilder();
        sb.Append(ValueFormat.Plain(members, 0)).Append(' ').Append(members == 1 ? member : _members).Append(" (").Append(ValueFormat.Plain(100 * share, 1)).Append("%).");
        var shown = name.Traits.Concat(qualified.Where(q => !name.Traits.Any(t => t.Group == q.Group))).Take(Shown).ToList();
        if (shown.Count == 0)
        {
            sb.Append($" Nothing sets them apart from the other {_members} at the tested level.");
            return sb.ToString();
        }

        var general = shown.Where(t => t.ComparedWith is null).ToList();
        if (general.Count > 0)
        {
            sb.Append($" Compared with all {_members}: ").Append(string.Join("; ", general.Select(Detail))).Append('.');
        }

        foreach (var t in shown.Where(t => t.ComparedWith is not null))
        {
            sb.Append(" Against '").Append(segmentName(t.ComparedWith!.Value)).Append("': ").Append(Detail(t)).Append('.');
        }

        return sb.ToString();
    }

    private string Detail(Trait t)
    {
        var reference = t.ComparedWith is null ? "all " + _members : "them";
        return t.IsShare
            ? $"{t.Phrase}: {format.Format(t.MemberValue, t.Unit)} of members ({reference}: {format.Format(t.PopulationValue, t.Unit)})"
            : $"{t.Phrase}: {format.Format(t.MemberValue, t.Unit, average: true)} on average ({reference}: {format.Format(t.PopulationValue, t.Unit, average: true)})";
    }
}
